"""The conformance corpus on disk: one directory per case under ``cases/``.

A case directory holds ``case.yaml`` (its subgraphs, their fixture data and its operations) and
``expected/<operation>.json`` (the response Apollo Gateway gave, generated once by
``generate_expected.py`` and reviewed by eye). See README.md for the file format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
CASES_DIR = HERE / "cases"
# Failure modes a fake subgraph can be told to have (see fake_subgraph.py).
BEHAVIOURS = {"normal", "http_500", "not_json"}


class CorpusError(ValueError):
    """A case file that does not follow the format; the message names the file."""


@dataclass(frozen=True)
class SubgraphCase:
    name: str
    sdl: str
    data: dict[str, Any] = field(default_factory=dict)  # type name -> list of objects / root map
    resolvers: dict[str, str] = field(default_factory=dict)  # "Type.field" -> expression
    behaviour: str = "normal"


@dataclass(frozen=True)
class Operation:
    name: str
    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None

    def body(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"query": self.query}
        if self.variables is not None:
            payload["variables"] = self.variables
        if self.operation_name is not None:
            payload["operationName"] = self.operation_name
        return payload


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    subgraphs: tuple[SubgraphCase, ...]
    operations: tuple[Operation, ...]
    directory: Path

    def expected_path(self, operation: str) -> Path:
        return self.directory / "expected" / f"{operation}.json"

    def expected(self, operation: str) -> Any:
        path = self.expected_path(operation)
        if not path.exists():
            raise CorpusError(f"{path} is missing: run generate_expected.py for {self.name}")
        return json.loads(path.read_text())


def _require(condition: bool, path: Path, message: str) -> None:
    if not condition:
        raise CorpusError(f"{path}: {message}")


def _load_subgraph(path: Path, name: str, raw: Any) -> SubgraphCase:
    _require(isinstance(raw, dict) and isinstance(raw.get("sdl"), str), path,
             f"subgraph {name!r} needs an 'sdl' string")
    unknown = set(raw) - {"sdl", "data", "resolvers", "behaviour"}
    _require(not unknown, path, f"subgraph {name!r} has unknown keys {sorted(unknown)}")
    behaviour = raw.get("behaviour", "normal")
    _require(behaviour in BEHAVIOURS, path,
             f"subgraph {name!r}: behaviour must be one of {sorted(BEHAVIOURS)}")
    return SubgraphCase(name=name, sdl=raw["sdl"], data=dict(raw.get("data") or {}),
                        resolvers=dict(raw.get("resolvers") or {}), behaviour=behaviour)


def _load_operation(path: Path, name: str, raw: Any) -> Operation:
    if isinstance(raw, str):
        raw = {"query": raw}
    _require(isinstance(raw, dict) and isinstance(raw.get("query"), str), path,
             f"operation {name!r} needs a 'query' string")
    unknown = set(raw) - {"query", "variables", "operationName"}
    _require(not unknown, path, f"operation {name!r} has unknown keys {sorted(unknown)}")
    return Operation(name=name, query=raw["query"], variables=raw.get("variables"),
                     operation_name=raw.get("operationName"))


def load_case(directory: Path) -> Case:
    path = directory / "case.yaml"
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise CorpusError(f"{path}: not valid YAML: {error}") from None
    _require(isinstance(raw, dict), path, "expected a mapping at the top")
    subgraphs = raw.get("subgraphs")
    operations = raw.get("operations")
    _require(isinstance(subgraphs, dict) and bool(subgraphs), path, "needs 'subgraphs'")
    _require(isinstance(operations, dict) and bool(operations), path, "needs 'operations'")
    return Case(
        name=directory.name,
        description=str(raw.get("description", "")).strip(),
        subgraphs=tuple(_load_subgraph(path, n, s) for n, s in subgraphs.items()),
        operations=tuple(_load_operation(path, n, o) for n, o in operations.items()),
        directory=directory,
    )


@cache
def load_corpus() -> tuple[Case, ...]:
    """Every case, sorted by name."""
    directories = sorted(p for p in CASES_DIR.iterdir() if (p / "case.yaml").exists())
    return tuple(load_case(directory) for directory in directories)


def case_by_name(name: str) -> Case:
    for case in load_corpus():
        if case.name == name:
            return case
    raise CorpusError(f"no case named {name!r} under {CASES_DIR}")
