"""The character's base data: one JSON document in the rules engine's format.

The document is the single source of truth for everything a player chooses or records (identity,
classes, abilities, background, equipment, play state...); ``python -m rules schema`` describes
it. This module is where the character service meets ``rules`` for base data:

* ``check_document`` reads a document a client sent with ``rules.parse`` and judges it with
  ``rules.validate``; every problem becomes a ``Problem`` whose path points into the client's
  input (``classes[1].subclass`` -> ``["input", "document", "classes", "1", "subclass"]``) and
  whose code and message name the rule. A legal document comes back in canonical form
  (``rules.serialize.sheet_to_dict``), so equal sheets are stored as equal documents and a later
  JSON Patch of one version against the next says only what changed.
* ``stored_problems`` says what is wrong with a document already stored (one migrated from the
  old columns, or one that a newer rules engine judges more strictly), for reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from rules.classes import CLASSES
from rules.errors import RuleError, SheetParseError
from rules.parse import parse_sheet
from rules.serialize import sheet_to_dict
from rules.sheet import Sheet
from rules.species import SPECIES, species_info
from rules.subclasses import subclass_info
from rules.validation import validate
from subgraphs.kit.outcomes import Problem, Rejected
from subgraphs.kit.text import check_multi_line, check_single_line

MAX_NAME = 120  # the width of the name column
MAX_DOCUMENT_BYTES = 256 * 1024  # a level-20 sheet with a full pack is about 10 KB
_INDEX = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class CheckedDocument:
    """A legal document: the rules' reading of it and its canonical JSON form."""

    sheet: Sheet
    document: dict[str, Any]

    @property
    def name(self) -> str:
        return self.sheet.identity.name

    @property
    def level(self) -> int:
        return self.sheet.total_level


def rule_path(path: str) -> tuple[str, ...]:
    """A rules path as GraphQL path segments: ``classes[1].subclass`` -> ``classes``, ``1``,
    ``subclass``; ``""`` (the whole document) -> nothing."""
    segments: list[str] = []
    for part in path.split(".") if path else ():
        name, _, indexes = part.partition("[")
        if name:
            segments.append(name)
        segments.extend(_INDEX.findall("[" + indexes) if indexes else ())
    return tuple(segments)


def as_problem(error: RuleError, at: tuple[str, ...]) -> Problem:
    """A rules error as a user error at ``at`` + its path; the code names the rule."""
    return Problem(at + rule_path(error.path), error.code.upper(), error.message)


def rule_errors(data: object) -> tuple[Sheet | None, list[RuleError]]:
    """Parse and validate: the sheet (when it parses) and every problem, parse problems first.
    Text a person typed must be plain text (the kit's text rules) wherever it is."""
    typed = list(_text_errors(data, ""))
    try:
        sheet = parse_sheet(data)
    except SheetParseError as exc:
        return None, list(exc.errors) + typed
    return sheet, validate(sheet) + _service_rules(sheet) + typed


def _text_errors(value: object, path: str) -> Iterator[RuleError]:
    """Every string of the document, judged by the kit's rules: one line, except notes."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _text_errors(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _text_errors(item, f"{path}[{index}]")
    elif isinstance(value, str):
        segments = rule_path(path)
        check = check_multi_line if segments[-1:] == ("notes",) else check_single_line
        for problem in check(value, segments):
            yield RuleError(path, problem.code.lower(), problem.message)


def _service_rules(sheet: Sheet) -> list[RuleError]:
    """What this service refuses although ``rules.validate`` lets it pass: a name wider than its
    column, and a species or subclass the rules engine does not know (its numbers would be
    silently wrong: no traits, no subclass features)."""
    errors = []
    if len(sheet.identity.name) > MAX_NAME:
        errors.append(
            RuleError("identity.name", "name_too_long", f"Names are at most {MAX_NAME} characters.")
        )
    if species_info(sheet.identity.species) is None:
        known = ", ".join(sorted(SPECIES))
        errors.append(
            RuleError(
                "identity.species",
                "unknown_species",
                f"'{sheet.identity.species}' is not a species the rules know ({known}).",
            )
        )
    for index, entry in enumerate(sheet.classes):
        info = CLASSES[entry.class_id]
        if entry.subclass and not (
            subclass_info(entry.subclass) or entry.subclass in info.third_caster_subclasses
        ):
            errors.append(
                RuleError(
                    f"classes[{index}].subclass",
                    "unknown_subclass",
                    f"'{entry.subclass}' is not a {info.name} subclass the rules know.",
                )
            )
    return errors


def size_error(data: object) -> RuleError | None:
    """Why ``data`` is too big (or too odd) to judge at all, if it is."""
    try:
        size = len(json.dumps(data))
    except (ValueError, TypeError, RecursionError):
        return RuleError("", "document_invalid", "The document is not plain JSON.")
    if size > MAX_DOCUMENT_BYTES:
        return RuleError(
            "", "document_too_large", f"A document is at most {MAX_DOCUMENT_BYTES} bytes."
        )
    return None


def check_document(data: object, at: tuple[str, ...] = ("input", "document")) -> CheckedDocument:
    """The legal, canonical form of ``data``, or ``Rejected`` naming every problem under ``at``."""
    too_big = size_error(data)
    if too_big is not None:
        raise Rejected(as_problem(too_big, at))
    sheet, errors = rule_errors(data)
    if errors or sheet is None:
        raise Rejected(*(as_problem(error, at) for error in errors))
    return CheckedDocument(sheet, sheet_to_dict(sheet))


def stored_problems(document: Mapping[str, Any]) -> list[RuleError]:
    """What is wrong with a stored document (empty when it is legal)."""
    return rule_errors(dict(document))[1]


def with_name(document: Mapping[str, Any], name: str) -> dict[str, Any]:
    """``document`` renamed: ``identity.name`` is where a character's name lives."""
    identity = document.get("identity")
    renamed = dict(identity) if isinstance(identity, dict) else {}
    renamed["name"] = name
    return {**document, "identity": renamed}


def starting_class(document: Mapping[str, Any]) -> str | None:
    """The rules id of the first class listed (the starting class), read without parsing, so
    that a stored document the rules no longer accept still shows its class."""
    classes = document.get("classes")
    if isinstance(classes, list) and classes and isinstance(classes[0], dict):
        value = classes[0].get("class")
        return value if isinstance(value, str) and value else None
    return None
