"""`reliefgraph load` and `reliefgraph resolve`: the administrator's side of ingestion."""
from __future__ import annotations

import fcntl
import os
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reliefgraph import beijing
from reliefgraph.appdb import connect
from reliefgraph.graph.pii import mask
from reliefgraph.graph.store import StoreError, open_store
from reliefgraph.loaders import pending, resolution
from reliefgraph.loaders.mapping import MAPPINGS_DIR, MappingError, load_mappings
from reliefgraph.loaders.pipeline import FileReport, Loader, PendingReport, plan
from reliefgraph.loaders.transform import reason_text
from reliefgraph.loaders.validate import mask as mask_value
from reliefgraph.settings import Settings, UnsupportedURI, graph_backend

# Written to a log file, the summary table would be cut to 80 columns and
# its figures to "…"; a terminal keeps its own width.
console = Console(width=None if sys.stdout.isatty() else 200)
LOAD_LOCK = "load.lock"
STATUS_ZH = {"loaded": "已导入 loaded", "unchanged": "未变化 unchanged", "failed": "失败 failed",
             "rejected": "全部拒收 all rejected", "no_mapping": "无映射 no mapping", "not_run": "未运行 not run",
             "lookup": "查找表 look-up table"}
REASON_ZH = {pending.REASON: "引用对象尚未入库 reference not in the graph yet",
             pending.UNRESOLVED: "无身份证号，人员未能唯一识别 no ID, person not identified"}
# Statuses that make `reliefgraph load` exit non-zero.
FAILED = ("failed", "rejected", "not_run")


def load_command(
    directory: Annotated[Optional[Path], typer.Argument(
        help="各部门数据文件所在目录 folder of agency extracts (not with --pending)")] = None,
    mappings: Annotated[Path, typer.Option(help="映射文件目录 folder of mapping files")] = MAPPINGS_DIR,
    rejects: Annotated[Path, typer.Option(help="拒收记录输出目录 where reject files go")] = Path("./data/rejects"),
    as_of: Annotated[Optional[str], typer.Option(help="数据基准日 reference date YYYY-MM-DD (default today)")] = None,
    db: Annotated[Optional[str], typer.Option("--db", envvar="RELIEFGRAPH_URI", help="图数据库 graph store")] = None,
    show_pending: Annotated[bool, typer.Option(
        "--pending", help="列出等待引用对象的暂存行（脱敏） list the rows waiting for a reference, masked")] = False,
    discard: Annotated[list[str], typer.Option(
        help="与 --pending 一起：放弃暂存行（暂存编号、批次号或 all），记入审计日志 with --pending: drop pending "
             "rows for good (pending id, batch id or `all`); audited")] = [],
    user: Annotated[str, typer.Option(help="操作人（用于 --discard 的审计记录） who discards, for the audit log")] = "admin",
):
    """导入各部门数据 load agency extracts into the graph (idempotent; safe to re-run after a crash)."""
    try:
        graph_backend(db or Settings.from_env().graph_uri)
    except UnsupportedURI as exc:
        console.print(f"[red]错误 error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if show_pending or discard:
        if not show_pending:
            console.print("[red]--discard 需与 --pending 一起使用 --discard goes with --pending[/red]")
            raise typer.Exit(2)
        _pending(db, discard, user, mappings)
        return
    if directory is None or not directory.is_dir():
        console.print(f"[red]目录不存在 not a folder:[/red] {directory or '(none given)'}")
        raise typer.Exit(2)
    as_of_date = None
    if as_of:
        try:
            as_of_date = date.fromisoformat(as_of)
        except ValueError as exc:
            console.print(f"[red]基准日格式应为 YYYY-MM-DD the as-of date must read YYYY-MM-DD:[/red] {as_of}")
            raise typer.Exit(2) from exc
    try:
        maps = load_mappings(mappings)
    except MappingError as exc:
        console.print(f"[red]映射文件错误 mapping error:[/red] {exc}")
        raise typer.Exit(2) from exc
    pairs, unmatched = plan(directory, maps)
    if not pairs and not unmatched:
        console.print(f"[red]目录中没有数据文件 no data file (CSV or Excel) in {directory}[/red]")
        raise typer.Exit(1)
    started = time.perf_counter()
    with load_lock(db):
        _load(pairs, unmatched, rejects, as_of_date, db, started, maps, directory)


def _load(pairs, unmatched, rejects: Path, reference: date | None, db: str | None, started: float,
          maps, directory: Path) -> None:
    try:
        store = open_store(db)
        store.init_schema()
    except Exception as exc:  # start failures carry their own explanation; a traceback helps no one
        console.print(f"[red]无法打开图数据库 cannot open the graph store:[/red] {exc}")
        console.print("未导入任何文件，请重新运行 nothing was loaded; run the command again")
        raise typer.Exit(1) from exc
    engine = connect()
    reports: list[FileReport] = []
    loader = Loader(store, engine, rejects, as_of=reference, mappings=maps)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,.0f} 行 rows"),
                  TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), console=console) as progress:
        for path, mapping in pairs:
            task = progress.add_task(f"{path.name}", total=None, rate="")
            t0 = time.perf_counter()

            def advance(n: int, task=task, t0=t0) -> None:
                progress.advance(task, n)
                done = progress.tasks[task].completed
                progress.update(task, rate=f"{done / max(time.perf_counter() - t0, 1e-9):,.0f} rows/s")

            loader.on_rows = advance
            report = loader.load_file(path, mapping)
            progress.update(task, total=progress.tasks[task].completed or 1,
                            completed=progress.tasks[task].completed or 1)
            reports.append(report)
            if report.status == "failed" and report.engine_failed:
                # Later files refer to this one's entities: loading them now would
                # reject their rows as unknown and mark them done. Stop; a re-run
                # redoes this file and continues.
                reports += [FileReport(file=p.name, mapping=m.id, status="not_run",
                                       error="因前一文件未完成而未导入 not loaded: an earlier file did not finish")
                            for p, m in pairs[len(reports):]]
                break
    settled = _settle(loader, reports)
    confirm_durable(store, loader, reports)
    try:
        store.close()
    except StoreError as exc:
        console.print(f"[red]{exc}[/red]")
    print_summary(reports + unmatched, time.perf_counter() - started, settled)
    failed = any(r.status in FAILED for r in reports + unmatched)
    if not pairs:
        console.print(f"[red]没有任何文件匹配映射，未导入任何数据 no file in {directory} matched a mapping; "
                      "nothing was loaded[/red]")
        failed = True
    if failed:
        raise typer.Exit(1)


