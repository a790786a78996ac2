"""Every service of the graph: its name, its package and its port in the embedded stack.

The stack launcher, the schema exporter and the tests all read this one list.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Service:
    name: str
    package: str  # has ``schema.py`` (``schema``) and ``app.py`` (``build``)
    port: int

    @property
    def url(self) -> str:
        """Where the router reaches it in the embedded stack."""
        return f"http://127.0.0.1:{self.port}/graphql"

    def module(self, name: str) -> ModuleType:
        return importlib.import_module(f"{self.package}.{name}")


ROUTER_PORT = 4000

SERVICES: tuple[Service, ...] = (
    Service("auth", "auth", 4106),
    Service("campaign", "subgraphs.campaign", 4102),
    Service("catalog", "subgraphs.catalog", 4103),
    Service("character", "subgraphs.character", 4101),
    Service("image", "subgraphs.image", 4104),
    Service("llm", "subgraphs.llm", 4105),
)
