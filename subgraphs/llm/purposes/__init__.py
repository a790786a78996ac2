"""What the service generates: one ``Purpose`` each, with its prompt template, its schema (when
the answer is data) and its offline answer. ``PURPOSES`` is the registry the service and the
offline generator share."""

from __future__ import annotations

from subgraphs.llm.purposes.base import Purpose
from subgraphs.llm.purposes.free_text import FREE_TEXT

PURPOSES: dict[str, Purpose] = {purpose.name: purpose for purpose in (*FREE_TEXT,)}

__all__ = ["PURPOSES", "Purpose"]
