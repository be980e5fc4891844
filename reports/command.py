"""`reliefgraph report`: a clue's, a person's or the county's report as HTML, PDF or DOCX.

Who a report names as its author matters: a report in clear (role
inspector or admin) carries citizen IDs, and its audit entry is the record
of who took them out. So from the command line:

- the operating-system user running the command is always recorded, in the
  audit entry (`os_user`) and on the report beside the account name;
- a report in clear needs the account's password (`RELIEFGRAPH_PASSWORD`,
  else a hidden prompt), and the account must hold that role (an
  administrator may issue any role's report); a wrong password counts
  towards the account's sign-in lockout like a dashboard sign-in;
- a masked (analyst) report needs no password: it shows nothing an
  analyst may not see.
"""
from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated, Optional

import click
import typer
from rich.console import Console

from reliefgraph.appdb import connect
from reliefgraph.exports import OutputPathError, check_writable
from reliefgraph.graph.store import open_store
from reliefgraph.reports.gather import ReportError
from reliefgraph.reports.issue import FORMATS, Target, issue, viewer_for

console = Console()
err = Console(stderr=True)
PASSWORD_ENV = "RELIEFGRAPH_PASSWORD"


class IdentityError(PermissionError):
    """The account cannot issue a report for that role; the message says why."""


def authenticate(engine, user: str, role: str, password: str) -> None:
    """Prove `user` holds `role` (or is an administrator) with its password."""
    from reliefgraph.dashboard.accounts import SignInError, sign_in, sign_out

    try:
        session = sign_in(engine, user, password)
    except SignInError as exc:
        raise IdentityError(f"账号验证失败 authentication failed for {user!r}: {exc}") from None
    sign_out(engine, session.token)
    if session.user.role not in (role, "admin"):
        raise IdentityError(f"账号 {user!r} 的角色是 {session.user.role}，不能生成 {role} 报告 "
                            f"the account {user!r} is {session.user.role}, not {role}")


def _password() -> str:
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    try:
        return typer.prompt("账号密码 password", hide_input=True)
    except click.exceptions.Abort:
        raise IdentityError(f"未脱敏报告需要账号密码：设置 {PASSWORD_ENV} 或在提示时输入 a report in clear "
                            f"needs the account's password ({PASSWORD_ENV} or the prompt)") from None


def report_command(
    ctx: typer.Context,
    clue: Annotated[Optional[str], typer.Option("--clue", help="线索编号 clue id")] = None,
    person: Annotated[Optional[str], typer.Option("--person", help="身份证号 citizen ID")] = None,
    summary: Annotated[bool, typer.Option("--summary", help="违规问题汇总（马山表式） the summary table")] = False,
    town: Annotated[Optional[str], typer.Option("--town", help="汇总范围：乡镇区划代码 (9 位) town code")] = None,
    programme: Annotated[list[str], typer.Option("--programme", help="汇总对象范围 programmes (e.g. poverty)")] = [],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="汇总基准日 YYYY-MM-DD")] = None,
    fmt: Annotated[str, typer.Option("--format", help="格式 html | pdf | docx")] = "pdf",
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件 output file")] = None,
    role: Annotated[str, typer.Option("--role", help="阅读者角色 reader's role: admin | dispatcher | verifier | "
                                                     "reviewer | analyst "
                                                     "(analyst: 身份证号等脱敏 PII masked; 其他角色需账号密码 "
                                                     f"others need the account's password, {PASSWORD_ENV} or a prompt)")
                    ] = "analyst",
    user: Annotated[Optional[str], typer.Option("--user", help="生成人账号（记入审计日志，并同时记录系统用户） "
                                                               "account that issues it; the OS user is recorded too")
                    ] = None,
    db: Annotated[Optional[str], typer.Option("--db", envvar="RELIEFGRAPH_URI", help="图数据库 graph store")] = None,
):
    """生成案件线索报告 write a clue's, a person's or the summary report (HTML, PDF or DOCX).
    编号公文 numbered official documents: `report order`, `report ledger`."""
    if ctx.invoked_subcommand:
        return
    if fmt not in FORMATS:
        err.print(f"[red]未知格式 unknown format {fmt!r}[/red]; formats: {', '.join(FORMATS)}")
        raise typer.Exit(2)
    try:
        target = Target(clue=clue, person=person, summary=summary, town=town, programmes=tuple(programme),
                        as_of=as_of)
        # Refused before any work, and before an audit entry claims a report exists.
        check_writable(out if out else Path.cwd() / "report")
    except (ValueError, OutputPathError) as exc:
        err.print(f"[red]{exc}[/red]", soft_wrap=True)  # a path broken over lines cannot be copied
        raise typer.Exit(2) from exc
    engine = connect()
    os_user = getpass.getuser()
    user = user or os_user
    try:
        viewer_for(engine, user, role)  # an unknown role is refused before the password is asked
        if role != "analyst":
            authenticate(engine, user, role, _password())
        with open_store(db) as store:
            viewer = viewer_for(engine, user, role, store)
            issued = issue(store, engine, target, fmt, user, viewer, os_user=os_user)
    except (ReportError, ValueError, IdentityError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    path = out or Path(issued.filename)
    try:
        path.write_bytes(issued.data)
    except OSError as exc:
        err.print(f"[red]无法写入 cannot write {path}: {exc.strerror or exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"已生成报告 report {issued.number} written to {path} ({len(issued.data):,} bytes, {fmt}, "
                  f"角色 role {role})")
