"""`reliefgraph demo`: a synthetic county, loaded and detected, with demo
accounts, opened in the dashboard — the first thing a newcomer runs.

Everything lives in its own folder (default `./data/demo`) whatever
RELIEFGRAPH_URI and RELIEFGRAPH_APP_DB say, so a demo never writes a
synthetic county into a real graph or a real application database.
"""
from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from reliefgraph.appdb import connect
from reliefgraph.dashboard import accounts, audit, units
from reliefgraph.queries import clues as clue_store

console = Console()

# Three units, so the closed loop can be tried at once: the discipline
# commission dispatches and reviews, the civil-affairs bureau and a town verify.
DEMO_UNITS = (("demo_jw", "演示县纪委监委", "discipline"), ("demo_mz", "演示县民政局", "civil_affairs"),
              ("demo_town", "演示镇人民政府", "town"))
# One account per role (user name, role, display name, unit).
DEMO_USERS = (("demo_admin", "admin", "演示管理员", None),
              ("demo_dispatcher", "dispatcher", "演示派单员（纪委监委）", "demo_jw"),
              ("demo_reviewer", "reviewer", "演示审核员（纪委监委）", "demo_jw"),
              ("demo_analyst", "analyst", "演示分析员（纪委监委）", "demo_jw"),
              ("demo_mz_verifier", "verifier", "演示核查员（民政局）", "demo_mz"),
              ("demo_verifier", "verifier", "演示核查员（镇政府）", "demo_town"))


@dataclass(frozen=True)
class Demo:
    folder: Path
    graph_uri: str
    app_db: str
    as_of: str
    clues: int
    passwords: dict[str, str]       # user name → password, printed once for the demo

    def env(self) -> dict[str, str]:
        # Attachments of the demo's orders stay in its folder too.
        return {"RELIEFGRAPH_URI": self.graph_uri, "RELIEFGRAPH_APP_DB": self.app_db,
                "RELIEFGRAPH_APP_FILES": str(self.folder / "files")}


def demo_env(folder: Path) -> dict[str, str]:
    folder = folder.resolve()
    return {"RELIEFGRAPH_URI": str(folder / "graph"), "RELIEFGRAPH_APP_DB": f"sqlite:///{folder / 'app.db'}",
            "RELIEFGRAPH_APP_FILES": str(folder / "files")}


def prepare(folder: Path, persons: int = 20_000, seed: int = 1) -> Demo:
    """Generate, load and detect a county in `folder`; (re)create the demo accounts.

    Re-running is cheap: the generator writes the same bytes for the same
    seed, so the loader finds every file already loaded."""
    folder.mkdir(parents=True, exist_ok=True)
    env = demo_env(folder)
    with _environment(env):         # load and detect read their stores from the environment
        return _prepare(folder, env, persons, seed)


@contextmanager
def _environment(env: dict[str, str]):
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _prepare(folder: Path, env: dict[str, str], persons: int, seed: int) -> Demo:
    from reliefgraph.queries.command import detect_command, evaluate_command
    from reliefgraph.synthetic.generator import generate

    console.rule("1/4 生成合成县 generating a synthetic county")
    made = generate(persons=persons, seed=seed, out=folder / "extracts", month=1)
    console.print(f"人口 persons {made.persons:,}，截至 as of {made.as_of}")
    console.rule("2/4 导入 loading the agencies' extracts")
    _load(folder, made.as_of, env["RELIEFGRAPH_URI"])
    console.rule("3/4 检测 detecting clues")
    detect_command(rule=[], family=[], as_of=made.as_of, out=folder / "clues.csv", db=env["RELIEFGRAPH_URI"])
    # The county knows its planted cases: show how many the rules found.
    evaluate_command(truth=folder / "extracts" / "_truth" / "truth.csv", clues=folder / "clues.csv")
    console.rule("4/4 演示账户 demo accounts")
    engine = connect(env["RELIEFGRAPH_APP_DB"])
    passwords = demo_accounts(engine)
    return Demo(folder.resolve(), env["RELIEFGRAPH_URI"], env["RELIEFGRAPH_APP_DB"], str(made.as_of),
                len(clue_store.list_clues(engine)), passwords)


