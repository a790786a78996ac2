"""What the service generates: one ``Purpose`` each, with its prompt template, its schema (when
the answer is data) and its offline answer. ``PURPOSES`` is the registry the service and the
offline generator share."""

from __future__ import annotations

from subgraphs.llm.builds.model import BUILD
from subgraphs.llm.purposes.base import Purpose
from subgraphs.llm.purposes.character import BACKSTORY
from subgraphs.llm.purposes.free_text import FREE_TEXT
from subgraphs.llm.purposes.npc import DIALOGUE
from subgraphs.llm.purposes.story import HOOKS, OUTLINE
from subgraphs.llm.purposes.table import DESCRIPTION, NARRATION

PURPOSES: dict[str, Purpose] = {
    purpose.name: purpose
    for purpose in (*FREE_TEXT, BACKSTORY, DIALOGUE, NARRATION, DESCRIPTION, HOOKS, OUTLINE, BUILD)
}

__all__ = ["PURPOSES", "Purpose"]
