"""The committed schema files are exactly what the code produces (`make schema` after a change)."""

from __future__ import annotations

from graphql import build_schema

from schema.build import SCHEMA_DIR, build_all, changed_files


def test_committed_schema_files_match_the_code() -> None:
    stale = changed_files(build_all())
    assert not stale, f"run `make schema`: out of date {[str(p.name) for p in stale]}"


def test_every_type_and_field_of_the_api_is_described() -> None:
    # The schema explorer is the developer documentation: nothing clients see goes undescribed.
    from graphql import parse

    from router.api_schema import build_api_schema

    api = build_api_schema(parse((SCHEMA_DIR / "supergraph.graphql").read_text()))
    missing = []
    for name, named in api.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        root = name in {"Query", "Mutation", "Subscription"}  # containers, merged from all
        if not named.description and not root:
            missing.append(name)
        for field_name, field in getattr(named, "fields", {}).items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
    assert not missing, f"undescribed: {missing}"


def test_supergraph_is_valid_graphql() -> None:
    build_schema((SCHEMA_DIR / "supergraph.graphql").read_text())
