"""The package as a county installs it: a wheel, in a fresh virtual
environment, run from a folder with no checkout in sight.

An editable install reads mappings, rules and templates from the source tree
and hides whatever the wheel forgets; this test builds the wheel from a copy
of the sources, installs it (dependencies from pip's cache or the index) and
runs generate → load → detect → report with the installed `reliefgraph`.
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Source folder → where the wheel puts it (pyproject's package-dir).
ROOMS = {"reliefgraph": "reliefgraph", "graph": "reliefgraph/graph", "loaders": "reliefgraph/loaders",
         "queries": "reliefgraph/queries", "dashboard": "reliefgraph/dashboard",
         "synthetic": "reliefgraph/synthetic", "cypher": "reliefgraph/cypher", "reports": "reliefgraph/reports"}
NOT_SHIPPED = {"__pycache__"}
TIMINGS: dict[str, float] = {}


def _sources(dest: Path) -> Path:
    """Only what a source distribution would hold: no build/, no .venv, no data."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    for room in ROOMS:
        shutil.copytree(ROOT / room, dest / room, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("wheel")
    src = _sources(base / "src")
    started = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(base / "dist"), str(src)],
         cwd=base, env=env)
    TIMINGS["build"] = time.perf_counter() - started
    (whl,) = (base / "dist").glob("reliefgraph-*.whl")
    return whl


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict[str, str]:
    """A fresh venv with the wheel, and the environment a user's shell would give it."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    started = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    _run([sys.executable, "-m", "venv", str(venv)], cwd=venv.parent, env=env)
    # --no-compile: byte-compiling pandas, matplotlib, streamlit... doubles the install time.
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
          "--no-compile", str(wheel)], cwd=venv.parent, env=env, timeout=900)
    TIMINGS["install"] = time.perf_counter() - started
    return {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"),
            "LANG": "C.UTF-8", "COLUMNS": "200", "VENV": str(venv)}


def test_every_data_file_of_the_sources_is_in_the_wheel(wheel):
    shipped = set(zipfile.ZipFile(wheel).namelist())
    missing = []
    for room, target in ROOMS.items():
        for path in (ROOT / room).rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc") or NOT_SHIPPED & set(path.parts):
                continue
            inside = f"{target}/{path.relative_to(ROOT / room).as_posix()}"
            if inside not in shipped:
                missing.append(inside)
    assert missing == [], "files the code reads at run time are not in the wheel; add them to package-data"
    assert "reliefgraph/migrations/versions/0001_initial.py" in shipped


def test_the_installed_wheel_runs_the_pipeline_outside_the_checkout(installed, tmp_path):
    def step(name: str, *args: str) -> str:
        began = time.perf_counter()
        out = _run([rg, *args], tmp_path, env).stdout
        TIMINGS[name] = time.perf_counter() - began
        return out

    env = {**installed, "RELIEFGRAPH_URI": str(tmp_path / "graph"),
           "RELIEFGRAPH_APP_DB": f"sqlite:///{tmp_path / 'app.db'}"}
    rg = str(Path(installed["VENV"]) / "bin" / "reliefgraph")
    where = _run([str(Path(installed["VENV"]) / "bin" / "python"), "-c",
                  "import reliefgraph, sys; print(reliefgraph.__file__); print(sys.path)"], tmp_path, env).stdout
    assert where.startswith(installed["VENV"]) and str(ROOT) not in where, "runs from the venv, not the checkout"

    started = time.perf_counter()
    try:
        step("generate", "generate", "--persons", "2000", "--out", "extracts")
        extracts = [p for p in (tmp_path / "extracts").iterdir() if p.is_file() and p.suffix in (".csv", ".xlsx")]
        assert extracts, "the generator wrote agency extracts"

        loaded = step("load", "load", "extracts", "--rejects", "rejects")
        assert "无映射" not in loaded and "no mapping" not in loaded, loaded
        rows = int(re.search(r"共导入 ([\d,]+) 行", loaded).group(1).replace(",", ""))
        assert rows > 10_000, loaded
        assert all(p.name in loaded for p in extracts), "every extract is matched to a mapping and loaded"

        detected = step("detect", "detect", "--out", "clues.csv")
        with open(tmp_path / "clues.csv", encoding="utf-8-sig") as fh:
            clues = list(csv.DictReader(fh))
        assert len(clues) >= 1, detected

        step("summary report", "report", "--summary", "--format", "pdf", "--out", "summary.pdf", "--user", "tester")
        step("clue report", "report", "--clue", clues[0]["clue_id"], "--format", "pdf", "--out", "clue.pdf",
             "--user", "tester")
        for pdf in ("summary.pdf", "clue.pdf"):
            assert (tmp_path / pdf).read_bytes()[:5] == b"%PDF-"
        assert "already at the newest version" in _run([rg, "db", "migrate"], tmp_path, env).stdout
    finally:
        subprocess.run([rg, "db", "stop"], cwd=tmp_path, env=env, capture_output=True, timeout=120)
    TIMINGS["pipeline"] = time.perf_counter() - started
    print("\n" + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in TIMINGS.items()))