def _settle(loader: Loader, reports: list[FileReport]) -> PendingReport | None:
    """Once the files are in: pending rows whose references now exist load,
    even when every file was unchanged (a run after a crash, or after a
    resolution decision)."""
    if any(r.engine_failed for r in reports):
        return None  # the engine failed: a re-run settles them
    try:
        return loader.load_pending()
    except StoreError as exc:
        console.print(f"[red]待补记录未完成导入 pending rows not loaded:[/red] {exc} — 请重新运行 re-run the load")
        reports.append(FileReport(file="(pending)", status="failed", error=str(exc), engine_failed=True))
        return None


def _pending(db: str | None, discard: list[str], user: str, mappings: Path = MAPPINGS_DIR) -> None:
    """`load --pending`: list the pending store, masked; with --discard, drop rows for good."""
    try:
        maps = {m.id: m for m in load_mappings(mappings)}
    except MappingError:
        maps = {}  # the listing names the mapping; a broken mapping file only hides the masked name
    try:
        store = open_store(db)
    except Exception as exc:
        console.print(f"[red]无法打开图数据库 cannot open the graph store:[/red] {exc}")
        raise typer.Exit(1) from exc
    with store:
        held = pending.read_all(store)
        if discard:
            chosen = pending.select(held, discard)
            if not chosen:
                console.print(f"[red]没有匹配的暂存行 no pending row matches {discard}[/red]")
                raise typer.Exit(1)
            with load_lock(db):
                gone = pending.discard(store, connect(), chosen, user)
            console.print(f"已放弃 {gone} 条暂存行（已记入审计日志，计为拒收） discarded {gone} pending rows "
                          "(audited, now counted as rejected in their batch)")
            held = pending.read_all(store)
    table = Table(title="等待引用对象的暂存行 rows waiting for a reference", header_style="bold")
    for col in ("暂存编号 pending id", "映射 mapping", "文件 file", "行 row", "等待 waiting", "原因 reason",
                "缺少 missing", "值 value", "首次出现 first seen"):
        table.add_column(col)
    for h in held:
        refs = h.missing_fields()
        shown = ", ".join(mask_value(str(h.values.get(f, ""))) for f in refs)
        waits = "可选关联 optional link" if h.partial else "整行 whole row"
        if h.reason == pending.UNRESOLVED:
            # The row names its person by name and birth date only: show the name, masked.
            fields = [f for f in (m.person.name, m.person.birth_date) if f] if (m := maps.get(h.mapping)) and m.person else []
            shown = " ".join(mask_value(str(h.values.get(f) or "")) for f in fields)
        table.add_row(h.pending_id, h.mapping, h.file, str(h.row), waits, REASON_ZH.get(h.reason, h.reason),
                      ", ".join(h.missing), shown,
                      beijing.shown(h.first_seen))
    console.print(table)
    console.print(f"共 {len(held)} 条暂存行 pending rows; 引用对象入库后自动导入 they load by themselves once "
                  "what they refer to is in the graph")
    if any(h.reason == pending.UNRESOLVED for h in held):
        console.print("人员未识别的行：用 `reliefgraph resolve list --outcome ambiguous` 查看候选，"
                      "`reliefgraph resolve link <编号> <身份证号>` 关联后，下次 `reliefgraph load` 自动导入 "
                      "rows whose person is not identified: review the candidates, link the row, and the next load "
                      "loads it")


