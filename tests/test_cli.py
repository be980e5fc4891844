"""The CLI as a user runs it: separate processes against one data directory."""
from __future__ import annotations

import subprocess
import sys

import pytest

from reliefgraph.graph.embedded import EmbeddedServer


def rg(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reliefgraph", *args, "--db", str(db)],
                          capture_output=True, text=True, timeout=180, env={"COLUMNS": "200", "PATH": ""})


@pytest.fixture
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("c") / "graph"
    yield path
    EmbeddedServer(path).stop()


def test_db_lifecycle_and_read_only_cypher(db):
    assert "started" in rg("db", "start", db=db).stdout
    assert "already running" in rg("db", "start", db=db).stdout
    first = rg("db", "init", db=db)
    assert first.returncode == 0 and "GRAPH.CONSTRAINT CREATE" in first.stdout
    assert "0 项变更 changes" in rg("db", "init", db=db).stdout

    wrote = rg("cypher", "CREATE (:Person {citizen_id: 'x'})", db=db)
    assert wrote.returncode == 1 and "read-only" in wrote.stderr

    out = rg("cypher", "RETURN $name AS name, $n + 1 AS next, $id AS citizen_id",
             "-p", "name=王芳", "-p", "n=41", "-p", "id=52240119800101123X", db=db)
    assert out.returncode == 0, out.stderr
    assert "王芳" in out.stdout and "42" in out.stdout
    assert "5224**********123X" in out.stdout and "52240119800101123X" not in out.stdout, \
        "PII columns are masked unless --unmask"

    status = rg("db", "status", db=db).stdout
    assert "running" in status and "nodes" in status
    assert "snapshot saved" in rg("db", "stop", db=db).stdout
    assert "stopped" in rg("db", "status", db=db).stdout


def test_unknown_uri_scheme_is_a_clear_error(tmp_path):
    out = subprocess.run([sys.executable, "-m", "reliefgraph", "cypher", "RETURN 1", "--db", "mysql://x"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "unsupported database URI scheme" in out.stderr
