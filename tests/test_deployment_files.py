"""The deployment files say what a county's network needs.

No container engine runs here, so compose.yaml, the Dockerfiles and
.dockerignore are checked as files: the properties that broke deployments
before (a plugin downloaded at start, routing by advertised address, an image
that bakes in the data and cannot write its own folders) are asserted.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def _env(service: dict) -> dict:
    env = service.get("environment") or {}
    return env if isinstance(env, dict) else dict(e.split("=", 1) for e in env)


def _dockerfile(name: str) -> list[str]:
    lines = (ROOT / name).read_text(encoding="utf-8").replace("\\\n", " ").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]


def test_nothing_is_downloaded_when_neo4j_starts(compose):
    for name, service in compose["services"].items():
        assert "NEO4J_PLUGINS" not in _env(service), f"{name} would fetch plugins from the internet at start"
    neo4j = compose["services"]["neo4j"]
    built = neo4j["build"]
    dockerfile = _dockerfile(str(Path(built["context"]) / built["dockerfile"]))
    assert any(re.fullmatch(r"COPY plugins/neo4j-graph-data-science-\*\.jar /var/lib/neo4j/plugins/", ln)
               for ln in dockerfile), "the GDS jar comes from the build context"
    assert re.fullmatch(r"FROM neo4j:5\.\d+", dockerfile[0]), "Neo4j is pinned to a 5.x release the jar matches"
    assert (ROOT / "deploy" / "plugins" / "README.md").exists(), "how to obtain the jar is documented"


def test_the_gds_jar_is_never_committed():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/deploy/plugins/*.jar" in ignored


def test_containers_reach_neo4j_directly_and_postgres_by_name(compose):
    for name in ("dashboard", "migrate"):
        env = _env(compose["services"][name])
        uri, app_db = env["RELIEFGRAPH_URI"], env["RELIEFGRAPH_APP_DB"]
        advertised = _env(compose["services"]["neo4j"]).get("NEO4J_server_default__advertised__address")
        assert uri.startswith("bolt://neo4j:") or (uri.startswith("neo4j://neo4j:") and advertised == "neo4j")
        assert app_db.startswith("postgresql://") and "@postgres:5432/" in app_db


def test_only_loopback_is_published(compose):
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond this host"
    assert "ports" not in compose["services"]["postgres"], "PostgreSQL is reached inside the network only"


def test_state_lives_in_volumes_and_extracts_are_read_only(compose):
    named = set(compose["volumes"])
    mounts = {re.sub(r":(ro|rw)$", "", m).rsplit(":", 1)[1]: m for m in compose["services"]["dashboard"]["volumes"]}
    assert mounts["/data"].split(":")[0] in named
    assert mounts["/extracts"].endswith(":ro")
    assert "neo4j-data:/data" in compose["services"]["neo4j"]["volumes"]
    assert "postgres-data:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]


def test_the_schema_is_migrated_before_the_dashboard_starts(compose):
    services = compose["services"]
    assert services["migrate"]["command"] == ["reliefgraph", "db", "migrate"]
    wants = services["dashboard"]["depends_on"]
    assert wants["migrate"]["condition"] == "service_completed_successfully"
    assert wants["neo4j"]["condition"] == wants["postgres"]["condition"] == "service_healthy"
    for name in ("neo4j", "postgres", "dashboard"):
        assert "healthcheck" in services[name], f"{name} has no healthcheck"


def test_the_image_runs_unprivileged_and_writes_only_its_volume():
    lines = _dockerfile("Dockerfile")
    user = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert user == ["reliefgraph"]
    assert any("chown reliefgraph:reliefgraph /data" in ln for ln in lines)
    assert 'VOLUME ["/data"]' in lines and "WORKDIR /data" in lines
    env = " ".join(ln for ln in lines if ln.startswith("ENV "))
    assert "RELIEFGRAPH_URI=/data/graph" in env and "RELIEFGRAPH_APP_DB=sqlite:////data/app.db" in env
    assert not any(re.match(r"COPY \. ", ln) for ln in lines), "the whole checkout is never copied in"
    assert any(re.match(r"RUN pip install --no-cache-dir /src ", ln) for ln in lines), "a wheel install, not -e"


def test_the_build_context_admits_the_package_sources_only():
    rooms = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"].values())
    patterns = [ln.strip() for ln in (ROOT / ".dockerignore").read_text().splitlines()
                if ln.strip() and not ln.startswith("#")]
    assert patterns[0] == "*", "an allow-list: what is not named stays out"
    admitted = {p[1:] for p in patterns if p.startswith("!")}
    assert admitted == rooms | {"pyproject.toml", "README.md"}
    assert {"**/*.db", "**/*.rdb"} <= set(patterns), "no database file inside an admitted folder either"
    copied = {ln.split()[1] for ln in _dockerfile("Dockerfile") if ln.startswith("COPY ") and "/src/" in ln}
    assert rooms <= copied, "every room the package is built from is copied into the build"
