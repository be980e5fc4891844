"""`reliefgraph user …`, `reliefgraph unit …`, `reliefgraph audit …` and `reliefgraph dashboard`.

User management from the command line is how the first administrator comes
to exist; every change made here is written to the audit log under the
operating-system account that ran it (`cli:<name>`).
"""
from __future__ import annotations

import getpass
import os
import signal
import subprocess
import sys
import time
import urllib.request
import webbrowser
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from reliefgraph import beijing
from reliefgraph.appdb import connect
from reliefgraph.dashboard import accounts, audit, units

console = Console()
err = Console(stderr=True)

user_app = typer.Typer(help="用户管理 manage dashboard accounts", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志 the audit log", no_args_is_help=True)
unit_app = typer.Typer(help="单位管理 units (departments, towns, villages) that dispatch, verify and review",
                       no_args_is_help=True)


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "cli:unknown"


def _read_password(username: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt(f"{username} 的密码 password", hide_input=True, confirmation_prompt=True)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="用户名 user name (lower-case)")],
    role: Annotated[str, typer.Option(help="角色 role: admin | dispatcher | verifier | reviewer | analyst")],
    name: Annotated[Optional[str], typer.Option(help="显示名 display name, e.g. 张三")] = None,
    unit: Annotated[Optional[str], typer.Option(help="所属单位编号 the unit the user works for "
                                                     "(see `reliefgraph unit list`)")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                 help="从标准输入读取密码 read the password from stdin")] = False,
):
    """新增用户（第一个管理员也由此创建） add a user; the first admin is created this way."""
    engine = connect()
    password = _read_password(username, password_stdin)
    try:
        user = accounts.add_user(engine, username, password, role, name, unit_id=unit)
    except accounts.AccountError as exc:
        err.print(f"[red]未创建 not created:[/red] {exc}")
        raise typer.Exit(1) from exc
    audit.record(engine, _cli_actor(), "user_add", [user.username], {"role": user.role, "unit": unit})
    console.print(f"已创建用户 user created: {user.username}（{user.role_zh} {user.role}"
                  + (f"，单位 unit {unit}" if unit else "") + "）")
    if role in ("dispatcher", "verifier", "reviewer") and not unit:
        console.print("[yellow]该角色须归属单位才能处理派单 this role works orders only within a unit[/yellow]: "
                      f"reliefgraph user unit {username} UNIT")


@user_app.command("unit")
def user_unit(
    username: Annotated[str, typer.Argument(help="用户名 user name")],
    unit: Annotated[Optional[str], typer.Argument(help="单位编号 unit id; 省略则移出单位 omit to take the user "
                                                       "out of any unit")] = None,
):
    """设置用户所属单位（结束其会话） put a user in a unit (ends the user's sessions)."""
    engine = connect()
    try:
        accounts.set_unit(engine, username, unit)
    except accounts.AccountError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    audit.record(engine, _cli_actor(), "user_unit", [username], {"unit": unit})
    console.print(f"{username} 所属单位 unit: {unit or '无 none'}")


@user_app.command("list")
def user_list():
    """列出用户 list users."""
    rows = accounts.list_users(connect())
    if not rows:
        console.print("尚无用户 no users yet — 先创建管理员 create the first admin: "
                      "reliefgraph user add NAME --role admin")
        return
    table = Table(header_style="bold")
    for col in ("用户名 user", "显示名 name", "角色 role", "单位 unit", "状态 state", "创建 created (北京时间)",
                "最近登录 last sign-in (北京时间)"):
        table.add_column(col)
    names = units.unit_names(connect())
    for r in rows:
        state = "[green]启用 active[/green]" if r["active"] else "[yellow]停用 disabled[/yellow]"
        role = f"{accounts.ROLES[r['role']][0]} {r['role']}" if r["role"] in accounts.ROLES else r["role"]
        unit = f"{names.get(r['unit_id'], '')} ({r['unit_id']})" if r["unit_id"] else "—"
        table.add_row(r["username"], r["display_name"], role, unit, state,
                      beijing.shown(r["created"]), beijing.shown(r["last_sign_in"]) or "—")
    console.print(table)


