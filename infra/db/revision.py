"""Developer command: write a new Alembic revision for a service by comparing models to migrations.

    uv run python -m infra.db.revision subgraphs.character "add alignment"

It applies the existing migrations to a scratch SQLite database, autogenerates the difference
against the service's model metadata, and writes the file into the service's migrations folder.
Review the generated file before committing it.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, create_engine


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    package, message = argv
    models = importlib.import_module(f"{package}.models")
    metadata: MetaData = models.Base.metadata
    migrations = Path(importlib.import_module(package).__file__ or "").parent / "migrations"
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{scratch}/scratch.db")
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(migrations))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            command.revision(config, message=message, autogenerate=True)
    del metadata
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
