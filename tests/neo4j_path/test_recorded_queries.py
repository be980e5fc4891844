"""Every query reliefgraph sends on the Neo4j path, recorded from a full run
(conftest.py, full_run.py), is valid Neo4j 5 Cypher with only functions and
procedures that Neo4j 5 with GDS has, and none is FalkorDB-only."""
from __future__ import annotations

import re


from cypher_lint import errors, neo4j_diagnostics
from reliefgraph.graph import ddl
from reliefgraph.graph.neo4j_store import AWAIT_INDEXES, EXISTING_SCHEMA
from reliefgraph.queries import algorithms as algo
from reliefgraph.queries.cypher_files import cypher_files

# Constructs only FalkorDB understands, or that only its fast path may use.
FALKORDB_ONLY = {
    "algo.* procedures": re.compile(r"\balgo\s*\.", re.I),
    "GRAPH.* commands (RO_QUERY, BULK, CONSTRAINT)": re.compile(r"\bGRAPH\.[A-Z_]+"),
    "db.idx full-text / vector indexes": re.compile(r"\bdb\s*\.\s*idx\b", re.I),
    "vecf32 vectors": re.compile(r"\bvecf32\s*\(", re.I),
    "internal-id seeks": re.compile(r"\bid\s*\(\s*\w+\s*\)\s*(=|>=|<=|<|>|IN\b)", re.I),
    "FalkorDB parameter header": re.compile(r"^\s*CYPHER\s+\w+\s*=", re.I),
    "FalkorDB index DDL": re.compile(r"CREATE\s+INDEX\s+FOR\s*\(", re.I),
    "db.indexes() / db.constraints()": re.compile(r"\bdb\s*\.\s*(indexes|constraints)\s*\(", re.I),
}


def falkordb_only(query: str) -> list[str]:
    return [name for name, pattern in FALKORDB_ONLY.items() if pattern.search(query)]


def test_the_run_did_everything(recorded):
    ran = recorded.exercised
    assert ran["rules"] == len(cypher_files("rules")) and ran["clues"] > 0, ran
    assert ran["network_signals"] > 0, "some finding must carry GDS network signals"
    assert ran["summary_lines"] > 0 and ran["clue_reports"] > 1 and ran["search_hits"] > 0, ran
    assert ran["drawn_nodes"] > 0 and ran["saved_queries"] == len(cypher_files("queries")), ran
    assert ran["algorithm_rows"] > 0 and ran["similar_pairs"] > 0, ran


def test_every_cypher_file_and_the_schema_set_up_were_sent(recorded):
    sent = set(recorded.recorder.sent)
    files = {f.id: f.query for f in cypher_files()}
    assert not {fid for fid, q in files.items() if q not in sent}, "files never sent on the Neo4j path"
    assert {stmt for _, stmt in ddl.neo4j_statements(recorded.store.schema)} <= sent
    assert {*EXISTING_SCHEMA, AWAIT_INDEXES} <= sent


def test_gds_runs_on_a_projection_named_per_run_and_dropped(recorded):
    gds = {s.query: s for s in recorded.recorder.queries() if s.via == "gds"}
    streams = {m.group(1) for q in gds if (m := re.match(r"CALL (gds\.\w+\.stream)\(", q))}
    assert streams == {"gds.wcc.stream", "gds.louvain.stream", "gds.pageRank.stream", "gds.betweenness.stream"}
    (project,) = [s for q, s in gds.items() if "gds.graph.project(" in q]
    (drop,) = [s for q, s in gds.items() if q.startswith("CALL gds.graph.drop(")]
    assert project.query == algo.GDS_PROJECTION
    # louvain + betweenness for detect, four algorithms after it: each projects once and drops once.
    assert project.times == drop.times == 6
    assert re.fullmatch(r"reliefgraph-\w+-[0-9a-f]{32}", project.parameters["graph_name"])


def test_every_recorded_query_is_neo4j5_with_known_functions_and_procedures(recorded):
    sent = recorded.recorder.queries()
    items = [{"id": str(i), "query": s.query, "parameters": s.parameters} for i, s in enumerate(sent)]
    diagnostics = neo4j_diagnostics(items)
    assert len(diagnostics) == len(sent)
    bad = {sent[int(k)].query[:160]: v for k, v in errors(diagnostics).items()}
    assert not bad, bad
    warned = {sent[int(k)].query[:160]: [d["message"] for d in ds] for k, ds in diagnostics.items() if ds}
    assert not warned, f"deprecated or doubtful on Neo4j 5: {warned}"
    print(f"\nNeo4j path: {len(sent)} distinct queries, {len(diagnostics)} linted with the Neo4j 5 + GDS "
          f"registry; recorded run {recorded.seconds:.1f} s")


def test_no_falkordb_only_construct_on_the_neo4j_path(recorded):
    found = {s.query[:160]: hits for s in recorded.recorder.queries() if (hits := falkordb_only(s.query))}
    assert not found, found


def test_the_falkordb_only_check_finds_what_the_fast_path_sends(falkor):
    """The check above can fail: the embedded path's own constructs are caught."""
    spec = ddl.index_specs(falkor.schema)[0]
    fast_path = {
        "algo.* procedures": "CALL algo.WCC({nodeLabels: $labels}) YIELD node, componentId RETURN node",
        "FalkorDB index DDL": ddl.falkordb_index_statement(spec),
        "GRAPH.* commands (RO_QUERY, BULK, CONSTRAINT)": " ".join(ddl.falkordb_constraint_command("g", spec)),
        "internal-id seeks": "UNWIND $rows AS row MATCH (n:Person) WHERE id(n) = row.id SET n += row.p",
        "vecf32 vectors": "RETURN vecf32([1.0, 2.0])",
        "db.idx full-text / vector indexes": "CALL db.idx.fulltext.queryNodes('Person', $q) YIELD node",
    }
    for name, query in fast_path.items():
        assert name in falkordb_only(query), (name, query)


def test_the_lint_refuses_unknown_functions_and_procedures():
    wrong = {
        "RETURN foo.bar(1)": "Function foo.bar is not present",
        "CALL gds.nonexistent()": "Procedure gds.nonexistent is not present",
        "CALL algo.WCC(null) YIELD node RETURN node": "Procedure algo.WCC is not present",
        "RETURN vecf32([1.0])": "Function vecf32 is not present",
    }
    found = errors(neo4j_diagnostics([{"id": q, "query": q, "parameters": {}} for q in wrong]))
    for query, what in wrong.items():
        assert any(what in d["message"] for d in found.get(query, [])), (query, found.get(query))
