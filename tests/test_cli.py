"""The CLI as a user runs it: separate processes against one data directory."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

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
    assert "(北京时间)" in status, "the snapshot's time is Beijing time"
    assert "snapshot saved" in rg("db", "stop", db=db).stdout
    assert "stopped" in rg("db", "status", db=db).stdout


def test_unknown_uri_scheme_is_a_clear_error(tmp_path):
    out = subprocess.run([sys.executable, "-m", "reliefgraph", "cypher", "RETURN 1", "--db", "mysql://x"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "unsupported database URI scheme" in out.stderr


# ---------------------------------------------------------------- reliefgraph load: exit codes and the pending store

DEATHS_MAPPING = """
id: t_deaths
agency: civil_affairs
title: {zh: 死亡, en: Deaths}
files: ["*死亡*.csv"]
fields:
  pid: {column: 身份证号, type: citizen_id, required: true}
  died: {column: 死亡日期, type: date, required: true}
yields:
  - node: Person
    key: pid
    mode: match
    set: {death_date: died}
"""
KNOWN_NOWHERE = "522401196503041234"   # a valid citizen ID that no register holds


def load(tmp_path, *args: str, db) -> subprocess.CompletedProcess:
    """`reliefgraph load` in its own working folder, with its own app database and reject folder."""
    maps = tmp_path / "maps"
    if not maps.exists():
        maps.mkdir()
        (maps / "deaths.yaml").write_text(DEATHS_MAPPING, encoding="utf-8")
    env = {"COLUMNS": "250", "PATH": "", "RELIEFGRAPH_APP_DB": f"sqlite:///{tmp_path / 'app.db'}"}
    return subprocess.run([sys.executable, "-m", "reliefgraph", "load", *args, "--mappings", str(maps),
                           "--rejects", str(tmp_path / "rejects"), "--db", str(db)],
                          capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path)


def folder(tmp_path, name: str, files: dict[str, str]):
    path = tmp_path / name
    path.mkdir()
    for file, text in files.items():
        (path / file).write_text(text, encoding="utf-8")
    return path


def test_load_fails_when_no_file_matches_a_mapping_and_names_no_reject_file(db, tmp_path):
    extracts = folder(tmp_path, "in", {"其他部门.csv": "a,b\n1,2\n"})
    out = load(tmp_path, str(extracts), db=db)
    assert out.returncode == 1, out.stdout
    assert "no file in" in out.stdout and "matched a mapping" in out.stdout
    assert "rejects" not in out.stdout and not (tmp_path / "rejects").exists()
    empty = folder(tmp_path, "empty", {})
    out = load(tmp_path, str(empty), db=db)
    assert out.returncode == 1 and "no data file" in out.stdout


def test_load_fails_when_every_row_of_a_file_is_rejected(db, tmp_path):
    bad = KNOWN_NOWHERE[:-1] + "1"
    extracts = folder(tmp_path, "in", {"死亡登记_202610.csv": f"身份证号,死亡日期\n{bad},2024-01-01\n,2024-01-02\n"})
    out = load(tmp_path, str(extracts), "--as-of", "2026-10-31", db=db)
    assert out.returncode == 1, out.stdout
    assert "all rejected" in out.stdout and "every row of this file was rejected" in out.stdout
    printed = [line.strip() for line in out.stdout.splitlines() if line.strip().endswith(".csv")
               and "rejects" in line]
    assert printed and all((tmp_path / p).is_file() or Path(p).is_file() for p in printed), \
        "a reject file named is a reject file written"
    assert bad not in out.stdout


def test_load_pending_lists_masked_rows_and_discards_them_with_an_audit_entry(db, tmp_path):
    extracts = folder(tmp_path, "in", {"死亡登记_202610.csv": f"身份证号,死亡日期\n{KNOWN_NOWHERE},2024-01-01\n"})
    out = load(tmp_path, str(extracts), "--as-of", "2026-10-31", db=db)
    assert out.returncode == 0, out.stdout
    assert "1 条仍在等待 still waiting" in out.stdout
    listed = load(tmp_path, "--pending", db=db)
    assert listed.returncode == 0, listed.stdout
    assert "Person.pid" in listed.stdout and "死亡登记_202610.csv" in listed.stdout
    assert KNOWN_NOWHERE not in listed.stdout and KNOWN_NOWHERE[-4:] in listed.stdout, "masked"
    assert "共 1 条暂存行" in listed.stdout

    gone = load(tmp_path, "--pending", "--discard", "all", "--user", "clerk", db=db)
    assert gone.returncode == 0 and "discarded 1 pending rows" in gone.stdout, gone.stdout
    assert "共 0 条暂存行" in gone.stdout
    with sqlite3.connect(tmp_path / "app.db") as conn:
        entries = conn.execute("SELECT actor, action, detail FROM audit_log").fetchall()
    assert [(a, b) for a, b, _ in entries] == [("clerk", "pending_discard")]
    assert KNOWN_NOWHERE not in entries[0][2], "the audit trail names the source row, not its values"
    (row,) = json.loads(entries[0][2])["rows"]
    assert (row["mapping"], row["file"], row["row"], row["missing"]) == ("t_deaths", "死亡登记_202610.csv", 2, ["pid"])


@pytest.mark.parametrize("command", [["load", "."], ["db", "start"]])
def test_a_uri_with_an_unknown_scheme_is_refused_not_taken_as_a_folder(tmp_path, command):
    out = subprocess.run([sys.executable, "-m", "reliefgraph", *command, "--db", "http://example.org/graph"],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path,
                         env={"COLUMNS": "250", "PATH": "", "RELIEFGRAPH_APP_DB": f"sqlite:///{tmp_path / 'a.db'}"})
    assert out.returncode == 2, out.stdout + out.stderr
    assert "unsupported database URI scheme: http://" in out.stdout + out.stderr
    assert not (tmp_path / "http:").exists(), "no folder named after the URL"


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


def test_an_app_database_given_as_a_bare_path_is_a_clear_error(tmp_path):
    out = subprocess.run([sys.executable, "-m", "reliefgraph", "audit", "list"], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "RELIEFGRAPH_APP_DB": str(tmp_path / "app.sqlite")})
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "RELIEFGRAPH_APP_DB" in out.stderr and "sqlite:///" in out.stderr
