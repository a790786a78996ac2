"""Command line: ``python -m rules derive|validate FILE.json``, ``python -m rules roll 2d6+3``,
``python -m rules schema`` (the JSON Schema of the input format) and guided creation:
``python -m rules options DRAFT.json``, ``python -m rules create DRAFT.json`` and
``python -m rules roll-abilities --seed S``.

The only module in ``rules`` that touches files or streams; everything it calls is pure.

Exit codes: 0 success; 1 the sheet is invalid (errors printed as JSON); 2 usage problems
(missing file, unreadable JSON for ``derive``, bad dice notation).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from rules.abilities import roll_ability_scores
from rules.creation import build_character, creation_options
from rules.derive import derive
from rules.dice import DiceNotationError, DiceRoller
from rules.errors import RuleError, SheetParseError
from rules.input_schema import sheet_schema
from rules.parse import parse_sheet
from rules.serialize import (
    creation_options_to_dict,
    creation_result_to_dict,
    derived_to_dict,
    to_plain,
)
from rules.validation import validate

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def _load(path: str) -> tuple[Any, RuleError | None]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        return None, RuleError("", "file_unreadable", f"cannot read {path}: {exc.strerror}")
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, RuleError("", "invalid_json",
                               f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                               f"{exc.msg})")


def _print_json(data: Any, stream: TextIO) -> None:
    stream.write(json.dumps(data, indent=2, sort_keys=False) + "\n")


def _errors_payload(errors: Sequence[RuleError]) -> dict[str, Any]:
    return {"valid": not errors, "errors": [e.as_dict() for e in errors]}


def cmd_derive(path: str, out: TextIO, err: TextIO) -> int:
    data, problem = _load(path)
    if problem is not None:
        return _usage(problem, err)
    try:
        sheet = parse_sheet(data)
    except SheetParseError as exc:
        _print_json(_errors_payload(exc.errors), err)
        return EXIT_INVALID
    _print_json(derived_to_dict(derive(sheet)), out)
    return EXIT_OK


def cmd_validate(path: str, out: TextIO) -> int:
    data, problem = _load(path)
    if problem is not None:
        _print_json(_errors_payload([problem]), out)
        return EXIT_INVALID if problem.code == "invalid_json" else EXIT_USAGE
    try:
        errors = validate(parse_sheet(data))
    except SheetParseError as exc:
        errors = exc.errors
    _print_json(_errors_payload(errors), out)
    return EXIT_INVALID if errors else EXIT_OK


def cmd_roll(notation: str, seed: int | None, out: TextIO, err: TextIO) -> int:
    try:
        result = DiceRoller(seed).roll(notation)
    except DiceNotationError as exc:
        err.write(f"{exc}\n")
        return EXIT_USAGE
    _print_json(
        {"notation": notation, "total": result.total, "constant": result.constant,
         "dice": [{"sides": d.sides, "value": d.value, "kept": d.kept} for d in result.dice]},
        out,
    )
    return EXIT_OK


def _usage(problem: RuleError, err: TextIO) -> int:
    _print_json(_errors_payload([problem]), err)
    return EXIT_USAGE


def cmd_options(path: str, out: TextIO, err: TextIO) -> int:
    data, problem = _load(path)
    if problem is not None:
        return _usage(problem, err)
    _print_json(creation_options_to_dict(creation_options(data)), out)
    return EXIT_OK


def cmd_create(path: str, out: TextIO, err: TextIO) -> int:
    data, problem = _load(path)
    if problem is not None:
        return _usage(problem, err)
    result = build_character(data)
    _print_json(creation_result_to_dict(result), out)
    return EXIT_INVALID if result.errors else EXIT_OK


def cmd_schema(out: TextIO) -> int:
    _print_json(sheet_schema(), out)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rules",
                                     description="D&D 5e 2024 (SRD 5.2) rules engine")
    sub = parser.add_subparsers(dest="command", required=True)
    derive_p = sub.add_parser("derive", help="print the derived sheet of FILE.json as JSON")
    derive_p.add_argument("file")
    validate_p = sub.add_parser(
        "validate", help="print rule violations of FILE.json (exit 1 if any)"
    )
    validate_p.add_argument("file")
    roll_p = sub.add_parser("roll", help="roll dice, e.g. 2d6+3 or 4d6kh3")
    roll_p.add_argument("notation")
    roll_p.add_argument("--seed", type=int, default=None, help="seed for repeatable rolls")
    sub.add_parser("schema", help="print the JSON Schema of the sheet input format")
    options_p = sub.add_parser("options", help="guided creation: the legal next choices for "
                                               "a draft")
    options_p.add_argument("file")
    create_p = sub.add_parser("create", help="guided creation: build a level-1 character from "
                                             "a draft (exit 1 if illegal or incomplete)")
    create_p.add_argument("file")
    abilities_p = sub.add_parser("roll-abilities", help="six 4d6-drop-lowest scores from a seed")
    abilities_p.add_argument("--seed", required=True)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    if args.command == "derive":
        return cmd_derive(args.file, out, err)
    if args.command == "validate":
        return cmd_validate(args.file, out)
    if args.command == "schema":
        return cmd_schema(out)
    if args.command == "options":
        return cmd_options(args.file, out, err)
    if args.command == "create":
        return cmd_create(args.file, out, err)
    if args.command == "roll-abilities":
        _print_json(to_plain(roll_ability_scores(args.seed)), out)
        return EXIT_OK
    return cmd_roll(args.notation, args.seed, out, err)
