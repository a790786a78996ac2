"""``python -m rules``: output shape and exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from rules.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "rules" / "examples"
GOOD = EXAMPLES / "fighter-3-human.json"
VIOLATIONS = EXAMPLES / "invalid" / "rule-violations.json"
MALFORMED = EXAMPLES / "invalid" / "malformed.json"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_derive_prints_the_derived_sheet() -> None:
    code, out, _ = run("derive", str(GOOD))
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["summary"] == "Brenna Holt, Human Fighter 3 (Champion)"
    assert data["total_level"] == 3
    assert data["armor_class"]["value"] == 19
    assert data["hit_points"]["max"] == 34
    assert set(data["skills"]) >= {"athletics", "stealth"} and len(data["skills"]) == 18
    # Every number explains itself in the printed form too.
    assert data["armor_class"]["breakdown"] == [
        {"source": "Chain Mail", "value": 16}, {"source": "Shield", "value": 2},
        {"source": "Fighting Style: Defense", "value": 1}]
    assert sum(part["value"] for part in data["hit_points"]["max_breakdown"]) == 34


def test_validate_valid_sheet_exits_zero() -> None:
    code, out, _ = run("validate", str(GOOD))
    assert code == EXIT_OK
    assert json.loads(out) == {"valid": True, "errors": []}


def test_validate_rule_violations_exit_one() -> None:
    code, out, _ = run("validate", str(VIOLATIONS))
    data = json.loads(out)
    assert code == EXIT_INVALID
    assert data["valid"] is False
    assert {"path", "code", "message"} == set(data["errors"][0])
    assert {e["code"] for e in data["errors"]} >= {
        "point_buy_over_budget", "subclass_too_early", "attunement_limit",
        "multiple_concentration", "death_saves_above_zero_hp", "multiclass_prerequisite",
    }


def test_malformed_input() -> None:
    code, out, _ = run("validate", str(MALFORMED))
    assert code == EXIT_INVALID
    assert any(e["code"] == "unknown_field" for e in json.loads(out)["errors"])
    code, _, err = run("derive", str(MALFORMED))
    assert code == EXIT_INVALID
    assert json.loads(err)["valid"] is False


def test_missing_file_and_bad_json(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(tmp_path / "nope.json"))
    assert code == EXIT_USAGE
    assert json.loads(out)["errors"][0]["code"] == "file_unreadable"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    code, out, _ = run("validate", str(broken))
    assert code == EXIT_INVALID
    assert json.loads(out)["errors"][0]["code"] == "invalid_json"
    code, _, err = run("derive", str(broken))
    assert code == EXIT_USAGE
    assert "line 1" in json.loads(err)["errors"][0]["message"]


def test_roll_is_repeatable_with_a_seed() -> None:
    code, first, _ = run("roll", "4d6kh3", "--seed", "5")
    _, second, _ = run("roll", "4d6kh3", "--seed", "5")
    assert code == EXIT_OK and first == second
    assert 3 <= json.loads(first)["total"] <= 18
    code, _, err = run("roll", "2x6")
    assert code == EXIT_USAGE and "2x6" in err


def test_module_entry_point_runs_as_a_subprocess() -> None:
    ok = subprocess.run([sys.executable, "-m", "rules", "validate", str(GOOD)], cwd=ROOT,
                        capture_output=True, text=True, timeout=60, check=False)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([sys.executable, "-m", "rules", "validate", str(VIOLATIONS)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["valid"] is False
