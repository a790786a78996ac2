"""The D&D 5e 2024 (SRD 5.2) rules engine: pure functions over frozen dataclasses.

Start with ``rules/README.md``. The main entry points are re-exported here.
"""

from rules.derive import DerivedSheet, derive
from rules.errors import RuleError, RuleViolation, SheetParseError
from rules.parse import parse_sheet
from rules.sheet import Sheet
from rules.validation import validate, validate_data

__all__ = [
    "DerivedSheet",
    "RuleError",
    "RuleViolation",
    "Sheet",
    "SheetParseError",
    "derive",
    "parse_sheet",
    "validate",
    "validate_data",
]