@unit_app.command("add")
def unit_add(
    unit_id: Annotated[str, typer.Argument(help="单位编号 unit id, e.g. county_jw, town_520101101")],
    name: Annotated[str, typer.Option(help="单位名称 name, e.g. 某县纪委监委")],
    kind: Annotated[str, typer.Option(help="类型 kind: " + " | ".join(units.KINDS))],
    region: Annotated[Optional[str], typer.Option(help="区划代码 region code (towns, villages)")] = None,
    parent: Annotated[Optional[str], typer.Option(help="上级单位编号 parent unit id")] = None,
):
    """新增单位 add a unit (department, town, village)."""
    engine = connect()
    try:
        unit = units.add_unit(engine, unit_id, name, kind, region, parent)
    except units.UnitError as exc:
        err.print(f"[red]未创建 not created:[/red] {exc}")
        raise typer.Exit(1) from exc
    audit.record(engine, _cli_actor(), "unit_add", [f"Unit:{unit['unit_id']}"], {"kind": kind, "unit": name})
    console.print(f"已创建单位 unit created: {unit['unit_id']}（{unit['name']}，{units.kind_label(kind)}）")


@unit_app.command("list")
def unit_list():
    """列出单位及其人员数 list units and how many people each has."""
    engine = connect()
    rows = units.list_units(engine)
    if not rows:
        console.print("尚无单位 no units yet — reliefgraph unit add ID --name 名称 --kind " + "|".join(units.KINDS))
        return
    counts: dict[str, int] = {}
    for u in accounts.list_users(engine):
        if u["unit_id"] and u["active"]:
            counts[u["unit_id"]] = counts.get(u["unit_id"], 0) + 1
    table = Table(header_style="bold")
    for col in ("编号 id", "名称 name", "类型 kind", "区划 region", "上级 parent", "人员 people"):
        table.add_column(col)
    for u in rows:
        table.add_row(u["unit_id"], u["name"], units.kind_label(u["kind"]), u["region_code"] or "—",
                      u["parent_unit"] or "—", str(counts.get(u["unit_id"], 0)))
    console.print(table)


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Argument(help="用户名 user name")]):
    """停用用户并立即结束其会话 disable a user and end their sessions."""
    engine = connect()
    try:
        accounts.disable_user(engine, username)
    except accounts.AccountError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    audit.record(engine, _cli_actor(), "user_disable", [username])
    console.print(f"已停用 disabled: {username}")


