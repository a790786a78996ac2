"""The differential test's environment rule: skip locally without Node, fail in CI."""

from __future__ import annotations

import pytest

from tests.schema import reference


def test_missing_node_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda _name: None)
    monkeypatch.setattr(reference, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception):
        reference.require_reference_composer()


def test_missing_node_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda _name: None)
    monkeypatch.setattr(reference, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception):
        reference.require_reference_composer()
