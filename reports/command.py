"""`reliefgraph report`: a clue's, a person's or the county's report as HTML, PDF or DOCX."""
from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from reliefgraph.appdb import connect
from reliefgraph.graph.store import open_store
from reliefgraph.reports.gather import ReportError
from reliefgraph.reports.issue import FORMATS, Target, issue, viewer_for

console = Console()
err = Console(stderr=True)


def report_command(
    clue: Annotated[Optional[str], typer.Option("--clue", help="线索编号 clue id")] = None,
    person: Annotated[Optional[str], typer.Option("--person", help="身份证号 citizen ID")] = None,
    summary: Annotated[bool, typer.Option("--summary", help="违规问题汇总（马山表式） the summary table")] = False,
    town: Annotated[Optional[str], typer.Option("--town", help="汇总范围：乡镇区划代码 (9 位) town code")] = None,
    programme: Annotated[list[str], typer.Option("--programme", help="汇总对象范围 programmes (e.g. poverty)")] = [],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="汇总基准日 YYYY-MM-DD")] = None,
    fmt: Annotated[str, typer.Option("--format", help="格式 html | pdf | docx")] = "pdf",
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件 output file")] = None,
    role: Annotated[str, typer.Option("--role", help="阅读者角色 reader's role: admin | inspector | analyst "
                                                     "(analyst: 身份证号等脱敏 PII masked)")] = "analyst",
    user: Annotated[Optional[str], typer.Option("--user", help="生成人（记入审计日志） who generates it")] = None,
    db: Annotated[Optional[str], typer.Option("--db", envvar="RELIEFGRAPH_URI", help="图数据库 graph store")] = None,
):
    """生成案件线索报告 write a clue's, a person's or the summary report (HTML, PDF or DOCX)."""
    if fmt not in FORMATS:
        err.print(f"[red]未知格式 unknown format {fmt!r}[/red]; formats: {', '.join(FORMATS)}")
        raise typer.Exit(2)
    try:
        target = Target(clue=clue, person=person, summary=summary, town=town, programmes=tuple(programme),
                        as_of=as_of)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    engine = connect()
    user = user or getpass.getuser()
    try:
        viewer = viewer_for(engine, user, role)
        with open_store(db) as store:
            issued = issue(store, engine, target, fmt, user, viewer)
    except (ReportError, ValueError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    path = out or Path(issued.filename)
    path.write_bytes(issued.data)
    console.print(f"已生成报告 report {issued.number} written to {path} ({len(issued.data):,} bytes, {fmt}, "
                  f"角色 role {role})")
