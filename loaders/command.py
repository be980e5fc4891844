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

from reliefgraph.appdb import connect
from reliefgraph.graph.pii import mask
from reliefgraph.graph.store import NEO4J_SCHEMES, StoreError, open_store
from reliefgraph.loaders import resolution
from reliefgraph.loaders.mapping import MAPPINGS_DIR, MappingError, load_mappings
from reliefgraph.loaders.pipeline import FileReport, Loader, plan
from reliefgraph.loaders.transform import reason_text
from reliefgraph.settings import Settings

# Written to a log file, the summary table would be cut to 80 columns and
# its figures to "…"; a terminal keeps its own width.
console = Console(width=None if sys.stdout.isatty() else 200)
LOAD_LOCK = "load.lock"
STATUS_ZH = {"loaded": "已导入 loaded", "unchanged": "未变化 unchanged", "failed": "失败 failed",
             "no_mapping": "无映射 no mapping", "not_run": "未运行 not run"}


def load_command(
    directory: Annotated[Path, typer.Argument(help="各部门数据文件所在目录 folder of agency extracts")],
    mappings: Annotated[Path, typer.Option(help="映射文件目录 folder of mapping files")] = MAPPINGS_DIR,
    rejects: Annotated[Path, typer.Option(help="拒收记录输出目录 where reject files go")] = Path("./data/rejects"),
    as_of: Annotated[Optional[str], typer.Option(help="数据基准日 reference date YYYY-MM-DD (default today)")] = None,
    db: Annotated[Optional[str], typer.Option("--db", envvar="RELIEFGRAPH_URI", help="图数据库 graph store")] = None,
):
    """导入各部门数据 load agency extracts into the graph (idempotent; safe to re-run after a crash)."""
    if not directory.is_dir():
        console.print(f"[red]目录不存在 not a folder:[/red] {directory}")
        raise typer.Exit(2)
    try:
        maps = load_mappings(mappings)
    except MappingError as exc:
        console.print(f"[red]映射文件错误 mapping error:[/red] {exc}")
        raise typer.Exit(2) from exc
    pairs, unmatched = plan(directory, maps)
    started = time.perf_counter()
    with load_lock(db):
        _load(pairs, unmatched, rejects, as_of, db, started)


def _load(pairs, unmatched, rejects: Path, as_of: str | None, db: str | None, started: float) -> None:
    try:
        store = open_store(db)
        store.init_schema()
    except Exception as exc:  # start failures carry their own explanation; a traceback helps no one
        console.print(f"[red]无法打开图数据库 cannot open the graph store:[/red] {exc}")
        console.print("未导入任何文件，请重新运行 nothing was loaded; run the command again")
        raise typer.Exit(1) from exc
    engine = connect()
    reference = date.fromisoformat(as_of) if as_of else None
    reports: list[FileReport] = []
    loader = Loader(store, engine, rejects, as_of=reference)
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
    confirm_durable(store, loader, reports)
    try:
        store.close()
    except StoreError as exc:
        console.print(f"[red]{exc}[/red]")
    print_summary(reports + unmatched, time.perf_counter() - started)
    if any(r.status in ("failed", "not_run") for r in reports + unmatched):
        raise typer.Exit(1)


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
    if uri.startswith(NEO4J_SCHEMES):
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


def print_summary(reports: list[FileReport], seconds: float) -> None:
    table = Table(title="导入汇总 load summary", header_style="bold")
    for col in ("文件 file", "映射 mapping", "状态 status", "读取 read", "导入 loaded", "拒收 rejected",
                "重复 dup", "按身份证 by ID", "匹配 by match", "未识别 unresolved", "秒 s"):
        table.add_column(col, justify="right" if col[0] in "读导拒重按匹未秒" else "left")
    for r in reports:
        table.add_row(r.file, r.mapping, STATUS_ZH.get(r.status, r.status), f"{r.rows_read:,}",
                      f"{r.rows_loaded:,}", f"{r.rows_rejected:,}", f"{r.duplicates:,}",
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
            console.print(f"[red]{r.file}:[/red] {r.error}")
    total = sum(r.rows_loaded for r in reports)
    console.print(f"共导入 {total:,} 行 rows loaded in {seconds:.1f} s; "
                  f"拒收明细见 reject files in the rejects folder")


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

