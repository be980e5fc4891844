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


def test_typed_cypher_names_missing_parameters_and_explains_syntax_errors(db):
    missing = rg("cypher", "MATCH (r:Region {code: $town}) WHERE r.name <> '$not_a_param' RETURN r", db=db)
    assert missing.returncode == 2
    assert "$town" in missing.stderr and "-p town=VALUE" in missing.stderr and "not_a_param" not in missing.stderr
    bad = rg("cypher", "MATCH (n RETURN n", db=db)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "语法错误 syntax error" in bad.stderr and "line 1, column 10" in bad.stderr
    assert "  MATCH (n RETURN n\n           ^" in bad.stderr, "the line and a caret under the mistake"
    unknown = rg("cypher", "RETURN nosuchfn(1)", db=db)
    assert unknown.returncode == 1 and "未知函数 unknown function nosuchfn" in unknown.stderr


def test_help_shows_flags_as_flags():
    out = subprocess.run([sys.executable, "-m", "reliefgraph", "cypher", "--help"], capture_output=True, text=True,
                         timeout=60, env={"COLUMNS": "200", "PATH": ""})
    unmask = next(line for line in out.stdout.splitlines() if "--unmask" in line)
    assert "<bool>" not in unmask and "bool" not in unmask
    assert "<list[str]>" not in out.stdout and "<str> …" in out.stdout


def test_outputs_refuse_a_missing_folder_in_one_line_and_write_excel(db, tmp_path):
    from openpyxl import load_workbook

    env = {"COLUMNS": "200", "PATH": "", "RELIEFGRAPH_APP_DB": f"sqlite:///{tmp_path / 'app.db'}"}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "reliefgraph", *args, "--db", str(db)], capture_output=True,
                              text=True, timeout=180, env=env)

    for command in (["detect"], ["summary"]):
        out = run(*command, "--out", str(tmp_path / "missing" / "dir" / "x.csv"))
        assert out.returncode == 2 and "Traceback" not in out.stdout + out.stderr
        assert "输出文件夹不存在" in out.stdout and len((out.stdout + out.stderr).strip().splitlines()) <= 2
    done = run("summary", "--out", str(tmp_path / "summary.xlsx"))
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(tmp_path / "summary.xlsx").active
    assert [c.value for c in sheet[1]] == ["范围", "类别代码", "类别", "人数", "记录数"]
    clues = run("detect", "--out", str(tmp_path / "clues.xlsx"))
    assert clues.returncode == 0, clues.stderr
    assert load_workbook(tmp_path / "clues.xlsx").active["A1"].value == "线索编号"
