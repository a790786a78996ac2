"""Producing the schema files from the code: one SDL per subgraph, then the supergraph."""

from __future__ import annotations

from pathlib import Path

from schema.compose import Subgraph, compose
from subgraphs.registry import SERVICES

SCHEMA_DIR = Path(__file__).parent


def subgraph_sdls() -> list[Subgraph]:
    """The SDL each service serves on ``_service { sdl }``, with its embedded-stack URL."""
    return [
        Subgraph(name=service.name, url=service.url, sdl=service.module("schema").schema.as_str())
        for service in SERVICES
    ]


def build_all() -> dict[Path, str]:
    subgraphs = subgraph_sdls()
    files = {SCHEMA_DIR / f"{s.name}.graphql": s.sdl.rstrip() + "\n" for s in subgraphs}
    files[SCHEMA_DIR / "supergraph.graphql"] = compose(subgraphs).rstrip() + "\n"
    return files


def changed_files(files: dict[Path, str]) -> list[Path]:
    return [path for path, text in files.items() if not path.exists() or path.read_text() != text]


def write_all(files: dict[Path, str]) -> list[Path]:
    for path, text in files.items():
        path.write_text(text)
    return list(files)
