"""Generated counties shared by the whole test run.

Several rooms read the same generated county (the 20 000-person seed-7 one
is read by tests/queries and tests/synthetic; the 5 000-person seed-2 one by
tests/loaders and tests/hardening). Each set of generator arguments is
generated once per run, by whichever worker asks first, into the run's temp
folder; a worker asking meanwhile waits on the lock and reads the same folder.
The folder is shared: a test that changes extracts copies them first.
"""
from __future__ import annotations

import fcntl
import shutil
import tempfile
from pathlib import Path

from reliefgraph.synthetic.generator import generate

# Set for each session by tests/conftest.py: the run's temp folder, the one
# every xdist worker's own temp folder lies in.
ROOT: Path | None = None


def extracts(*, persons: int, seed: int, scenario: str = "standard", month: int = 1, layout: str = "a") -> Path:
    """The generator's extracts for these arguments (read-only: copy before changing them)."""
    global ROOT
    if ROOT is None:                    # used outside a pytest session
        ROOT = Path(tempfile.mkdtemp(prefix="rg-generated-"))
    root = ROOT / "generated"
    root.mkdir(exist_ok=True)
    key = f"p{persons}-s{seed}-{scenario}-m{month}-{layout}"
    out, done = root / key, root / f"{key}.done"
    with open(root / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(out, ignore_errors=True)
            generate(persons=persons, seed=seed, out=out, scenario=scenario, month=month, layout=layout)
            with open(root / "generated.log", "a", encoding="utf-8") as log:
                log.write(key + "\n")
            done.touch()
    return out
