"""Finding the SRD data on this machine.

``$SRD_DIR`` wins; otherwise ``shared/srd`` beside the project (``<project>/../shared/srd``), found
from this file's location so the working directory does not matter. With neither, the pinned
upstream files are downloaded into a cache and checked against their stored checksums
(``download.py``; ``SRD_DOWNLOAD=off`` disables that, and the catalog then starts empty).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_SRD_DIR = PROJECT_ROOT.parent / "shared" / "srd"


def resolve_srd_dir(explicit: Path | None = None) -> Path | None:
    """The SRD directory to import from, or None when there is none."""
    if explicit is not None:
        return explicit
    configured = os.environ.get("SRD_DIR")
    if configured:
        return Path(configured)
    return DEFAULT_SRD_DIR if DEFAULT_SRD_DIR.is_dir() else None


def download_allowed() -> bool:
    return os.environ.get("SRD_DOWNLOAD", "on").strip().lower() not in {"off", "0", "false", "no"}
