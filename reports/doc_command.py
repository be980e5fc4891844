"""`reliefgraph report ledger | order | prefix`: the official documents from the command line.

A numbered document goes out in a unit's name, so the account issuing it
proves who it is with its password (`RELIEFGRAPH_PASSWORD`, else a hidden
prompt); it reads the document as its role and unit allow, and the
operating-system user is recorded in the audit entry as for every report.
"""
from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from reliefgraph.appdb import connect
from reliefgraph.exports import OutputPathError, check_writable

console = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]{message}[/red]")
    raise typer.Exit(code)


def _day(value: Optional[str], option: str) -> Optional[date]:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{option} 日期格式应为 YYYY-MM-DD，收到 {value!r} {option} must be a date YYYY-MM-DD", 2)


def _out(out: Path) -> None:
    try:
        check_writable(out)
    except OutputPathError as exc:
        _fail(str(exc), 2)


def _viewer(engine, user: Optional[str]):
    """The account, proven by its password, as a Viewer with its role and unit."""
    from reliefgraph.dashboard.accounts import get_user
    from reliefgraph.dashboard.cases import clear_values_for
    from reliefgraph.dashboard.permissions import Viewer
    from reliefgraph.reports.command import IdentityError, _password, authenticate

    user = user or getpass.getuser()
    account = get_user(engine, user)
    if account is None or not account.active:
        _fail(f"没有该账号或已停用 no active account {user!r}; give one with --user")
    try:
        authenticate(engine, user, account.role, _password())
    except IdentityError as exc:
        _fail(str(exc))
    clear = clear_values_for(engine, user) if account.role == "verifier" else frozenset()
    return Viewer(user, account.role, clear, account.unit_id)


def _write(doc, out: Path, what: str) -> None:
    try:
        out.write_bytes(doc.data)
    except OSError as exc:
        _fail(f"无法写入 cannot write {out}: {exc.strerror or exc}")
    number = f"{doc.number} " if doc.number else ""
    console.print(f"已生成{what} {number}written to {out} ({len(doc.data):,} bytes)")


USER = Annotated[Optional[str], typer.Option("--user", help="发文账号（需密码） the issuing account (its password is asked)")]
ISSUER = Annotated[Optional[str], typer.Option("--issuer", help="发文单位（仅管理员可指定，默认本单位） issuing unit "
                                                                "(administrators only; default: the account's unit)")]
OUT = Annotated[Path, typer.Option("--out", help="输出文件 output file")]


def ledger_command(
    out: OUT,
    unit: Annotated[Optional[str], typer.Option("--unit", help="承办单位 receiving unit (default: all)")] = None,
    dispatcher: Annotated[Optional[str], typer.Option("--dispatcher-unit", help="派单单位 dispatching unit")] = None,
    date_from: Annotated[Optional[str], typer.Option("--from", help="派单日期起 first day YYYY-MM-DD (北京时间)")] = None,
    date_to: Annotated[Optional[str], typer.Option("--to", help="派单日期止 last day YYYY-MM-DD (北京时间)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="格式 docx | pdf | xlsx")] = "pdf",
    user: USER = None,
    issuer: ISSUER = None,
):
    """线索处置台账 the ledger of orders and their handling (DOCX / PDF numbered; XLSX as data)."""
    from reliefgraph.reports.documents import LEDGER_FORMATS, DocumentError, ledger
    from reliefgraph.reports.ledger import LedgerError, LedgerFilter

    if fmt not in LEDGER_FORMATS:
        _fail(f"未知格式 unknown format {fmt!r}; formats: {', '.join(LEDGER_FORMATS)}", 2)
    try:
        flt = LedgerFilter(unit, dispatcher, _day(date_from, "--from"), _day(date_to, "--to"))
    except LedgerError as exc:
        _fail(str(exc), 2)
    _out(out)
    engine = connect()
    viewer = _viewer(engine, user)
    try:
        doc = ledger(engine, flt, viewer, fmt, unit_id=issuer)
    except DocumentError as exc:
        _fail(str(exc))
    _write(doc, out, "台账 ledger")


def order_command(
    order_id: Annotated[str, typer.Argument(help="派单编号 order id")],
    out: OUT,
    fmt: Annotated[str, typer.Option("--format", help="格式 docx | pdf")] = "pdf",
    user: USER = None,
    issuer: ISSUER = None,
    db: Annotated[Optional[str], typer.Option("--db", envvar="RELIEFGRAPH_URI", help="图数据库 graph store")] = None,
):
    """案件线索核查处置报告 the numbered case report of one order (DOCX / PDF)."""
    from reliefgraph.graph.store import open_store
    from reliefgraph.reports.documents import WRITERS, DocumentError, case_report
    from reliefgraph.reports.gather import ReportError

    if fmt not in WRITERS:
        _fail(f"未知格式 unknown format {fmt!r}; formats: {', '.join(WRITERS)}", 2)
    _out(out)
    engine = connect()
    viewer = _viewer(engine, user)
    try:
        with open_store(db) as store:
            doc = case_report(store, engine, order_id, viewer, fmt, unit_id=issuer)
    except (DocumentError, ReportError) as exc:
        _fail(str(exc))
    _write(doc, out, "报告 case report")


def prefix_command(
    unit: Annotated[str, typer.Argument(help="单位 unit id")],
    prefix: Annotated[str, typer.Argument(help="机关代字 e.g. X县纪委监委 or X纪发")],
):
    """设置单位发文字号的机关代字 set the prefix of a unit's document numbers (X县纪委监委〔2026〕12号)."""
    from reliefgraph.dashboard.units import get_unit
    from reliefgraph.reports.numbering import format_number, set_prefix

    engine = connect()
    if get_unit(engine, unit) is None:
        _fail(f"没有该单位 no unit {unit!r}")
    try:
        set_prefix(engine, unit, prefix)
    except ValueError as exc:
        _fail(str(exc), 2)
    console.print(f"单位 {unit} 的发文字号形如 numbers now read {format_number(prefix.strip(), date.today().year, 1)}")
