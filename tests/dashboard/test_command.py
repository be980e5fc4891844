"""`reliefgraph dashboard` as a service manager runs it: stopped with SIGTERM,
it takes its Streamlit server down with it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import psutil

from reliefgraph.dashboard.command import wait_until_up


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sigterm_stops_the_streamlit_server_too(tmp_path):
    port = _free_port()
    env = {**os.environ, "RELIEFGRAPH_APP_DB": f"sqlite:///{tmp_path / 'app.db'}",
           "RELIEFGRAPH_URI": str(tmp_path / "graph")}
    command = str(Path(sys.executable).with_name("reliefgraph"))
    parent = subprocess.Popen([command, "dashboard", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until_up(f"http://127.0.0.1:{port}", parent, timeout=90)
        children = psutil.Process(parent.pid).children(recursive=True)
        assert children, "the dashboard runs Streamlit in a child process"
        parent.send_signal(signal.SIGTERM)
        parent.wait(timeout=30)
        gone, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, f"left running: {[p.pid for p in alive]}"
    finally:
        for p in psutil.Process().children(recursive=True):
            p.kill()
