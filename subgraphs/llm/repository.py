"""Reading and writing generation records."""

from __future__ import annotations

from subgraphs.kit.owned import OwnedRepository
from subgraphs.llm.models import GenerationRow


class GenerationRepository(OwnedRepository[GenerationRow]):
    model = GenerationRow
