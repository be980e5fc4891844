"""`reliefgraph report` from the command line."""
from __future__ import annotations

from typer.testing import CliRunner

from reliefgraph.cli import app
from reliefgraph.dashboard import audit
from reliefgraph.queries.clues import list_clues


def test_report_command_writes_the_file_and_refuses_what_it_cannot_do(county, tmp_path, monkeypatch):
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", county.app_url)
    cid = list_clues(county.engine)[0]["clue_id"]
    runner = CliRunner()
    out = tmp_path / "r.pdf"
    done = runner.invoke(app, ["report", "--clue", cid, "--format", "pdf", "--out", str(out), "--user", "ops",
                               "--db", str(county.db)])
    assert done.exit_code == 0, done.output
    assert out.read_bytes().startswith(b"%PDF")
    entry = audit.entries(county.engine, limit=1)[0]
    assert (entry.actor, entry.role, entry.action) == ("ops", "analyst", "report")   # masked unless told
    unknown = runner.invoke(app, ["report", "--clue", "nope", "--out", str(tmp_path / "x.pdf"), "--db", str(county.db)])
    assert unknown.exit_code == 1 and "没有该线索" in unknown.output and not (tmp_path / "x.pdf").exists()
    both = runner.invoke(app, ["report", "--clue", cid, "--summary", "--db", str(county.db)])
    assert both.exit_code == 2
    bad_role = runner.invoke(app, ["report", "--clue", cid, "--role", "root", "--db", str(county.db)])
    assert bad_role.exit_code == 1 and "unknown role" in bad_role.output