@contextmanager
def load_lock(db: str | None):
    """One load at a time per embedded data directory.

    Two loads interleaving their MERGEs would each mark files done whose
    entities the other is still writing, and their background snapshots
    would race. The second load refuses at once and says who holds the lock
    (the lock dies with its process, so a killed load never blocks a re-run).
    Neo4j serialises writers itself and is left alone.
    """
    uri = db or Settings.from_env().graph_uri
    try:
        backend = graph_backend(uri)
    except UnsupportedURI as exc:
        console.print(f"[red]错误 error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if backend == "neo4j":
        yield
        return
    folder = Path(uri).expanduser()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(folder / LOAD_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            console.print(f"[red]另一个导入正在使用该数据目录 another load (pid {holder}) is running on "
                          f"{folder}[/red]；请等待其完成后再运行 wait for it to finish, then run this command again")
            raise typer.Exit(3) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def confirm_durable(store, loader: Loader, reports: list[FileReport]) -> None:
    """Report a file as loaded only once it is in a finished snapshot: if the
    engine died before its last snapshot finished, the files it lost fail
    here (and a re-run redoes them) instead of looking loaded."""
    try:
        store.snapshot()  # waits for a background snapshot still being written
    except StoreError as exc:
        server = getattr(store, "server", None)
        if server is not None and server.ping():
            # The engine is up but cannot write its snapshot (disk full, read-only):
            # the files are in memory only, and a crash would lose them.
            for r in reports:
                if r.status == "loaded":
                    r.status = "failed"
                    r.error = (f"已写入但未能保存到磁盘 written but not saved to disk: {exc}; 腾出空间后运行 "
                               "free space, then run `reliefgraph db snapshot` or re-run the load")
            return
        # Otherwise the engine died; the check below restarts it from what was kept.
    try:
        lost = set(loader.lost_batches())
    except StoreError:
        lost = set(loader.done_here)
    for r in reports:
        if r.status == "loaded" and r.batch_id in lost:
            r.status, r.engine_failed = "failed", True
            r.error = "图数据库中断，该文件未保存，请重新运行 the graph engine stopped before this file was saved; re-run the load"


RELOADED_ZH = {"as_of": "重新载入 reloaded (基准日变化 as-of changed)",
               "mapping": "重新载入 reloaded (映射已修改 mapping edited)",
               "as_of+mapping": "重新载入 reloaded (基准日变化且映射已修改 as-of changed, mapping edited)"}


def status_text(r: FileReport) -> str:
    """A file's status as the summary prints it: a file loaded again under
    another as-of date or an edited mapping says so (its facts are updated
    in place, nothing doubled)."""
    if r.status == "loaded" and r.reloaded:
        return RELOADED_ZH.get(r.reloaded, f"重新载入 reloaded ({r.reloaded})")
    return STATUS_ZH.get(r.status, r.status)


def print_summary(reports: list[FileReport], seconds: float, settled: PendingReport | None = None) -> None:
    table = Table(title="导入汇总 load summary", header_style="bold")
    for col in ("文件 file", "映射 mapping", "状态 status", "读取 read", "导入 loaded", "拒收 rejected",
                "暂存 pending", "重复 dup", "按身份证 by ID", "匹配 by match", "未识别 unresolved", "秒 s"):
        table.add_column(col, justify="right" if col[0] in "读导拒暂重按匹未秒" else "left",
                         no_wrap=col.startswith("状态"))   # a status reads as one phrase
    for r in reports:
        table.add_row(r.file, r.mapping, status_text(r), f"{r.rows_read:,}",
                      f"{r.rows_loaded:,}", f"{r.rows_rejected:,}", f"{r.rows_pending:,}", f"{r.duplicates:,}",
                      f"{r.resolved_by_id:,}", f"{r.resolved_by_match:,}", f"{r.unresolved:,}",
                      f"{r.seconds:.1f}")
    console.print(table)
    reasons: dict[str, int] = {}
    for r in reports:
        for code, n in r.reasons.items():
            reasons[code] = reasons.get(code, 0) + n
    if reasons:
        why = Table(title="拒收原因 reject reasons", header_style="bold")
        why.add_column("原因 reason")
        why.add_column("条数 count", justify="right")
        for code, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
            why.add_row(f"{reason_text(code)} [dim]({code})[/dim]", f"{n:,}")
        console.print(why)
    for r in reports:
        if r.error:
            colour = "dim" if r.status == "lookup" else "red"  # a look-up table is read, not refused
            console.print(f"[{colour}]{r.file}:[/{colour}] {r.error}")
    if settled is not None and (settled.loaded or settled.links_loaded or settled.waiting or settled.no_mapping):
        console.print(f"暂存行 pending rows: {settled.loaded + settled.links_loaded:,} 条引用已出现，已按原出处导入 "
                      "loaded now that their reference exists (with their original source row); "
                      f"{settled.waiting:,} 条仍在等待 still waiting (`reliefgraph load --pending`)")
        if settled.no_mapping:
            console.print(f"[yellow]{settled.no_mapping:,} 条暂存行的映射已删除或已修改 pending rows whose mapping "
                          "is gone or no longer has their fields: they stay pending[/yellow]")
    total = sum(r.rows_loaded for r in reports)
    console.print(f"共导入 {total:,} 行 rows loaded in {seconds:.1f} s")
    # Only files actually written, and only those with something in them.
    written = [r.reject_file for r in reports
               if r.reject_file and (r.rows_rejected or r.rows_pending or r.reasons) and Path(r.reject_file).is_file()]
    if written:
        console.print("拒收与暂存明细 rejected and pending rows, by file:")
        for path in written:
            console.print(f"  {path}")


resolve_app = typer.Typer(help="人员识别复核 review entity-resolution decisions", no_args_is_help=True)


@resolve_app.command("list")
def resolve_list(
    outcome: Annotated[Optional[str], typer.Option(help="linked | ambiguous | no_match")] = None,
    limit: int = 50,
    unmask: Annotated[bool, typer.Option("--unmask", help="显示完整身份证号 show IDs in clear")] = False,
):
    """列出识别决定及其依据 list resolution decisions with their evidence."""
    table = Table(header_style="bold")
    for col in ("id", "文件 file", "行 row", "姓名 name", "出生 born", "结果 outcome", "人员 person", "得分 score",
                "候选 candidates", "状态 status"):
        table.add_column(col)
    for d in resolution.list_decisions(connect(), outcome, limit):
        show = (lambda v: v) if unmask else (lambda v: mask("citizen_id", v))
        cands = "; ".join(f"{show(c['citizen_id'])} {c['score']:.2f} {c['parts']}" for c in (d["evidence"] or [])[:3])
        table.add_row(str(d["id"]), d["file_name"], str(d["row"]), d["name"] or "", d["birth_date"] or "",
                      d["outcome"], show(d["person_id"]) or "", f"{d['score']:.3f}", cands, d["status"])
    console.print(table)


@resolve_app.command("link")
def resolve_link(
    decision: Annotated[int, typer.Argument(help="识别记录编号 decision id (`reliefgraph resolve list`)")],
    citizen_id: Annotated[str, typer.Argument(help="该行所指人员的身份证号 the citizen ID of the row's person")],
    user: Annotated[str, typer.Option(help="操作人 who decides, for the audit log")] = "admin",
    db: Annotated[Optional[str], typer.Option("--db", envvar="RELIEFGRAPH_URI")] = None,
):
    """复核关联：把未识别的行关联到已登记人员，下次导入时自动载入 link an unidentified row to a registered
    person; the row, waiting in the pending store, loads at the next `reliefgraph load`."""
    with load_lock(db), open_store(db) as store:
        try:
            done = resolution.link(connect(), store, decision, citizen_id, user)
        except (LookupError, ValueError) as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
    console.print(f"已关联 linked: {done['file_name']} 第 {done['row']} 行 row → {mask('citizen_id', citizen_id.strip().upper())}；"
                  "下次 `reliefgraph load` 时导入 it loads at the next `reliefgraph load`")


@resolve_app.command("undo")
def resolve_undo(
    decision: Annotated[int, typer.Argument(help="识别记录编号 decision id")],
    user: Annotated[str, typer.Option(help="操作人 who undoes it")] = "admin",
    db: Annotated[Optional[str], typer.Option("--db", envvar="RELIEFGRAPH_URI")] = None,
):
    """撤销一次自动关联并删除其写入的事实 undo a link and delete the facts it wrote."""
    # Deleting nodes under a running load would hand their ids to its new
    # nodes while it still links to them by id: wait for the load to finish.
    with load_lock(db), open_store(db) as store:
        try:
            counts = resolution.undo(connect(), store, decision, user)
        except (LookupError, ValueError) as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
    console.print(f"已撤销 undone: {counts}")

