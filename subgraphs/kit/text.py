"""What text a person may type into a field: the one rule every subgraph applies to its inputs.

Two kinds of field:

* **single-line** (names, titles, tags, alt text, display names): printable text only. No control
  character at all (C0, DEL, C1: NUL, escape, line breaks, tabs...), no line or paragraph
  separator, no bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069).
* **multi-line** (descriptions, notes, prompts): the same, except that line breaks (``\\n``,
  ``\\r``) and tabs are allowed.

Why: control characters are invisible, never meant, and PostgreSQL's text cannot even hold NUL;
bidirectional overrides make a name display as something other than what it is ("Trojan
Source"): a player called "Mira\\u202Egnp.exe" would read as "Miraexe.png". Unpaired surrogates
(which JSON's ``\\ud800`` escapes can produce) cannot be stored in UTF-8 at all.

Each check returns the problems it found (none = fine), as ``userErrors`` naming the field.
"""

from __future__ import annotations

from collections.abc import Sequence

from subgraphs.kit.outcomes import Problem

INVALID_CHARACTERS = "INVALID_CHARACTERS"

BIDI_CONTROLS = frozenset(chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
LINE_SEPARATORS = frozenset("\u2028\u2029")
MULTI_LINE_ALLOWED = frozenset("\n\r\t")


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F


def _is_surrogate(ch: str) -> bool:
    return 0xD800 <= ord(ch) <= 0xDFFF


def _what(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    if ch in BIDI_CONTROLS:
        return f"a bidirectional text control ({code})"
    if ch in "\n\r" or ch in LINE_SEPARATORS:
        return f"a line break ({code})"
    if ch == "\t":
        return f"a tab ({code})"
    if _is_surrogate(ch):
        return f"an unpaired surrogate ({code})"
    return f"an invisible control character ({code})"


def _first_forbidden(value: str, allowed: frozenset[str]) -> tuple[int, str] | None:
    for index, ch in enumerate(value):
        if ch in allowed:
            continue
        if _is_control(ch) or ch in BIDI_CONTROLS or ch in LINE_SEPARATORS or _is_surrogate(ch):
            return index, ch
    return None


def _check(
    value: str | None, path: Sequence[str], allowed: frozenset[str], hint: str, code: str
) -> list[Problem]:
    if value is None:
        return []
    found = _first_forbidden(value, allowed)
    if found is None:
        return []
    index, ch = found
    # The field's name, not the index of a list item: ("input", "themeTags", "2") -> themeTags.
    field = next((part for part in reversed(path) if not part.isdigit()), "text")
    return [
        Problem(
            tuple(path),
            code,
            f"`{field}` contains {_what(ch)} at character {index + 1}; {hint}.",
        )
    ]


def check_single_line(
    value: str | None, path: Sequence[str], *, code: str = INVALID_CHARACTERS
) -> list[Problem]:
    """Problems of a one-line field (a name, a tag): printable characters only."""
    return _check(value, path, frozenset(), "write plain text on one line", code)


def check_multi_line(
    value: str | None, path: Sequence[str], *, code: str = INVALID_CHARACTERS
) -> list[Problem]:
    """Problems of a free-text field (a description, a prompt): line breaks and tabs are fine."""
    return _check(
        value, path, MULTI_LINE_ALLOWED, "only text, line breaks and tabs are allowed", code
    )


def check_single_lines(
    values: Sequence[str], path: Sequence[str], *, code: str = INVALID_CHARACTERS
) -> list[Problem]:
    """``check_single_line`` for each item of a list field (tags), naming the item's index."""
    return [
        problem
        for index, value in enumerate(values)
        for problem in check_single_line(value, (*path, str(index)), code=code)
    ]
