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
           "RELIEFGRAPH_URI": str(tmp_path / "graph"), "RELIEFGRAPH_ATTACHMENT_MAX_MB": "5"}
    command = str(Path(sys.executable).with_name("reliefgraph"))
    parent = subprocess.Popen([command, "dashboard", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until_up(f"http://127.0.0.1:{port}", parent, timeout=90)
        children = psutil.Process(parent.pid).children(recursive=True)
        assert children, "the dashboard runs Streamlit in a child process"
        line = children[0].cmdline()
        # Streamlit's own upload cap is the attachments' limit, not its 200 MB.
        assert line[line.index("--server.maxUploadSize") + 1] == "5"
        parent.send_signal(signal.SIGTERM)
        parent.wait(timeout=30)
        gone, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, f"left running: {[p.pid for p in alive]}"
    finally:
        for p in psutil.Process().children(recursive=True):
            p.kill()


def test_streamlit_takes_uploads_up_to_the_attachment_limit_and_no_further():
    from reliefgraph.dashboard import attachments
    from reliefgraph.dashboard.command import streamlit_command

    def cap(env: dict[str, str]) -> str:
        line = streamlit_command("127.0.0.1", 8501, env)
        return line[line.index("--server.maxUploadSize") + 1]

    assert cap({}) == "20"
    assert cap({"RELIEFGRAPH_ATTACHMENT_MAX_MB": "8"}) == "8"
    assert cap({"RELIEFGRAPH_ATTACHMENT_MAX_MB": "0.5"}) == "1"      # Streamlit takes whole MB
    # Streamlit's MB is 2**20 bytes; so is the limit the attachments enforce.
    limit = attachments.max_attachment_bytes()
    assert limit == 20 * 2**20 == attachments.upload_cap_mb() * 2**20
    pdf = b"%PDF-1.4\n"
    attachments.check("full.pdf", pdf + b" " * (limit - len(pdf)))
    import pytest

    with pytest.raises(attachments.AttachmentError, match="超过上限 20 MB"):
        attachments.check("over.pdf", pdf + b" " * (limit - len(pdf) + 1))
