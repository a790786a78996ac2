"""compose.yaml and the Dockerfile describe the distributed topology correctly.

``docker-compose config`` (Debian's docker-compose, which needs no Docker engine) validates the file
against the Compose schema and resolves anchors; the assertions then check the topology itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from subgraphs.registry import SERVICES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def resolved() -> dict[str, Any]:
    if shutil.which("docker-compose") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("docker-compose is required in CI (.ci/run installs it)")
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    result = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "compose.yaml"), "config"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = yaml.safe_load(result.stdout)
    return config


def test_every_service_is_there(resolved: dict[str, Any]) -> None:
    expected = {s.name for s in SERVICES} | {"router", "postgres", "redis", "minio", "opensearch"}
    assert set(resolved["services"]) == expected


def test_only_the_router_is_published(resolved: dict[str, Any]) -> None:
    published = {name for name, svc in resolved["services"].items() if svc.get("ports")}
    assert published == {"router"}
    assert resolved["networks"]["backend"]["internal"] is True
    for name, service in resolved["services"].items():
        assert "backend" in service["networks"], name
        if name != "router":
            assert "edge" not in service["networks"], name


def test_every_service_has_a_health_check(resolved: dict[str, Any]) -> None:
    for name, service in resolved["services"].items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_each_subgraph_has_its_own_database(resolved: dict[str, Any]) -> None:
    created = set(
        re.findall(r"CREATE DATABASE (\w+)", (ROOT / "infra/deploy/postgres-init.sql").read_text())
    )
    for service in SERVICES:
        env = resolved["services"][service.name]["environment"]
        url = env[f"{service.name.upper()}_DATABASE_URL"]
        assert url.startswith("postgresql+asyncpg://") and url.rsplit("/", 1)[1] == service.name
        assert service.name in created
        router_command = resolved["services"]["router"]["command"]
        assert f"{service.name}=http://{service.name}:{service.port}/graphql" in router_command


def test_dockerfile_is_multi_stage_and_non_root() -> None:
    dockerfile = (ROOT / "infra/deploy/Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", dockerfile, flags=re.MULTILINE)) >= 2
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
