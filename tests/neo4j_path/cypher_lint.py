"""Test helper: Neo4j's own parser, offline, with Neo4j 5 + GDS's function and
procedure registry (tests/cypherlint/lint.mjs)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

LINTER = Path(__file__).parents[1] / "cypherlint"


def neo4j_diagnostics(items: list[dict]) -> dict[str, list[dict]]:
    """{id: diagnostics} for [{id, query, parameters}]; severity 1 is an error."""
    if not shutil.which("node"):
        pytest.fail("Node.js is required for the Cypher check (./run test installs the rest)")
    if not (LINTER / "node_modules" / "@neo4j-cypher").exists():
        pytest.fail("run `npm ci --prefix tests/cypherlint` (./run test does it) to install Neo4j's Cypher parser")
    out = subprocess.run(["node", str(LINTER / "lint.mjs")], input=json.dumps(items),
                         capture_output=True, text=True, timeout=1200)  # ~0.3 s of CPU a query
    if out.returncode:
        pytest.fail(f"the Cypher linter failed: {out.stderr}")
    return {r["id"]: r["diagnostics"] for r in json.loads(out.stdout)}


def errors(diagnostics: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {k: bad for k, ds in diagnostics.items() if (bad := [d for d in ds if d["severity"] == 1])}
