"""docker-compose.yml and the Dockerfile agree with the code: settings, console script, packages."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """Return the Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, args = line.partition(" ")
            instructions.append((keyword.upper(), args.strip()))
    return instructions


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def test_compose_runs_neo4j_5_26_community_with_a_healthcheck_and_a_data_volume(
        compose: dict[str, Any]) -> None:
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    check = neo4j["healthcheck"]["test"]
    check_text = " ".join(check) if isinstance(check, list) else check
    assert "cypher-shell" in check_text or "7474" in check_text
    assert neo4j["healthcheck"]["retries"] >= 1
    mounts = [m.split(":") for m in neo4j["volumes"]]
    named = [source for source, target, *_ in mounts if target == "/data"]
    assert named and named[0] in compose["volumes"], "/data must be a named volume"
    assert "${" in _environment(neo4j)["NEO4J_AUTH"], "NEO4J_AUTH comes from the environment"


def test_compose_api_waits_for_a_healthy_neo4j_and_talks_bolt(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    assert "build" in api
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert any(str(p).endswith("8000:8000") or str(p) == "8000" for p in api["ports"])
    env = _environment(api)
    assert env["INFLUENCE_STORE"] == "bolt://neo4j:7687"
    for name in ("INFLUENCE_NEO4J_USER", "INFLUENCE_NEO4J_PASSWORD", "INFLUENCE_API_KEYS"):
        assert name in env


def test_compose_api_logs_in_with_the_password_neo4j_is_given(compose: dict[str, Any]) -> None:
    auth = _environment(compose["services"]["neo4j"])["NEO4J_AUTH"]
    env = _environment(compose["services"]["api"])
    user, _, password = auth.partition("/")
    assert env["INFLUENCE_NEO4J_USER"] == user
    assert env["INFLUENCE_NEO4J_PASSWORD"] == password


def test_every_influence_variable_in_compose_is_a_setting(compose: dict[str, Any]) -> None:
    prefix = Settings.model_config["env_prefix"]
    known = {prefix + name.upper() for name in Settings.model_fields}
    for service in compose["services"].values():
        used = {k for k in _environment(service) if k.startswith(prefix)}
        assert used <= known, f"not in api.settings.Settings: {sorted(used - known)}"


def test_dockerfile_serves_with_the_influence_console_script(
        dockerfile: list[tuple[str, str]], pyproject: dict[str, Any]) -> None:
    assert dockerfile[0] == ("FROM", "python:3.11-slim")
    cmds = [args for keyword, args in dockerfile if keyword == "CMD"]
    assert len(cmds) == 1
    cmd = json.loads(cmds[0])  # exec form: signals reach the server
    assert cmd[0] in pyproject["project"]["scripts"]
    assert cmd[1] == "serve"
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    assert cmd[cmd.index("--port") + 1] == "8000"


def test_dockerfile_installs_every_package_of_the_project(
        dockerfile: list[tuple[str, str]], pyproject: dict[str, Any]) -> None:
    copied = {source for keyword, args in dockerfile if keyword == "COPY"
              for source in args.split()[:-1]}
    for pattern in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]:
        package = pattern.rstrip("*")
        assert package in copied, f"the Dockerfile does not copy {package}/"
    assert "pyproject.toml" in copied
    assert any(k == "RUN" and re.search(r"pip install \.(\s|$)", a) for k, a in dockerfile)