@user_app.command("password")
def user_password(
    username: Annotated[str, typer.Argument(help="用户名 user name")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
):
    """重置密码 set a new password (ends the user's sessions)."""
    engine = connect()
    try:
        accounts.set_password(engine, username, _read_password(username, password_stdin))
    except accounts.AccountError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    audit.record(engine, _cli_actor(), "user_password", [username])
    console.print(f"密码已更新 password changed: {username}")


@audit_app.command("verify")
def audit_verify():
    """校验审计日志哈希链 check that no past entry was edited, removed or inserted."""
    result = audit.verify(connect())
    if result.ok:
        console.print(f"[green]审计日志完整 audit log intact[/green]: {result.entries} 条 entries")
        console.print(f"链头 head: {result.head}  [dim]（请另行记录以便下次比对 note it elsewhere to compare "
                      f"next time）[/dim]")
        return
    err.print(f"[red]审计日志被篡改 audit log tampered[/red]: {len(result.problems)} 处问题 problems "
              f"in {result.entries} entries")
    for seq, reason in result.problems:
        err.print(f"  #{seq}: {reason}")
    raise typer.Exit(1)


@audit_app.command("list")
def audit_list(
    limit: Annotated[int, typer.Option(help="条数 entries")] = 50,
    actor: Annotated[Optional[str], typer.Option(help="按用户 by user")] = None,
    action: Annotated[Optional[str], typer.Option(help="按操作 by action")] = None,
):
    """最近的审计记录 the latest audit entries."""
    table = Table(header_style="bold")
    for col in ("#", "时间 when (北京时间)", "用户 who", "操作 action", "对象 subjects", "详情 detail"):
        # A time or a user name broken over two lines reads as two entries.
        table.add_column(col, no_wrap=col.startswith(("#", "时间", "用户")))
    for e in audit.entries(connect(), limit=limit, actor=actor, action=action):
        table.add_row(str(e.seq), beijing.shown(e.at, seconds=True, suffix=False), e.actor, f"{audit.ACTIONS.get(e.action, '')} {e.action}",
                      ", ".join(e.subjects[:5]) + (" …" if len(e.subjects) > 5 else ""),
                      audit.readable_detail(e.detail) if e.detail else "")
    console.print(table)


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def dashboard_command(
    port: Annotated[int, typer.Option(help="端口 port")] = 8501,
    host: Annotated[str, typer.Option(help="监听地址 address to listen on (loopback by default)")] = "127.0.0.1",
    db: Annotated[Optional[str], typer.Option("--db", envvar="RELIEFGRAPH_URI", help="图数据库 graph store")] = None,
):
    """启动调查看板 start the investigators' dashboard (Streamlit)."""
    engine = connect()
    if accounts.count_admins(engine) == 0:
        console.print("[yellow]尚无管理员 no administrator yet[/yellow] — 先运行 first run: "
                      "reliefgraph user add NAME --role admin")
    raise typer.Exit(serve_dashboard(host, port, {"RELIEFGRAPH_URI": db} if db else {}))


def streamlit_command(host: str, port: int, env: dict[str, str] | None = None) -> list[str]:
    """Streamlit's command line for the dashboard; `env` is the environment
    the server will run in (this process's when None)."""
    from reliefgraph.dashboard.attachments import upload_cap_mb
    from reliefgraph.settings import Settings

    app_file = Path(__file__).with_name("app.py")
    return [sys.executable, "-m", "streamlit", "run", str(app_file),
            "--server.address", host, "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--client.toolbarMode", "minimal", "--server.enableXsrfProtection", "true",
            # Streamlit runs a full garbage collection after every script run,
            # holding the interpreter lock: measured at 43 % of the server's
            # CPU under 20 sessions. Python's own collector still runs.
            "--runner.postScriptGC", "false",
            # dashboard/static/: vis-network, loaded by every drawing and cached by the browser.
            "--server.enableStaticServing", "true",
            # Streamlit takes 200 MB by default; the server refuses what the
            # attachments would refuse anyway, before it is read into memory.
            "--server.maxUploadSize", str(upload_cap_mb(Settings.from_env(env)))]


def serve_dashboard(host: str, port: int, env: dict[str, str] | None = None, open_browser: bool = False) -> int:
    """Run the dashboard until Ctrl-C; returns Streamlit's exit code."""
    if host not in LOOPBACK:
        # Streamlit serves plain HTTP: beyond this machine it belongs behind a TLS proxy.
        err.print(f"[yellow]注意 note:[/yellow] 看板将在 {host} 上对外监听，请置于 HTTPS 反向代理之后 "
                  "the dashboard will listen beyond loopback; put it behind an HTTPS reverse proxy")
    url = f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}"
    console.print(f"看板地址 dashboard at {url} （Ctrl-C 停止 to stop）")
    env = {**os.environ, **(env or {})}
    proc = subprocess.Popen(streamlit_command(host, port, env), env=env)

    def stop(*_):
        # A service manager stops us with SIGTERM: Streamlit must not outlive us.
        proc.terminate()
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        if open_browser and _has_display() and wait_until_up(url, proc):
            webbrowser.open(url)
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def wait_until_up(url: str, proc: subprocess.Popen | None = None, timeout: float = 60.0) -> bool:
    """Wait for Streamlit's health endpoint to answer (False if it never does or the server exits)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as res:
                if res.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def _has_display() -> bool:
    # On a server without a screen a "browser" would be a text one in this terminal.
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
