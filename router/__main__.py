"""Command line: serve a supergraph, or print the plan for an operation.

    python -m router --supergraph PATH --port PORT [--host 127.0.0.1] [--jwks-url URL] [--dev]
                     [--subgraph-url NAME=URL ...] [--subgraph-timeout SECONDS]
                     [edge flags: --cors-origin, --rate-limit, --max-cost, --passthrough, ...]
                     [--override-label LABEL=on|off ...] [--override-labels-off]
    python -m router plan --supergraph PATH --query FILE_OR_STRING [--operation-name NAME]
                          [--override-label LABEL=on|off ...] [--override-labels-off]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from graphql import GraphQLSyntaxError, parse, validate

from auth.revocation import SessionRevocations
from auth.tokens import JwksVerifier, TokenVerifier
from infra.gc_tuning import settle_after_startup
from infra.logs import configure
from router.api_schema import build_api_schema
from router.edge.cli import EdgeSettings, add_edge_arguments, parse_pairs
from router.plan import print_plan
from router.planner import PlanningError, QueryPlanner
from router.supergraph import SupergraphError, load_supergraph


def _read_supergraph(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SystemExit(f"cannot read supergraph {path}: {exc.strerror}") from None


def _serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m router",
        description="Serve a federated GraphQL supergraph (use 'plan' to print a query plan).",
    )
    parser.add_argument("--supergraph", required=True, help="supergraph SDL file")
    parser.add_argument("--port", type=int, default=4000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--jwks-url", help="verify bearer tokens against this JWKS")
    parser.add_argument("--dev", action="store_true",
                        help="development mode: responses carry extensions.queryPlan")
    parser.add_argument("--subgraph-timeout", type=float, default=10.0,
                        help="seconds to wait for a subgraph (default 10)")
    parser.add_argument("--subgraph-url", action="append", default=[], metavar="NAME=URL",
                        help="reach subgraph NAME at URL instead of its join__graph url")
    parser.add_argument("--access-log", action="store_true",
                        help="log one line per request (off by default: /metrics counts them)")
    _add_override_arguments(parser)
    add_edge_arguments(parser)
    return parser


def _add_override_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--override-label", action="append", default=[], metavar="LABEL=on|off",
                        help="progressive @override: whether LABEL counts as migrated")
    parser.add_argument("--override-labels-off", action="store_true",
                        help="labels not named count as not migrated (as in Apollo Gateway)")


def _override_labels(pairs: list[str]) -> dict[str, bool]:
    labels: dict[str, bool] = {}
    for pair in pairs:
        label, _, state = pair.rpartition("=")
        if not label or state not in ("on", "off"):
            raise SystemExit(f"--override-label expects LABEL=on|off, got {pair!r}")
        labels[label] = state == "on"
    return labels


def _plan_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m router plan", description="Print the query plan for an operation."
    )
    parser.add_argument("--supergraph", required=True, help="supergraph SDL file")
    parser.add_argument("--query", required=True, help="operation text, or a file holding it")
    parser.add_argument("--operation-name", default=None)
    _add_override_arguments(parser)
    return parser


def plan_command(argv: Sequence[str]) -> int:
    args = _plan_parser().parse_args(argv)
    query_path = Path(args.query)
    query = query_path.read_text(encoding="utf-8") if query_path.is_file() else args.query
    try:
        supergraph = load_supergraph(
            _read_supergraph(args.supergraph),
            override_labels=_override_labels(args.override_label),
            override_label_default=not args.override_labels_off,
        )
        schema = build_api_schema(supergraph.document)
        document = parse(query)
    except SupergraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except GraphQLSyntaxError as exc:
        print(f"error: the operation does not parse: {exc.message}", file=sys.stderr)
        return 2
    errors = validate(schema, document)
    if errors:
        for error in errors:
            print(f"error: {error.message}", file=sys.stderr)
        return 2
    try:
        plan = QueryPlanner(supergraph, schema).plan(document, args.operation_name)
    except PlanningError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(print_plan(plan))
    return 0


def serve_command(argv: Sequence[str]) -> int:
    import uvicorn

    from router.app import create_app

    args = _serve_parser().parse_args(argv)
    verifier: TokenVerifier | None = JwksVerifier(args.jwks_url) if args.jwks_url else None
    edge = EdgeSettings.from_args(args)
    cache = edge.cache()
    try:
        app = create_app(
            _read_supergraph(args.supergraph), verifier=verifier, dev=args.dev,
            subgraph_timeout=args.subgraph_timeout,
            subgraph_url_overrides=parse_pairs(args.subgraph_url, "--subgraph-url", "NAME=URL"),
            limits=edge.limits, edge=edge.edge, passthrough=edge.passthrough, cache=cache,
            override_labels=_override_labels(args.override_label),
            override_label_default=not args.override_labels_off,
            # Signed-out sessions, as the auth service lists them: only shared through Redis.
            revocations=SessionRevocations(cache),
        )
    except (SupergraphError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settle_after_startup()  # the schema, plans and app built above live as long as the process
    # Per-request access lines cost measurable CPU under load; /metrics counts requests instead.
    # Through the redacting log handler, uvicorn's access lines included (log_config=None).
    configure(service="router")
    uvicorn.run(app, host=args.host, port=args.port, access_log=args.access_log, log_config=None)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] == "plan":
        return plan_command(arguments[1:])
    return serve_command(arguments)


if __name__ == "__main__":
    raise SystemExit(main())
