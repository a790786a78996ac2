"""Entry point: ``uv run python -m bench.router [--duration S] [--concurrency N] ...``."""

from bench.router.run import main

if __name__ == "__main__":
    raise SystemExit(main())
