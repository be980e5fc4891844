"""Benchmark of the dashboard over a loaded county (300 k persons for the
closing figures): the explorer's two-hop query, pyvis drawing, each page's
first render in a browser, and N concurrent sessions.

Sessions are real browsers: Debian's Chromium driven by Playwright, one
browser context per session, over the app's own HTTP and websocket — the
path a user takes, signed in, with every page's audit writes. The browser
runs on the same machine and takes CPU from the server; the figures say what
a user on this machine would wait, not the server alone.

The graph is only read. The application database is copied first (bench
accounts and audit entries go to the copy), so a shared county stays as it is.

    python bench/dashboard_bench.py [--db DIR] [--app-db FILE] [--sessions 20] [--duration 60]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import secrets
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import psutil

from reliefgraph.appdb import connect
from reliefgraph.dashboard import accounts, explore, graphview
from reliefgraph.dashboard.command import streamlit_command, wait_until_up
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.graph.store import open_store
from reliefgraph.queries import clues as clue_store

CHROMIUM = os.environ.get("RELIEFGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EGO_TARGET_MS = 100.0
PAGE_TARGET_S = 2.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def line(name: str, values: list[float], unit: str = "ms", scale: float = 1000.0) -> str:
    return (f"{name}: n={len(values)} p50 {pct(values, 0.5) * scale:.1f} {unit}, p95 {pct(values, 0.95) * scale:.1f} "
            f"{unit}, max {max(values) * scale:.1f} {unit}")


# -- the explorer's query and pyvis, in process ----------------------------
def ego_bench(db: str, subjects: list[str], samples: int) -> None:
    store = open_store(db)          # never closed here: closing snapshots, and the county may be shared
    ids = [r[0] for r in store.read("MATCH (p:Person) RETURN p.citizen_id LIMIT 50000").rows]
    rng = random.Random(1)
    groups = {"random persons": rng.sample(ids, min(samples, len(ids))),
              "clue subjects": subjects[:samples]}
    viewer = Viewer("bench", "analyst")          # masking included: what a page pays
    for name, group in groups.items():
        times, sizes = [], []
        for pid in group:
            started = time.perf_counter()
            _, found = explore.neighbourhood(store, "Person", pid, viewer, hops=2)
            times.append(time.perf_counter() - started)
            sizes.append(found)
        verdict = "meets" if pct(times, 0.95) * 1000 <= EGO_TARGET_MS else "MISSES"
        print(f"  {line('ego network, 2 hops, ' + name, times)} — {verdict} the p95 ≤ {EGO_TARGET_MS:.0f} ms target;"
              f" nodes found median {statistics.median(sizes):.0f}, max {max(sizes)}")


def pyvis_bench(repeat: int = 5) -> None:
    rng = random.Random(2)
    for n in (200, 1000):
        sub = graphview.Subgraph()
        for i in range(n):
            sub.add_node(graphview.DrawNode(f"Person:{i}", "Person", str(i), f"人员{i}", {"name": f"人员{i}"}))
        for i in range(1, n):
            sub.add_edge(graphview.DrawEdge(f"Person:{i}", f"Person:{rng.randrange(i)}", "KIN"))
            if i % 2:
                sub.add_edge(graphview.DrawEdge(f"Person:{i}", f"Person:{rng.randrange(n)}", "KIN"))
        times, size = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            size = len(graphview.to_html(sub))
            times.append(time.perf_counter() - started)
        print(f"  pyvis page for {n:,} nodes / {len(sub.edges):,} edges: median {statistics.median(times) * 1000:.0f} ms"
              f" (n={repeat}), {size / 1024:.0f} KiB")


# -- the served app ---------------------------------------------------------
def copy_app_db(source: Path, work: Path) -> str:
    target = work / "app.db"
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)            # consistent even while another process writes the source
    return f"sqlite:///{target}"


def bench_accounts(app_db: str, sessions: int) -> tuple[str, list[str]]:
    engine = connect(app_db)
    password = "bench-" + secrets.token_urlsafe(12)
    names = ["bench_admin"] + [f"bench_s{i}" for i in range(1, sessions + 1)]
    existing = {u["username"] for u in accounts.list_users(engine)}
    for name in names:
        if name not in existing:
            accounts.add_user(engine, name, password, "admin" if name == "bench_admin" else "analyst")
        else:
            accounts.set_password(engine, name, password)
    return password, names


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20


async def settle(page, timeout: float = 120_000) -> None:
    await page.wait_for_timeout(150)
    await page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=timeout)


async def sign_in(page, url: str, username: str, password: str) -> None:
    await page.goto(url)
    await settle(page)
    await page.get_by_label("用户名 User name").fill(username)
    await page.get_by_label("密码 Password").fill(password)
    await page.get_by_role("button", name="登录 Sign in").click()
    await settle(page)
    await page.get_by_role("button", name="退出 sign out").wait_for()


async def timed(page, action) -> float:
    started = time.perf_counter()
    await action()
    await settle(page)
    elapsed = time.perf_counter() - started
    if await page.locator('[data-testid="stException"]').count():
        raise RuntimeError("exception box: " + (await page.locator('[data-testid="stException"]').first.inner_text())[:200])
    return elapsed


async def first_renders(browser, url: str, password: str, rounds: int = 3) -> None:
    per_page: dict[str, list[float]] = {"登录 sign-in": []}
    for _ in range(rounds):
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        started = time.perf_counter()
        await sign_in(page, url, "bench_admin", password)
        per_page["登录 sign-in"].append(time.perf_counter() - started)
        # The pages an administrator sees, as the sidebar lists them (the
        # app module runs itself when imported, so it is not asked).
        names = [n.strip() for n in await page.locator('[data-testid="stSidebar"] [data-testid="stRadioOption"]')
                 .all_inner_texts()]
        for name in names[1:] + names[:1]:          # the first is already shown: visit it last
            per_page.setdefault(name, [])
            per_page[name].append(await timed(
                page, lambda: page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True).click()))
        await context.close()
    for name, times in per_page.items():
        print(f"  first render {name}: median {statistics.median(times):.2f} s (n={len(times)}, "
              f"each a fresh session, signed in as admin)")


async def one_session(browser, url, username, password, subjects, towns, deadline, times, errors, seed,
                      delay: float) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    page = await context.new_page()
    try:
        await sign_in(page, url, username, password)
    except Exception as exc:  # a session that cannot sign in is an error, not a crash of the bench
        errors.append(f"{username} sign-in: {exc}")
        await context.close()
        return
    sidebar = page.locator('[data-testid="stSidebar"]')
    while time.monotonic() < deadline:
        try:
            if rng.random() < 0.5:
                times["page: Explore"].append(await timed(page, lambda: sidebar.get_by_text("图谱 Explore").click()))
                await page.get_by_label("姓名、身份证号", exact=False).fill(rng.choice(subjects))
                times["search"].append(await timed(page, lambda: page.get_by_role("button", name="检索 search").click()))
                times["draw 2 hops"].append(await timed(page, lambda: page.get_by_role("button", name="绘制 draw").click()))
            else:
                times["page: Saved queries"].append(
                    await timed(page, lambda: sidebar.get_by_text("查询 Saved queries").click()))
                await page.get_by_label("乡镇区划代码 Town code *", exact=True).fill(rng.choice(towns))
                times["saved query"].append(
                    await timed(page, lambda: page.get_by_role("button", name="运行 run").first.click()))
        except Exception as exc:
            errors.append(f"{username}: {type(exc).__name__}: {str(exc)[:160]}")
            try:
                await page.goto(url)
                await settle(page)
            except Exception:
                break
    await context.close()


async def sessions_bench(url: str, names: list[str], password: str, subjects: list[str], towns: list[str],
                         duration: float, ramp: float, server_pid: int, engine_pid: int | None) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        await first_renders(browser, url, password)
        times: dict[str, list[float]] = {k: [] for k in ("page: Explore", "search", "draw 2 hops",
                                                         "page: Saved queries", "saved query")}
        errors: list[str] = []
        rss = [(0.0, rss_mib(server_pid), rss_mib(engine_pid) if engine_pid else 0.0)]
        started = time.monotonic()
        deadline = started + duration
        # Sessions arrive over `ramp` seconds, as people do, not in one instant.
        tasks = [asyncio.create_task(one_session(browser, url, name, password, subjects, towns, deadline, times,
                                                 errors, seed, ramp * seed / len(names)))
                 for seed, name in enumerate(names[1:])]
        while not all(t.done() for t in tasks):
            await asyncio.sleep(5)
            rss.append((time.monotonic() - started, rss_mib(server_pid), rss_mib(engine_pid) if engine_pid else 0.0))
        await browser.close()
    every = [t for ts in times.values() for t in ts]
    print(f"\n{len(names) - 1} concurrent sessions for {duration:.0f} s (arriving over {ramp:.0f} s): "
          f"{len(every)} page actions, "
          f"{len(errors)} errors")
    for name, ts in times.items():
        if ts:
            print(f"  {line(name, ts, 's', 1.0)}")
    if every:
        verdict = "meets" if pct(every, 0.95) <= PAGE_TARGET_S else "MISSES"
        print(f"  all actions: p50 {pct(every, 0.5):.2f} s, p95 {pct(every, 0.95):.2f} s — {verdict} the "
              f"p95 ≤ {PAGE_TARGET_S:.0f} s target")
    for e in errors[:10]:
        print(f"  error: {e}")
    print(f"  dashboard server RSS: start {rss[0][1]:.0f} MiB, end {rss[-1][1]:.0f} MiB, max "
          f"{max(r[1] for r in rss):.0f} MiB; graph engine RSS: start {rss[0][2]:.0f} MiB, end {rss[-1][2]:.0f} MiB")
    third = max(1, len(rss) // 3)
    print("  server RSS by minute: " + ", ".join(f"{t / 60:.1f} min {m:.0f}" for t, m, _ in rss[::12]))
    print(f"  server RSS median, first third {statistics.median(r[1] for r in rss[:third]):.0f} MiB vs last third "
          f"{statistics.median(r[1] for r in rss[-third:]):.0f} MiB")


def engine_pid_of(db: str) -> int | None:
    pid_file = Path(db) / "server.pid"
    try:
        return int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="./data/demo/graph", help="a loaded, detected data directory")
    ap.add_argument("--app-db", type=Path, default=Path("./data/demo/app.db"), help="its SQLite application database")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of concurrent sessions")
    ap.add_argument("--ramp", type=float, default=20.0, help="seconds over which the sessions arrive")
    ap.add_argument("--samples", type=int, default=200, help="persons per ego-network sample")
    ap.add_argument("--no-browser", action="store_true", help="only the in-process figures")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="rg-dash-bench-") as tmp:
        work = Path(tmp)
        app_db = copy_app_db(args.app_db.resolve(), work)
        engine = connect(app_db)
        clue_rows = clue_store.list_clues(engine)
        subjects = [c["subject_id"] for c in clue_rows]
        towns = sorted({(c["region_code"] or "")[:9] for c in clue_rows if c["region_code"]})
        print(f"county: {args.db} ({len(clue_rows):,} active clues)")
        print("\nin process:")
        ego_bench(args.db, subjects, args.samples)
        pyvis_bench()
        if args.no_browser:
            return
        password, names = bench_accounts(app_db, args.sessions)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "RELIEFGRAPH_URI": str(args.db), "RELIEFGRAPH_APP_DB": app_db}
        with (work / "streamlit.log").open("w") as log:
            server = subprocess.Popen(streamlit_command("127.0.0.1", port), env=env, stdout=log,
                                      stderr=subprocess.STDOUT)
            try:
                if not wait_until_up(url, server, timeout=120):
                    raise SystemExit(f"the dashboard did not start: {(work / 'streamlit.log').read_text()[-2000:]}")
                print(f"\nin a browser ({url}, Chromium {CHROMIUM}):")
                asyncio.run(sessions_bench(url, names, password, subjects, towns, args.duration, args.ramp,
                                           server.pid, engine_pid_of(args.db)))
            finally:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
