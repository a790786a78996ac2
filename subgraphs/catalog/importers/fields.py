"""Reading upstream JSON defensively, so a bad file yields an error that names the exact spot.

An ``EntryReader`` wraps one record of a source file and knows which file and entry it is; every
typed read (``text``, ``integer``, ``choice``, ...) either returns a clean value or raises
``MalformedSource`` naming the file, the entry and the field, e.g.

    open5e-srd-2024/Spell.json: entry 'srd-2024_fireball': field 'level': expected an integer,
    got 'three'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

EnumT = TypeVar("EnumT", bound=Enum)

_MISSING = object()
INT32 = 2**31 - 1  # integer columns are 32-bit on PostgreSQL


class MalformedSource(Exception):
    """A source file cannot be imported; nothing from the import run was written."""

    def __init__(self, file: str, entry: str | None, field: str | None, problem: str) -> None:
        where = file
        if entry is not None:
            where += f": entry {entry!r}"
        if field is not None:
            where += f": field {field!r}"
        super().__init__(f"{where}: {problem}")
        self.file, self.entry, self.field, self.problem = file, entry, field, problem


def display_name(path: Path) -> str:
    """A file as errors show it: its folder and name, which identify it within an SRD directory."""
    return f"{path.parent.name}/{path.name}"


def load_json(path: Path) -> Any:
    name = display_name(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MalformedSource(name, None, None, "file not found") from None
    except OSError as exc:
        raise MalformedSource(name, None, None, f"cannot be read ({exc.strerror})") from None
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise MalformedSource(name, None, None, "is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise MalformedSource(name, None, None, f"is not valid JSON ({where}: {exc.msg})") from None


def load_json_list(path: Path) -> list[Any]:
    data = load_json(path)
    if not isinstance(data, list):
        raise MalformedSource(display_name(path), None, None, "expected a JSON list of entries")
    return data


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class EntryReader:
    """Typed access to one entry (or a nested object inside it) of a source file."""

    def __init__(self, file: str, entry: str, data: object, prefix: str = "") -> None:
        self.file, self.entry, self.prefix = file, entry, prefix
        if not isinstance(data, Mapping):
            raise self.fail(None, f"expected an object, got {_shown(data)}")
        self.data: Mapping[str, Any] = data

    def fail(self, field: str | None, problem: str) -> MalformedSource:
        path = self.prefix + field if field is not None else (self.prefix.rstrip(".") or None)
        return MalformedSource(self.file, self.entry, path, problem)

    def fail_at(self, path: str, problem: str) -> MalformedSource:
        """An error at ``path`` from the entry's top level (outside this nested object)."""
        return MalformedSource(self.file, self.entry, path, problem)

    def raw(self, field: str, default: object = _MISSING) -> Any:
        if field in self.data:
            return self.data[field]
        if default is _MISSING:
            raise self.fail(field, "is missing")
        return default

    def text(self, field: str, *, max_length: int | None = None) -> str:
        """A required, non-blank string (of at most ``max_length`` characters, if given)."""
        value = self.raw(field)
        if not isinstance(value, str):
            raise self.fail(field, f"expected text, got {_shown(value)}")
        if not value.strip():
            raise self.fail(field, "is empty")
        return self._fits(field, value.strip(), max_length)

    def optional_text(self, field: str, *, max_length: int | None = None) -> str | None:
        """A string that may be absent, null or empty (all read as None)."""
        value = self.raw(field, None)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(field, f"expected text or null, got {_shown(value)}")
        return self._fits(field, value.strip(), max_length) or None

    def _fits(self, field: str, value: str, max_length: int | None) -> str:
        if max_length is not None and len(value) > max_length:
            raise self.fail(field, f"is {len(value)} characters long (at most {max_length})")
        return value

    def boolean(self, field: str) -> bool:
        value = self.raw(field)
        if not isinstance(value, bool):
            raise self.fail(field, f"expected true or false, got {_shown(value)}")
        return value

    def integer(self, field: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self.raw(field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, f"expected an integer, got {_shown(value)}")
        low = -INT32 if minimum is None else minimum
        high = INT32 if maximum is None else maximum
        if not low <= value <= high:
            raise self.fail(field, f"{value} is out of range ({low} to {high})")
        return value

    def optional_integer(self, field: str, *, minimum: int | None = None) -> int | None:
        if self.raw(field, None) is None:
            return None
        return self.integer(field, minimum=minimum)

    def optional_boolean(self, field: str) -> bool | None:
        return None if self.raw(field, None) is None else self.boolean(field)

    def choice(
        self, field: str, enum: type[EnumT], aliases: Mapping[str, EnumT] | None = None
    ) -> EnumT:
        """A string naming a member of ``enum`` by value (or by one of ``aliases``)."""
        value = self.text(field)
        return self.as_choice(field, value, enum, aliases)

    def as_choice(
        self,
        field: str,
        value: str,
        enum: type[EnumT],
        aliases: Mapping[str, EnumT] | None = None,
    ) -> EnumT:
        key = value.strip().lower()
        if aliases and key in aliases:
            return aliases[key]
        for member in enum:
            if member.value == key:
                return member
        known = sorted([*(str(m.value) for m in enum), *(aliases or {})])
        raise self.fail(field, f"unknown value {value!r} (expected one of {', '.join(known)})")

    def text_list(self, field: str) -> list[str]:
        value = self.raw(field)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(field, f"expected a list of text, got {_shown(value)}")
        return [v.strip() for v in value]

    def nested(self, field: str) -> EntryReader:
        return EntryReader(self.file, self.entry, self._object(field), f"{self.prefix}{field}.")

    def optional_nested(self, field: str) -> EntryReader | None:
        return None if self.raw(field, None) is None else self.nested(field)

    def nested_list(self, field: str, *, optional: bool = False) -> list[EntryReader]:
        value = self.raw(field, [] if optional else _MISSING)
        if value is None and optional:
            return []
        if not isinstance(value, list):
            raise self.fail(field, f"expected a list, got {_shown(value)}")
        return [
            EntryReader(self.file, self.entry, item, f"{self.prefix}{field}[{i}].")
            for i, item in enumerate(value)
        ]

    def _object(self, field: str) -> Mapping[str, Any]:
        value = self.raw(field)
        if not isinstance(value, Mapping):
            raise self.fail(field, f"expected an object, got {_shown(value)}")
        return value
