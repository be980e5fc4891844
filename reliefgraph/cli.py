"""The `reliefgraph` command line.

Messages for users are Chinese with English alongside; each subcommand
lives with the room that does the work and is only wired up here.
"""
from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from reliefgraph.graph.pii import mask_value
from reliefgraph.graph.store import (NEO4J_SCHEMES, GraphStore, QueryTimeout, ReadOnlyViolation, StoreError,
                                     open_store)
from reliefgraph.settings import Settings, UnsupportedURI, graph_backend

console = Console()
err = Console(stderr=True)

def _flags_as_flags() -> None:
    """Help shows `--unmask` as a flag, not `--unmask <bool>`, and a repeatable
    option as `<str> …` rather than `<list[str]>` (typer's rich help prints
    the Python type of every option)."""
    from typer.core import TyperOption

    typed = TyperOption.display_type_rich

    def display_type_rich(self, ctx):
        if self.metavar is None and (self.is_flag or self.count):
            return None
        shown = typed(self, ctx)
        if self.metavar is None and self.multiple and shown and shown.startswith("<list["):
            return f"<{shown[len('<list['):-2]}> …"
        return shown

    TyperOption.display_type_rich = display_type_rich


_flags_as_flags()

app = typer.Typer(
    help="reliefgraph — 社会救助跨部门关联监督知识图谱 cross-agency linkage for social-assistance supervision",
    no_args_is_help=True, add_completion=False,
)
db_app = typer.Typer(help="图数据库管理 manage the graph store", no_args_is_help=True)
app.add_typer(db_app, name="db")

