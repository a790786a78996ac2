"""The character subgraph's schema, assembled from its capabilities.

Each folder is one capability with its own GraphQL fields and use cases; this module only puts
their root fields together:

* ``records``  — read, list, rename, share, delete and restore characters;
* ``creation`` — preview drafts, create characters from a build, import them from documents;
* ``sheet``    — the derived sheet, computed on read.

Shared by all of them: ``types`` (the ``Character`` entity), ``documents`` (the base data in the
rules format, judged by ``rules``), ``writes`` (the one path every change takes), ``access``
(who may read what), ``repository`` and ``models`` (storage) and ``migrations``.
"""

from __future__ import annotations

from strawberry.tools import merge_types

from subgraphs.character import references
from subgraphs.character.creation import mutations as creation
from subgraphs.character.creation.preview import Query as PreviewQueries
from subgraphs.character.records import mutations as records
from subgraphs.character.records.queries import Query as RecordQueries
from subgraphs.character.types import Character
from subgraphs.kit.federation import subgraph_schema
from subgraphs.kit.references import User

Query = merge_types("Query", (RecordQueries, PreviewQueries))
Mutation = merge_types("Mutation", (creation.Mutation, records.Mutation))

# Entity stubs the router must know even where no field of ours returns them yet.
STUBS = [getattr(references, name) for name in ("CharacterClass", "Subclass", "Spell")]

schema = subgraph_schema(query=Query, mutation=Mutation, types=[Character, User, *STUBS])
