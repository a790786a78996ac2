"""The READMEs' pictures are what the generators draw now, and the lifecycle command runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from subgraphs.image.examples import DIRECTORY, EXAMPLES, differs


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_readme_pictures_match_the_generators(name: str) -> None:
    assert (DIRECTORY / name).exists(), "run: uv run python -m subgraphs.image.examples"
    assert not differs(name), (
        f"docs/images/{name} is stale: uv run python -m subgraphs.image.examples"
    )


def test_a_changed_picture_is_noticed(tmp_path: Path) -> None:
    (tmp_path / "portraits.png").write_bytes((DIRECTORY / "tokens-and-items.png").read_bytes())
    assert differs("portraits.png", tmp_path)
    assert differs("encounter.png", tmp_path)  # missing


def test_the_purge_command_runs(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "IMAGE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'image.db'}",
        "STORAGE_URL": (tmp_path / "assets").as_uri(),
    }
    # The database must exist with its tables: the service's start-up makes them.
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            "import asyncio; from infra.db.migrations import upgrade; "
            "from infra.db.engine import create_engine; "
            "from subgraphs.image.app import MIGRATIONS; "
            f"asyncio.run(upgrade(create_engine({env['IMAGE_DATABASE_URL']!r}), MIGRATIONS))",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "subgraphs.image.lifecycle",
            "purge",
            "--retention-days",
            "7",
            "--dry-run",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "would purge 0 deleted assets (0 objects removed)"
