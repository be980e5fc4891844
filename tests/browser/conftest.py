"""The dashboard served for real (`streamlit run` on a loopback port) over a
demo county, and Debian's Chromium driven by Playwright.

Nothing is downloaded at run time: Playwright comes from PyPI and launches
the system Chromium (`.ci/run` installs it with apt-get when missing).
Screenshots of each step are kept under the pytest temp folder and copied to
tests/artifacts/browser/ (git-ignored); the path is printed.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from streamlit_page import WATCH_RUNS

from reliefgraph.dashboard.command import streamlit_command, wait_until_up
from reliefgraph.dashboard.demo import Demo, prepare
from reliefgraph.graph.embedded import EmbeddedServer

CHROMIUM = os.environ.get("RELIEFGRAPH_CHROMIUM", "/usr/bin/chromium")
# The flags that keep Chromium quiet on a machine without outside network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PERSONS = 5_000          # small, yet every planted pattern is there
REPO_ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# One county and one served dashboard for every browser module (the walks
# use different clues); each module has its own browser context.
@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Demo:
    folder = tmp_path_factory.mktemp("demo")
    try:
        yield prepare(folder, persons=PERSONS, seed=3)
    finally:
        EmbeddedServer(folder / "graph").stop()


@pytest.fixture(scope="session")
def dashboard_url(demo, tmp_path_factory):
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path_factory.mktemp("streamlit") / "streamlit.log").open("w")
    env = {**os.environ, **demo.env()}
    proc = subprocess.Popen(streamlit_command("127.0.0.1", port, env), env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        assert wait_until_up(url, proc, timeout=90), f"the dashboard did not start; see {log.name}"
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do: on two shared cores a drawing's
    # frame can take longer than Playwright's 5 s default to appear.
    expect.set_options(timeout=30_000)

    profile = tmp_path_factory.mktemp("chromium-profile")      # a fresh user-data dir each run
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1400, "height": 1800}, locale="zh-CN")
        context.set_default_timeout(30_000)
        context.add_init_script(WATCH_RUNS)      # what settle() waits on
        yield context
        context.close()


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser-artifacts")
    shutil.rmtree(REPO_ARTIFACTS, ignore_errors=True)
    REPO_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield folder
    for png in folder.glob("*.png"):
        shutil.copy(png, REPO_ARTIFACTS / png.name)
    print(f"\nbrowser screenshots: {folder} (copied to {REPO_ARTIFACTS})")
