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


def test_a_missing_or_unwritable_output_folder_is_one_clear_line(county, tmp_path, monkeypatch):
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", county.app_url)
    cid = list_clues(county.engine)[0]["clue_id"]
    before = audit.entries(county.engine, limit=1)[0].seq
    out = CliRunner().invoke(app, ["report", "--clue", cid, "--out", str(tmp_path / "missing" / "dir" / "x.pdf"),
                                   "--db", str(county.db)])
    assert out.exit_code == 2
    assert "输出文件夹不存在" in out.output and "Traceback" not in out.output
    assert len(out.output.strip().splitlines()) <= 2, out.output
    assert audit.entries(county.engine, limit=1)[0].seq == before, "no report is recorded as issued"


def test_a_report_in_clear_needs_the_accounts_password_and_records_the_os_user(county, tmp_path, monkeypatch):
    import getpass

    from reliefgraph.dashboard.accounts import add_user

    monkeypatch.setenv("RELIEFGRAPH_APP_DB", county.app_url)
    monkeypatch.delenv("RELIEFGRAPH_PASSWORD", raising=False)
    add_user(county.engine, "cli.boss", "correct horse battery", "admin")
    add_user(county.engine, "cli.li", "another long password", "analyst")
    cid = list_clues(county.engine)[0]["clue_id"]
    runner = CliRunner()
    out = tmp_path / "clear.html"
    args = ["report", "--clue", cid, "--format", "html", "--out", str(out), "--role", "admin", "--db", str(county.db)]

    nobody = runner.invoke(app, [*args, "--user", "cli.boss"])            # no password: refused
    assert nobody.exit_code == 1 and "密码" in nobody.output and not out.exists()
    wrong = runner.invoke(app, [*args, "--user", "cli.boss"], input="guess\n")
    assert wrong.exit_code == 1 and "验证失败" in wrong.output and not out.exists()
    monkeypatch.setenv("RELIEFGRAPH_PASSWORD", "another long password")
    analyst = runner.invoke(app, [*args, "--user", "cli.li"])            # right password, wrong role
    assert analyst.exit_code == 1 and "not admin" in analyst.output and not out.exists()

    monkeypatch.setenv("RELIEFGRAPH_PASSWORD", "correct horse battery")
    done = runner.invoke(app, [*args, "--user", "cli.boss"])
    assert done.exit_code == 0, done.output
    entry = audit.entries(county.engine, limit=1)[0]
    assert (entry.actor, entry.role, entry.detail["os_user"]) == ("cli.boss", "admin", getpass.getuser())
    text = out.read_text(encoding="utf-8")
    assert "cli.boss（管理员 admin" in text and f"系统用户 OS user {getpass.getuser()}" in text
    assert "(北京时间)" in text