DbOption = Annotated[Optional[str], typer.Option(
    "--db", envvar="RELIEFGRAPH_URI",
    help="数据目录（嵌入式）或 bolt:// / neo4j:// 地址 data directory (embedded) or Neo4j URI")]


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="详细日志 verbose logs")] = False):
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _open(db: str | None) -> GraphStore:
    try:
        return open_store(db)
    except StoreError as exc:
        err.print(f"[red]错误 error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except Exception as exc:  # start failures carry their own explanation
        err.print(f"[red]无法打开图数据库 cannot open the graph store:[/red] {exc}")
        raise typer.Exit(2) from exc


def _is_neo4j(db: str | None) -> bool:
    try:
        return graph_backend(db or Settings.from_env().graph_uri) == "neo4j"
    except UnsupportedURI as exc:  # never start an engine in a folder named `http:`
        err.print(f"[red]错误 error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _embedded(db: str | None):
    from pathlib import Path

    from reliefgraph.graph.embedded import EmbeddedServer

    settings = Settings.from_env()
    return EmbeddedServer(Path(db or settings.graph_uri), start_timeout=settings.start_timeout)


@db_app.command("start")
def db_start(db: DbOption = None):
    """启动嵌入式图数据库 start the embedded engine (shared by later commands)."""
    if _is_neo4j(db):
        console.print("Neo4j 由运维单独管理 Neo4j is run by its own service; nothing to start.")
        return
    server = _embedded(db)
    started = time.perf_counter()
    try:
        fresh = server.ensure_running()
    except Exception as exc:
        err.print(f"[red]启动失败 start failed:[/red] {exc}")
        raise typer.Exit(2) from exc
    took = time.perf_counter() - started
    word = "已启动 started" if fresh else "已在运行 already running"
    console.print(f"嵌入式图数据库{word} in {took:.2f} s — socket {server.socket}")


@db_app.command("stop")
def db_stop(db: DbOption = None):
    """保存快照并停止嵌入式图数据库 snapshot and stop the embedded engine."""
    if _is_neo4j(db):
        console.print("Neo4j 由运维单独管理 Neo4j is run by its own service; nothing to stop.")
        return
    try:
        stopped = _embedded(db).stop()
    except Exception as exc:
        err.print(f"[red]停止失败 stop failed:[/red] {exc}")
        raise typer.Exit(2) from exc
    console.print("已保存快照并停止 snapshot saved, stopped" if stopped else "未在运行 not running")


@db_app.command("status")
def db_status(db: DbOption = None):
    """运行状态与数据规模 status, snapshot and size of the graph."""
    table = Table(show_header=False, box=None)
    if _is_neo4j(db):
        with _open(db) as store:
            for k, v in store.describe().items():
                table.add_row(k, str(v))
            for k, v in store.counts().items():
                table.add_row(k, f"{v:,}")
        console.print(table)
        return
    server = _embedded(db)
    st = server.status()
    table.add_row("后端 backend", "FalkorDB (embedded)")
    table.add_row("状态 state", "[green]运行中 running[/green]" if st.running else "[yellow]未运行 stopped[/yellow]")
    table.add_row("数据目录 data dir", str(server.data_dir))
    if st.pid:
        table.add_row("pid", str(st.pid))
    if st.version:
        table.add_row("版本 version", st.version)
    snap = (f"{st.snapshot_bytes / 1e6:.1f} MB, "
            f"{datetime.fromtimestamp(st.snapshot_mtime):%Y-%m-%d %H:%M:%S}") if st.snapshot_mtime else "无 none"
    table.add_row("快照 snapshot", snap)
    if st.rss_bytes:
        table.add_row("内存 RSS", f"{st.rss_bytes / 1e6:.0f} MB")
    if st.running:
        with _open(db) as store:
            for k, v in store.counts().items():
                table.add_row({"nodes": "节点 nodes", "relationships": "关系 relationships"}[k], f"{v:,}")
    console.print(table)


@db_app.command("init")
def db_init(db: DbOption = None):
    """按声明的模型创建约束和索引（可重复执行） create constraints and indexes; idempotent."""
    with _open(db) as store:
        started = time.perf_counter()
        applied = store.init_schema()
    for stmt in applied:
        console.print(f"  [dim]{stmt}[/dim]")
    console.print(f"模型初始化完成 schema ready: {len(applied)} 项变更 changes "
                  f"in {time.perf_counter() - started:.2f} s")


@db_app.command("snapshot")
def db_snapshot(db: DbOption = None):
    """立即保存快照 write a snapshot now."""
    with _open(db) as store:
        took = store.snapshot()
    console.print(f"快照已保存 snapshot written in {took:.2f} s")


AppDbOption = Annotated[Optional[str], typer.Option(
    "--app-db", envvar="RELIEFGRAPH_APP_DB",
    help="应用数据库地址 application database URL (sqlite:///… or postgresql://…)")]


@db_app.command("migrate")
def db_migrate(app_db: AppDbOption = None):
    """升级应用数据库结构到最新版本（可重复执行；先备份） upgrade the application database schema; idempotent."""
    from reliefgraph.appdb import migrate, open_engine

    engine = open_engine(app_db)
    where = engine.url.render_as_string(hide_password=True)
    started = time.perf_counter()
    try:
        before, after = migrate(engine)
    except Exception as exc:  # the driver's message says what is wrong (unreachable, refused, ...)
        err.print(f"[red]迁移失败 migration failed[/red] ({where}): {exc}")
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()
    took = time.perf_counter() - started
    if before == after:
        console.print(f"应用数据库已是最新 already at the newest version {after} — {where}")
    else:
        console.print(f"应用数据库已升级 upgraded {before or '无 none'} → {after} in {took:.2f} s — {where}")


def _parse_param(text: str) -> tuple[str, Any]:
    if "=" not in text:
        raise typer.BadParameter(f"参数格式应为 name=value expected name=value, got {text!r}")
    name, raw = text.split("=", 1)
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name.strip(), value


@app.command("cypher")
def cypher(
    query: Annotated[str, typer.Argument(help="只读 Cypher 查询 a read-only Cypher query")],
    param: Annotated[list[str], typer.Option("--param", "-p", help="查询参数 name=value (JSON or text)")] = [],
    unmask: Annotated[bool, typer.Option("--unmask", help="显示完整身份证号等 show PII in clear")] = False,
    limit: Annotated[int, typer.Option(help="最多显示行数 rows to print")] = 50,
    timeout: Annotated[float, typer.Option(help="超时秒数，到时由数据库中止 seconds before the engine stops it")] = 60,
    db: DbOption = None,
):
    """运行只读查询并以表格输出 run a read-only query and print a table."""
    from reliefgraph.graph.adhoc import check_typed_query

    from reliefgraph.cypher_errors import explain, missing_parameters
    from reliefgraph.graph.adhoc import QueryRefused

    params = dict(_parse_param(p) for p in param)
    missing = missing_parameters(query, params)
    if missing:
        err.print(f"[red]缺少参数 missing parameters: {', '.join('$' + m for m in missing)}[/red]；"
                  f"请用 give them with {' '.join(f'-p {m}=VALUE' for m in missing)}", markup=True)
        raise typer.Exit(2)
    with _open(db) as store:
        try:
            check_typed_query(query)
            # The engine goes on running a query its client gave up on: bound it there.
            result = store.read(query, params, timeout=timeout)
        except (QueryTimeout, ReadOnlyViolation, QueryRefused) as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
        except StoreError as exc:
            err.print(explain(query, str(exc)), markup=False, highlight=False)
            raise typer.Exit(1) from exc
        except (ValueError, TypeError, UnicodeError) as exc:  # a parameter the engine cannot take
            err.print(f"[red]参数无效 invalid parameter:[/red] {exc}")
            raise typer.Exit(2) from exc
    table = Table(*result.columns, header_style="bold")
    for row in result.rows[:limit]:
        cells = [v if unmask else _masked(v, col) for col, v in zip(result.columns, row)]
        table.add_row(*(_cell(v) for v in cells))
    console.print(table)
    shown = min(limit, len(result.rows))
    console.print(f"[dim]{len(result.rows)} 行 rows（显示 shown {shown}）[/dim]")


def _wire_rooms() -> None:
    """Commands that live with the room doing the work."""
    from reliefgraph.dashboard.command import audit_app, dashboard_command, unit_app, user_app
    from reliefgraph.dashboard.demo import demo_command
    from reliefgraph.loaders.command import load_command, resolve_app
    from reliefgraph.queries.command import detect_command, evaluate_command, summary_command
    from reliefgraph.reports.command import report_command
    from reliefgraph.reports.doc_command import ledger_command, order_command, prefix_command
    from reliefgraph.synthetic.command import generate_command

    app.command("generate")(generate_command)
    app.command("load")(load_command)
    app.add_typer(resolve_app, name="resolve")
    app.command("detect")(detect_command)
    app.command("evaluate")(evaluate_command)
    app.command("summary")(summary_command)
    # `report --clue …` as before; `report order|ledger|prefix` for the numbered official documents.
    report_app = typer.Typer(no_args_is_help=False)
    report_app.callback(invoke_without_command=True)(report_command)
    report_app.command("order")(order_command)
    report_app.command("ledger")(ledger_command)
    report_app.command("prefix")(prefix_command)
    app.add_typer(report_app, name="report")
    app.add_typer(user_app, name="user")
    app.add_typer(unit_app, name="unit")
    app.add_typer(audit_app, name="audit")
    app.command("dashboard")(dashboard_command)
    app.command("demo")(demo_command)


def _masked(value: Any, column: str) -> Any:
    """PII masked by property name and, wherever it hides (`RETURN p.citizen_id
    AS x`, `collect(...)`, string concatenation), by the shape of the value."""
    from reliefgraph.dashboard.permissions import Viewer, mask_text

    masked = Viewer("cli", "analyst")

    def shapes(v: Any) -> Any:
        if isinstance(v, str):
            return mask_text(masked, v)
        if isinstance(v, int) and not isinstance(v, bool) and mask_text(masked, str(v)) != str(v):
            return mask_text(masked, str(v))
        if isinstance(v, list):
            return [shapes(x) for x in v]
        if isinstance(v, dict):
            return {k: shapes(x) for k, x in v.items()}
        return v

    return shapes(mask_value(value, column))


def _cell(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else str(value)


_wire_rooms()
