"""The document check on its own: rules paths become input paths, problems keep the rule."""

from __future__ import annotations

import pytest

from rules.parse import parse_sheet
from subgraphs.character.documents import check_document, rule_path, starting_class
from subgraphs.kit.outcomes import Rejected
from tests.subgraphs.character.support import VALID_EXAMPLES, example


@pytest.mark.parametrize(
    ("path", "segments"),
    [
        ("", ()),
        ("classes", ("classes",)),
        ("classes[1].subclass", ("classes", "1", "subclass")),
        ("classes[0].hp_rolls[2]", ("classes", "0", "hp_rolls", "2")),
        ("state.slots_spent.3", ("state", "slots_spent", "3")),
        ("abilities.base.str", ("abilities", "base", "str")),
    ],
)
def test_rule_paths_become_segments(path: str, segments: tuple[str, ...]) -> None:
    assert rule_path(path) == segments


def test_the_canonical_form_is_a_fixed_point_with_the_same_sheet() -> None:
    for path in VALID_EXAMPLES:
        raw = example(path.stem)
        checked = check_document(raw)
        assert parse_sheet(checked.document) == parse_sheet(raw)
        assert check_document(checked.document).document == checked.document


def test_problems_name_the_rule_under_the_given_prefix() -> None:
    document = example()
    document["classes"][0]["subclass"] = "evoker"
    with pytest.raises(Rejected) as caught:
        check_document(document, ("draft",))
    [problem] = caught.value.problems
    assert problem.path == ("draft", "classes", "0", "subclass")
    assert problem.code == "SUBCLASS_WRONG_CLASS"
    assert "Wizard" in problem.message


def test_the_starting_class_reads_even_a_document_the_rules_refuse() -> None:
    assert starting_class({"classes": [{"class": "artificer"}]}) == "artificer"
    assert starting_class({"classes": []}) is None
    assert starting_class({"classes": "fighter"}) is None


def test_species_and_subclasses_the_rules_do_not_know_are_refused() -> None:
    document = example()
    document["identity"]["species"] = "warforged"
    document["classes"][0]["subclass"] = "rune-knight"
    with pytest.raises(Rejected) as caught:
        check_document(document)
    assert {(p.path, p.code) for p in caught.value.problems} == {
        (("input", "document", "identity", "species"), "UNKNOWN_SPECIES"),
        (("input", "document", "classes", "0", "subclass"), "UNKNOWN_SUBCLASS"),
    }
    knight = example()
    knight["classes"][0]["subclass"] = "eldritch-knight"  # a third caster the rules support
    assert check_document(knight).sheet.classes[0].subclass == "eldritch-knight"


def test_text_anywhere_in_the_document_must_be_plain() -> None:
    document = example()
    document["identity"]["name"] = "Mira\u202egnp.exe"  # displays as something it is not
    document["equipment"][0]["notes"] = "Dented.\nStill holds."  # notes may run over lines
    document["feats"][0] = {"name": "Defense\x00", "source": "Fighting Style"}
    with pytest.raises(Rejected) as caught:
        check_document(document)
    assert {(p.path, p.code) for p in caught.value.problems} == {
        (("input", "document", "identity", "name"), "INVALID_CHARACTERS"),
        (("input", "document", "feats", "0", "name"), "INVALID_CHARACTERS"),
    }
    assert "bidirectional" in caught.value.problems[0].message
