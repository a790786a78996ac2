"""The three operations every gateway runs, with the query plan shape each one forces.

* ``shallow``: one root field of one subgraph; measures the fixed cost per request.
* ``three_hops``: campaigns -> party (characters) -> inventory (items) -> origin (campaigns).
  Each hop needs fields only the next subgraph resolves, so a correct plan is one root fetch
  followed by three *sequential* ``_entities`` fetches.
* ``wide``: 30 characters with every scalar field, their campaign and their inventory; one root
  fetch, then two ``_entities`` fetches in parallel (campaigns and items), ~18 KB of response.

Each operation has several variable sets (``variants``). The load generator rotates through
them so that concurrent requests mostly differ, as real traffic does; with identical requests a
gateway that merges identical in-flight subgraph calls would mostly measure that merging.
``--identical`` in the runner sends only the first variant, to show exactly that effect.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

Variables = dict[str, Any]


@dataclass(frozen=True)
class Operation:
    name: str
    query: str
    operation_name: str | None = None
    variants: tuple[Variables, ...] = ({},)

    def body(self, variables: Variables | None = None) -> bytes:
        """One POST body, with the first variant's variables unless others are given."""
        chosen = self.variants[0] if variables is None else variables
        payload: dict[str, Any] = {"query": self.query}
        if self.operation_name:
            payload["operationName"] = self.operation_name
        if chosen:
            payload["variables"] = chosen
        return json.dumps(payload, separators=(",", ":")).encode()

    def bodies(self, *, identical: bool = False) -> list[bytes]:
        """The bodies the load generator rotates through."""
        return [self.body()] if identical else [self.body(v) for v in self.variants]

    def sample_variants(self) -> list[Variables]:
        """A few variants (first, middle, last) for the correctness check."""
        picks = {0, len(self.variants) // 2, len(self.variants) - 1}
        return [self.variants[index] for index in sorted(picks)]


SHALLOW = Operation(
    name="shallow",
    query="""query Shallow($id: ID!) {
  campaign(id: $id) { id name setting }
}""",
    operation_name="Shallow",
    variants=tuple({"id": f"campaign-{n}"} for n in range(1, 31)),
)

THREE_HOPS = Operation(
    name="three_hops",
    query="""query ThreeHops($offset: Int!) {
  campaigns(first: 3, offset: $offset) {
    id
    name
    party {
      name
      level
      inventory {
        name
        rarity
        origin { name setting }
      }
    }
  }
}""",
    operation_name="ThreeHops",
    variants=tuple({"offset": n} for n in range(28)),
)

WIDE = Operation(
    name="wide",
    query="""query Wide($offset: Int!) {
  characters(first: 30, offset: $offset) {
    id name level className species background
    hitPoints armorClass speed
    strength dexterity constitution intelligence wisdom charisma
    campaign { id name setting }
    inventory { id name weight rarity valueGp }
  }
}""",
    operation_name="Wide",
    variants=tuple({"offset": n} for n in range(91)),
)

OPERATIONS: tuple[Operation, ...] = (SHALLOW, THREE_HOPS, WIDE)
