"""Read-only access to the shared SRD 5.2 JSON, for checking our tables against it.

The files live outside the repository (``../shared/srd``, or ``$SRD_DIR``); tests that need them
skip when they are absent. Hard-coded spot checks elsewhere keep the tables covered regardless.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SRD_ROOT = (
    Path(os.environ["SRD_DIR"]) if "SRD_DIR" in os.environ
    else Path(__file__).resolve().parents[3] / "shared" / "srd"
)
SRD_DIR = SRD_ROOT / "5e-database-2024"
OPEN5E_DIR = SRD_ROOT / "open5e-srd-2024"


@cache
def _load(name: str, folder: Path = SRD_DIR) -> Any:
    path = folder / name
    if not path.exists():
        pytest.skip(f"SRD data not available at {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def class_levels() -> dict[tuple[str, int], dict[str, Any]]:
    """Base class level rows keyed by (class index, level); subclass rows are left out."""
    rows = _load("5e-SRD-Levels.json")
    return {
        (row["class"]["index"], row["level"]): row
        for row in rows
        if "class" in row and "subclass" not in row
    }


def subclass_levels() -> dict[tuple[str, int], list[str]]:
    """Subclass feature names keyed by (subclass index, class level)."""
    rows = _load("5e-SRD-Levels.json")
    return {
        (row["subclass"]["index"], row["level"]): [f["name"] for f in row["features"]]
        for row in rows
        if "subclass" in row
    }


def subclasses() -> dict[str, dict[str, Any]]:
    return {row["index"]: row for row in _load("5e-SRD-Subclasses.json")}


def classes() -> dict[str, dict[str, Any]]:
    return {row["index"]: row for row in _load("5e-SRD-Classes.json")}


def equipment() -> dict[str, dict[str, Any]]:
    return {row["index"]: row for row in _load("5e-SRD-Equipment.json")}


def srd_2024(table: str) -> list[dict[str, Any]]:
    """Rows of one 5e-SRD-<table>.json file ("Traits", "Subspecies", ...)."""
    rows: list[dict[str, Any]] = _load(f"5e-SRD-{table}.json")
    return rows


# Documented errors in 5e-SRD-Levels.json (see shared/srd/PROVENANCE.md): the SRD table wins.
KNOWN_ERRATA: dict[tuple[str, int, str], int] = {
    ("druid", 7, "cantrips_known"): 3,
    ("druid", 16, "cantrips_known"): 4,
    ("wizard", 14, "prepared_spells"): 18,
    ("wizard", 15, "prepared_spells"): 19,
    ("wizard", 16, "prepared_spells"): 21,
    ("wizard", 17, "prepared_spells"): 22,
    ("wizard", 18, "prepared_spells"): 23,
    ("wizard", 19, "prepared_spells"): 24,
    ("wizard", 20, "prepared_spells"): 25,
}


def srd_value(cls: str, level: int, key: str, value: int) -> int:
    return KNOWN_ERRATA.get((cls, level, key), value)


def open5e(model: str) -> dict[str, dict[str, Any]]:
    """Fields of each row of an open5e SRD 5.2 fixture ("ClassFeature", "Background", ...),
    keyed by primary key without the ``srd-2024_`` prefix."""
    rows: list[dict[str, Any]] = _load(f"{model}.json", OPEN5E_DIR)
    return {row["pk"].removeprefix("srd-2024_"): row["fields"] for row in rows}
