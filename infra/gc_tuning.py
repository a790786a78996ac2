"""Garbage collection for a server process once it has started.

What start-up builds (schemas, query plans, the SRD catalog and its search profiles) lives as
long as the process. Left in the collector's generations, every full collection walks all of
it again: a pause of over 100 ms in the middle of some request (measured on concept search).
Frozen, it is never walked again, and young objects (requests allocate many, briefly) are
collected less often. Only for server entry points, never in tests: frozen objects that later
become cyclic garbage are never reclaimed.
"""

from __future__ import annotations

import gc


def settle_after_startup() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 50)
