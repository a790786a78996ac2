"""The schema check reports what a new supergraph would break for clients."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schema import check

COMMITTED = (Path(check.__file__).parent / "supergraph.graphql").read_text()


def without_field(sdl: str, field: str) -> str:
    # the field and the one-line description above it
    changed, count = re.subn(rf'\n  """[^\n]*"""\n  {field}\(.*\n', "\n", sdl, count=1)
    assert count == 1, field
    return changed


def test_an_unchanged_supergraph_breaks_nothing() -> None:
    assert check.compare(COMMITTED, COMMITTED) == ([], [])


def test_a_removed_field_is_breaking() -> None:
    breaking, _ = check.compare(COMMITTED, without_field(COMMITTED, "publicCharacters"))
    assert breaking == ["FIELD_REMOVED: Field Query.publicCharacters was removed."]


def test_an_added_field_is_neither_breaking_nor_dangerous() -> None:
    added = COMMITTED.replace(
        "\n  publicCharacters(",
        "\n  newThing: String @join__field(graph: CHARACTER)\n  publicCharacters(", 1)
    assert check.compare(COMMITTED, added) == ([], [])


def test_the_command_fails_unless_the_break_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old.graphql", tmp_path / "new.graphql"
    old.write_text(COMMITTED)
    new.write_text(without_field(COMMITTED, "publicCharacters"))
    monkeypatch.setattr(check, "ACCEPTED", tmp_path / "accepted.txt")
    assert check.main(["--base", str(old), "--new", str(new)]) == 1
    assert "BREAKING: FIELD_REMOVED: Field Query.publicCharacters" in capsys.readouterr().out

    (tmp_path / "accepted.txt").write_text(
        "# we mean it\nFIELD_REMOVED: Field Query.publicCharacters was removed.\n")
    assert check.main(["--base", str(old), "--new", str(new)]) == 0
    assert "breaking (accepted)" in capsys.readouterr().out


def test_a_git_revision_is_a_base_too(capsys: pytest.CaptureFixture[str]) -> None:
    if check._committed("HEAD") is None:
        pytest.skip("not a git checkout")
    assert check.main(["--base", "HEAD", "--new", str(check.SUPERGRAPH)]) in (0, 1)
    assert "schema check: HEAD:supergraph.graphql" in capsys.readouterr().out
