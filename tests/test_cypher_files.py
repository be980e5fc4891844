"""Every .cypher file: a valid header, valid Neo4j 5 syntax (Neo4j's own
parser, offline), and it runs on the embedded engine."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from reliefgraph.cypher import CYPHER_DIR
from reliefgraph.queries.cypher_files import CypherFileError, cypher_files, parse_cypher_file

LINTER = Path(__file__).parent / "cypherlint"
FILES = cypher_files()


def test_there_are_files_to_check():
    kinds = {f.path.relative_to(CYPHER_DIR).parts[0] for f in FILES}
    assert kinds == {"queries", "rules", "derive", "summary"}
    assert len({f.id for f in FILES}) == len(FILES), "ids must be unique"


def neo4j_diagnostics(items: list[dict]) -> dict[str, list[dict]]:
    if not shutil.which("node"):
        pytest.fail("Node.js is required for the Cypher syntax check (./run test installs the rest)")
    if not (LINTER / "node_modules" / "@neo4j-cypher").exists():
        pytest.fail(f"run `npm ci --prefix {LINTER.relative_to(Path.cwd()) if LINTER.is_relative_to(Path.cwd()) else LINTER}` "
                    "(./run test does it) to install Neo4j's Cypher parser")
    out = subprocess.run(["node", str(LINTER / "lint.mjs")], input=json.dumps(items),
                         capture_output=True, text=True, timeout=300, check=True)
    return {r["id"]: r["diagnostics"] for r in json.loads(out.stdout)}


def test_linter_catches_a_syntax_error():
    diags = neo4j_diagnostics([{"id": "bad", "query": "MATCH (n RETURN n", "parameters": {}},
                               {"id": "undeclared", "query": "RETURN $x", "parameters": {}}])
    assert diags["bad"] and diags["bad"][0]["severity"] == 1
    assert "RETURN" in diags["bad"][0]["message"]
    assert any("$x" in d["message"] for d in diags["undeclared"])


def test_every_file_is_valid_neo4j5_cypher():
    items = [{"id": str(f.path.relative_to(CYPHER_DIR)), "query": f.query, "parameters": f.examples()}
             for f in FILES]
    # A parameter's choices query runs on the same engines.
    items += [{"id": f"{f.path.relative_to(CYPHER_DIR)}:{p.name}", "query": p.choices.query, "parameters": {}}
              for f in FILES for p in f.params.values() if p.choices]
    diags = neo4j_diagnostics(items)
    errors = {fid: [d for d in ds if d["severity"] == 1] for fid, ds in diags.items()}
    assert not {k: v for k, v in errors.items() if v}, errors


@pytest.mark.parametrize("cfile", FILES, ids=lambda f: f.id)
def test_every_file_runs_on_the_embedded_engine(falkor, cfile):
    params = cfile.bind(cfile.examples())
    if cfile.path.parent.name == "derive":
        falkor.write(cfile.query, params)   # derivations write (idempotent MERGEs)
    else:
        falkor.read(cfile.query, params)    # rules and saved queries are read-only by construction


@pytest.mark.parametrize("cfile", [f for f in FILES if any(p.choices for p in f.params.values())],
                         ids=lambda f: f.id)
def test_every_choices_query_runs_on_the_embedded_engine(falkor, cfile):
    for p in cfile.params.values():
        if p.choices:
            falkor.read(p.choices.query, {})


def test_header_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.cypher"
    bad.write_text("MATCH (n) RETURN n", encoding="utf-8")
    with pytest.raises(CypherFileError, match="bad.cypher"):
        parse_cypher_file(bad)
    bad.write_text("/*\nid: x\ntitle: {zh: 甲}\n*/\nRETURN 1", encoding="utf-8")
    with pytest.raises(CypherFileError, match="title"):
        parse_cypher_file(bad)
    bad.write_text("/*\nid: x\ntitle: {zh: 甲, en: A}\n*/\nRETURN $undeclared", encoding="utf-8")
    with pytest.raises(CypherFileError, match="undeclared"):
        parse_cypher_file(bad)


def test_binding_applies_defaults_and_requires_required():
    q = parse_cypher_file(CYPHER_DIR / "queries" / "grant_households_with_car.cypher")
    with pytest.raises(CypherFileError, match="town_code"):
        q.bind({})
    assert q.bind({"town_code": "T1"}) == {"town_code": "T1", "programme": "dibao",
                                           "vehicle_types": ["car", "truck"]}
    with pytest.raises(CypherFileError, match="unknown"):
        q.bind({"town_code": "T1", "evil": "x"})


def test_car_query_counts_only_cars_registered_during_the_grant(empty_falkor):
    s = empty_falkor
    s.write("""
        CREATE (t:Region {code: 'T1', level: 'town'}), (v:Region {code: 'V1', level: 'village'})-[:IN_REGION]->(t),
               (h:Household {household_id: 'H1'})-[:IN_REGION]->(v),
               (h)-[:RECEIVES]->(:Grant {grant_id: 'G1', programme: 'dibao', start: '2021-01-01'}),
               (a:Person {citizen_id: 'A', name: '甲'})-[:MEMBER_OF {relation: 'head'}]->(h),
               (b:Person {citizen_id: 'B', name: '乙'})-[:MEMBER_OF {relation: 'child'}]->(h),
               (a)-[:OWNS {start: '2022-05-01'}]->(:Vehicle {vin: 'V-IN', plate: '贵A11111', vehicle_type: 'car'}),
               (a)-[:OWNS {start: '2019-05-01', end: '2020-06-01'}]->(:Vehicle {vin: 'V-OLD', plate: '贵A22222', vehicle_type: 'car'}),
               (b)-[:OWNS {start: '2022-07-01'}]->(:Vehicle {vin: 'V-DIS', plate: '贵A33333', vehicle_type: 'disability'})
    """)
    q = parse_cypher_file(CYPHER_DIR / "queries" / "grant_households_with_car.cypher")
    rows = s.read(q.query, q.bind({"town_code": "T1"})).records()
    assert [(r["citizen_id"], r["plate"]) for r in rows] == [("A", "贵A11111")]
