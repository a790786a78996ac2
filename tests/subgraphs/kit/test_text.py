"""The kit's text rules: what single-line and multi-line fields accept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subgraphs.kit.text import (
    BIDI_CONTROLS,
    check_multi_line,
    check_single_line,
    check_single_lines,
)

PATH = ("input", "name")
# Every character the issue names, and the classes around them.
CONTROLS = [chr(code) for code in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]
BIDI = [chr(code) for code in (0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068)]
BIDI.append("\u2069")
SEPARATORS = ["\u2028", "\u2029"]
SURROGATES = ["\ud800", "\udfff"]


@pytest.mark.parametrize(
    "text",
    [
        "Seraphine Vael",
        "Ælfwyn Þórsdóttir",
        "Drizzt Do'Urden",
        "火の精霊",
        "شهرزاد",  # right-to-left script needs no override characters
        "Zoë 🐉‍🔥",  # emoji with a zero-width joiner
        "",
    ],
)
def test_printable_text_of_any_script_passes_both_rules(text: str) -> None:
    assert check_single_line(text, PATH) == []
    assert check_multi_line(text, PATH) == []


@pytest.mark.parametrize("bad", CONTROLS + BIDI + SEPARATORS + SURROGATES)
def test_a_single_line_field_refuses_every_control_and_bidi_character(bad: str) -> None:
    problems = check_single_line(f"Mira{bad}gnp.exe", PATH)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.path, problem.code) == (PATH, "INVALID_CHARACTERS")
    assert "`name`" in problem.message
    assert f"U+{ord(bad):04X}" in problem.message
    assert "character 5" in problem.message


@pytest.mark.parametrize("allowed", ["\n", "\r", "\r\n", "\t"])
def test_a_multi_line_field_allows_line_breaks_and_tabs(allowed: str) -> None:
    text = f"First line{allowed}second line"
    assert check_multi_line(text, PATH) == []
    assert [p.code for p in check_single_line(text, PATH)] == ["INVALID_CHARACTERS"]


@pytest.mark.parametrize(
    "bad", [c for c in CONTROLS if c not in "\n\r\t"] + BIDI + SEPARATORS + SURROGATES
)
def test_a_multi_line_field_refuses_everything_else(bad: str) -> None:
    problems = check_multi_line(f"Notes{bad}", ("input", "description"))
    assert [(p.path, p.code) for p in problems] == [
        (("input", "description"), "INVALID_CHARACTERS")
    ]
    assert "`description`" in problems[0].message


def test_the_code_can_be_kept_for_fields_that_had_their_own() -> None:
    problems = check_multi_line("a\x00b", ("input", "prompt"), code="PROMPT_INVALID_CHARACTERS")
    assert [p.code for p in problems] == ["PROMPT_INVALID_CHARACTERS"]


def test_none_is_no_input_and_no_problem() -> None:
    assert check_single_line(None, PATH) == []
    assert check_multi_line(None, PATH) == []


def test_list_items_are_named_by_index_and_the_message_by_the_field() -> None:
    problems = check_single_lines(["fire", "ice\u202e", "storm\x00"], ("input", "themeTags"))
    assert [p.path for p in problems] == [
        ("input", "themeTags", "1"),
        ("input", "themeTags", "2"),
    ]
    assert all("`themeTags`" in p.message for p in problems)


def test_the_bidi_set_is_exactly_the_embeddings_overrides_and_isolates() -> None:
    assert sorted(f"{ord(c):04X}" for c in BIDI_CONTROLS) == sorted(f"{ord(c):04X}" for c in BIDI)


@given(st.text())
def test_anything_a_rule_passes_is_free_of_what_it_forbids(text: str) -> None:
    if not check_single_line(text, PATH):
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)
        assert not set(text) & (BIDI_CONTROLS | set(SEPARATORS))
    if not check_multi_line(text, PATH):
        assert not any(
            (ord(c) < 0x20 and c not in "\n\r\t") or 0x7F <= ord(c) <= 0x9F for c in text
        )
        assert not set(text) & BIDI_CONTROLS
