"""Router benchmark: this router against Hive Gateway and Apollo Gateway on the same subgraphs.

Run it with ``uv run python -m bench.router`` (see bench/README.md).
"""
