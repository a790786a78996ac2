"""Run one service on its own (the distributed topology: one container per service).

python -m infra.serve character --host 0.0.0.0 --port 4101
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import AsyncIterator

import uvicorn
from starlette.applications import Starlette

from infra.config import Settings
from infra.gc_tuning import settle_after_startup
from infra.logs import configure
from subgraphs.registry import SERVICES


def _settle_once_started(app: Starlette) -> None:
    """Run ``settle_after_startup`` when the app's start-up (migrations, imports) is done."""
    started = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with started(app):
            settle_after_startup()
            yield

    app.router.lifespan_context = lifespan


def main() -> None:
    by_name = {service.name: service for service in SERVICES}
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service", choices=sorted(by_name))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    service = by_name[args.service]
    configure(service=service.name)
    app = service.module("app").build(Settings.from_env())
    _settle_once_started(app)
    # log_config=None: uvicorn's own loggers (access lines included) go through the redacting
    # handler ``configure`` installed, instead of handlers of uvicorn's that would bypass it.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port or service.port,
        proxy_headers=False,
        log_config=None,
    )


if __name__ == "__main__":
    main()