def _load(folder: Path, as_of: str, uri: str, tries: int = 3) -> None:
    from reliefgraph.loaders.command import load_command

    for attempt in range(1, tries + 1):
        try:
            load_command(folder / "extracts", rejects=folder / "rejects", as_of=as_of, db=uri)
            return
        except typer.Exit as exc:
            if not exc.exit_code or attempt == tries:
                raise
            # Loads are idempotent and a re-run finishes what a failed step
            # left (the loader's own advice), so try again before giving up.
            console.print("[yellow]导入未全部完成，重新运行 the load did not finish; running it again[/yellow]")


def demo_units(engine) -> None:
    """The three demo units (kept if they exist); the town is the one with the most clues."""
    existing = {u["unit_id"] for u in units.list_units(engine)}
    regions = [c["region_code"] for c in clue_store.list_clues(engine) if c.get("region_code")]
    towns = [r[:9] for r in regions if len(r) >= 9]
    town = max(set(towns), key=towns.count) if towns else None
    for unit_id, name, kind in DEMO_UNITS:
        if unit_id not in existing:
            units.add_unit(engine, unit_id, name, kind, region_code=town if kind == "town" else None)
            audit.record(engine, "cli:demo", "unit_add", [f"Unit:{unit_id}"], {"kind": kind})


def demo_accounts(engine) -> dict[str, str]:
    """One account per role with a fresh random password (an existing demo account gets a new one)."""
    demo_units(engine)
    existing = {u["username"] for u in accounts.list_users(engine)}
    out = {}
    for username, role, name, unit_id in DEMO_USERS:
        password = "demo-" + secrets.token_urlsafe(9)
        if username in existing:
            accounts.set_password(engine, username, password)
            accounts.set_unit(engine, username, unit_id)
        else:
            accounts.add_user(engine, username, password, role, name, unit_id=unit_id)
        audit.record(engine, "cli:demo", "user_password" if username in existing else "user_add", [username],
                     {"role": role, "unit": unit_id})
        out[username] = password
    return out


def print_sign_in(demo: Demo, url: str) -> None:
    table = Table(title="演示账户（仅供演示）demo accounts — for this demo only", header_style="bold")
    for col in ("用户名 user", "角色 role", "单位 unit", "密码 password"):
        table.add_column(col)
    unit_names = {u: name for u, name, _ in DEMO_UNITS}
    for username, role, _, unit_id in DEMO_USERS:
        table.add_row(username, f"{accounts.ROLES[role][0]} {role}", unit_names.get(unit_id, "—"),
                      demo.passwords[username])
    console.print(table)
    console.print(f"线索 clues: {demo.clues}；数据目录 data in {demo.folder}")
    console.print(f"[bold]在浏览器中打开 open in a browser: {url}[/bold]")


def demo_command(
    folder: Annotated[Path, typer.Option("--dir", help="演示数据目录 folder for the demo's data")] = Path("./data/demo"),
    persons: Annotated[int, typer.Option(help="人口数 persons in the county")] = 20_000,
    seed: Annotated[int, typer.Option(help="随机种子 seed")] = 1,
    port: Annotated[int, typer.Option(help="看板端口 dashboard port")] = 8501,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="准备好后启动看板 start the dashboard")] = True,
):
    """演示：生成合成县、导入、检测，并打开看板 generate a county, load it, detect clues and open the dashboard."""
    from reliefgraph.dashboard.command import serve_dashboard

    demo = prepare(folder, persons, seed)
    url = f"http://127.0.0.1:{port}"
    print_sign_in(demo, url)
    if serve:
        raise typer.Exit(serve_dashboard("127.0.0.1", port, demo.env(), open_browser=True))
