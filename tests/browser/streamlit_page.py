"""Driving a Streamlit page from Playwright: wait for a rerun to finish, pick
from a select box, fail on any exception box."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# Installed in every page before Streamlit's own script (`add_init_script`):
# numbers, in the order they happen, the rerun requests the page sends and the
# run starts (`new_session`) and final `script_finished` messages it receives,
# reading the top-level fields of the protobuf frames (BackMsg.rerun_script =
# 11; ForwardMsg.new_session = 4, script_finished = 6, status 2 =
# FINISHED_EARLY_FOR_RERUN, which an `st.rerun()` chain goes on from).
WATCH_RUNS = """
(() => {
  if (window.__runs) return;
  const runs = window.__runs = {seq: 0, sent: 0, started: 0, finished: 0, settled: 0};
  const fields = (data) => {
    const b = data instanceof ArrayBuffer ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const out = [];
    let i = 0;
    const varint = () => {
      let v = 0, scale = 1, x;
      do { x = b[i++]; v += (x & 0x7f) * scale; scale *= 128; } while (x & 0x80 && i < b.length);
      return v;
    };
    while (i < b.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag % 8;
      if (wire === 0) { out.push([field, varint()]); continue; }
      out.push([field, null]);
      if (wire === 2) { const n = varint(); i += n; } else if (wire === 1) i += 8; else if (wire === 5) i += 4;
      else break;
    }
    return out;
  };
  const Native = window.WebSocket;
  const send = Native.prototype.send;
  Native.prototype.send = function (data) {
    if (typeof data !== 'string' && fields(data).some(([f]) => f === 11)) runs.sent = ++runs.seq;
    return send.call(this, data);
  };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (!(event.data instanceof ArrayBuffer)) return;
        for (const [field, value] of fields(event.data)) {
          if (field === 4) runs.started = ++runs.seq;
          if (field === 6 && value !== 2) runs.finished = ++runs.seq;
        }
      });
    }
  };
})();
"""

# How long an interaction may take to ask for a rerun; one that asks for none
# (a download, opening a select box) costs this wait and no more.
RERUN_ASKED_WITHIN_MS = 250


def settle(page: Page, timeout: float = 60_000) -> None:
    """Wait until the script rerun that the last interaction started has finished.

    Finished means: a run started after the page's last rerun request and its
    final `script_finished` arrived (an `st.rerun()` chain is followed to its
    end), the app shows it is not running, and the browser has painted since."""
    try:
        page.wait_for_function("() => window.__runs.sent > window.__runs.settled",
                               timeout=RERUN_ASKED_WITHIN_MS, polling="raf")
    except PlaywrightTimeout:
        pass                            # the interaction asked for no rerun
    page.wait_for_function(
        """() => {
            const r = window.__runs;
            const app = document.querySelector('[data-testid="stApp"]');
            return r.finished > r.started && r.started > r.sent
                && app !== null && app.dataset.testScriptState === 'notRunning';
        }""", timeout=timeout, polling="raf")
    page.evaluate("""() => new Promise(done => {
        window.__runs.settled = window.__runs.seq;
        requestAnimationFrame(() => requestAnimationFrame(done));
    })""")


def no_exception(page: Page) -> None:
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()


def open_select(page: Page, label: str) -> None:
    page.get_by_label(label, exact=True).click()


def choose(page: Page, label: str, option: str) -> None:
    """Pick the option containing `option` in the select box labelled `label`."""
    open_select(page, label)
    page.keyboard.type(option)
    page.get_by_role("option").filter(has_text=option).first.click()
    settle(page)


def go_to(page: Page, name: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True).click()
    settle(page)
    expect(page.get_by_role("heading", name=re.compile(name))).to_be_visible()
