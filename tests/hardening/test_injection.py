"""Injection: Cypher fragments, quotes, HTML and formulas in every value a
user or an agency file supplies never change what a query means. The graph
is unchanged and results are the literal matches; typed (ad-hoc) Cypher
cannot write, delete, call write procedures, reach files or the network, or
read the application database; exports are inert in a spreadsheet.
"""
from __future__ import annotations

import csv
import io
import socket
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard_county import ID_A
from fuzzing import SCALES, fuzz_settings
from graph_state import graph_state as fingerprint
from loader_support import FULL_ID, run_cli
from reliefgraph.dashboard import explore, graphview, queryform
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.graph.adhoc import QueryRefused, check_typed_query
from reliefgraph.graph.store import StoreError

ANALYST = Viewer("li", "analyst")
FRAGMENTS = [
    "x'}) MATCH (n) DETACH DELETE n //", 'x"}) MATCH (n) DETACH DELETE n //', "') RETURN 1 UNION MATCH (n) RETURN n //",
    "\\' OR 1=1 //", "$text", "{text}", "`Person`", "*/ MATCH (n) SET n.x = 1 /*", "\\u0027) DETACH DELETE n",
    "'; CALL db.idx.fulltext.drop('Person') //", "张三' OR '1'='1", "\\\\\"", "\n MATCH (n) DELETE n",
    "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "CYPHER text='x' MATCH (n) DETACH DELETE n",
]
hostile = st.one_of(st.sampled_from(FRAGMENTS),
                    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
                    st.lists(st.sampled_from(FRAGMENTS + ["'", '"', "\\", "`", "})", "//", "/*"]),
                             min_size=1, max_size=4).map("".join))
WRITES = [
    "CREATE (n:Person {citizen_id: 'X'}) RETURN n", "MERGE (n:Person {citizen_id: ''}) RETURN n",
    "MATCH (n) SET n.name = 'x'", "MATCH (n) DETACH DELETE n", "MATCH (n) REMOVE n.name",
    "CREATE INDEX FOR (n:Person) ON (n.sex)", "DROP INDEX ON :Person(citizen_id)",
    "CALL db.idx.fulltext.createNodeIndex('Person', 'name')", "CALL db.idx.fulltext.drop('Person')",
    "MATCH (n) WITH n CALL { CREATE (:Y) } RETURN n", "MATCH (n) FOREACH (x IN [1] | CREATE (:W))",
    "UNWIND range(1, 3) AS i CREATE (:Z {i: i})",
]
OUTBOUND = [
    "MATCH (p:Person) LOAD CSV FROM 'https://127.0.0.1:{port}/x?id=' + p.citizen_id AS r RETURN r",
    "MATCH (p:Person) LOAD/* split */CSV FROM 'https://127.0.0.1:{port}/' + p.citizen_id AS r RETURN r",
    "load csv with headers from 'https://127.0.0.1:{port}/' AS r RETURN r",
]


@pytest.fixture
def planted(tiny):
    """Nodes whose names are hostile, to be found literally."""
    tiny.write("UNWIND $names AS n CREATE (:Person {citizen_id: 'HOSTILE' + toString(size(n)) + n, name: n})",
               {"names": FRAGMENTS}, snapshot=False)
    yield tiny
    tiny.write("MATCH (p:Person) WHERE p.citizen_id STARTS WITH 'HOSTILE' DETACH DELETE p", snapshot=False)


# ---------------------------------------------------------------- parameters and the search box

@pytest.mark.parametrize("scale", SCALES)
def test_values_travel_as_parameters_and_come_back_literally(tiny, scale):
    before = fingerprint(tiny)

    @fuzz_settings(100, scale)
    @given(hostile)
    def check(text):
        assert tiny.read("RETURN $v AS v", {"v": text}).scalar() == text
        assert tiny.read("MATCH (p:Person {name: $v}) RETURN count(p)", {"v": text}).scalar() == \
            sum(1 for (n,) in tiny.read("MATCH (p:Person) RETURN p.name").rows if n == text)

    check()
    assert fingerprint(tiny) == before


@pytest.mark.parametrize("scale", SCALES)
def test_the_search_box_finds_hostile_names_literally_and_changes_nothing(planted, scale):
    before = fingerprint(planted)
    names = {n for (n,) in planted.read("MATCH (p:Person) RETURN p.name").rows}

    @fuzz_settings(40, scale)
    @given(st.one_of(st.sampled_from(FRAGMENTS), hostile))
    def check(text):
        found = explore.search(planted, text, ANALYST)
        wanted = explore.normalise_query(text)
        people = [c for c in found if c.label == "Person"]
        if wanted in names:
            # Prefix and fuzzy matches may follow; the exact namesakes come first.
            exact = [c for c in people if c.caption == wanted]
            assert exact and people[:len(exact)] == exact
        assert all(FULL_ID.search(c.shown_key) is None for c in found), "masked for an analyst"

    check()
    assert fingerprint(planted) == before


@pytest.mark.parametrize("scale", SCALES)
def test_saved_query_parameters_cannot_change_the_query(tiny, scale):
    before = fingerprint(tiny)
    files = queryform.files_for("admin")
    assert files

    @fuzz_settings(30, scale)
    @given(st.sampled_from(files), hostile)
    def check(f, text):
        raw = {name: text for name, p in f.params.items() if p.type in ("string", "list", "month", "date")}
        try:
            params = queryform.coerce(f, raw)
        except queryform.QueryInputError:
            return
        outcome = queryform.run_saved(tiny, f, params, ANALYST)
        assert outcome.total_rows == 0 or text in (ID_A,), "a hostile value matches nothing"

    check()
    assert fingerprint(tiny) == before


def test_a_nul_in_a_search_is_a_literal_non_match(tiny):
    before = fingerprint(tiny)
    assert explore.search(tiny, "张三\x00' MATCH (n) DETACH DELETE n //", ANALYST) == []
    assert fingerprint(tiny) == before


# ---------------------------------------------------------------- typed Cypher

def test_typed_cypher_cannot_write_in_the_dashboard(tiny):
    before, pid = fingerprint(tiny), tiny.server._read_pid()
    for query in WRITES:
        with pytest.raises(queryform.QueryInputError):
            queryform.run_adhoc(tiny, query, ANALYST)
    assert fingerprint(tiny) == before and tiny.server._read_pid() == pid, "nothing written, engine never crashed"


# Each command costs seconds of start-up: CI tries two, the slow run all.
@pytest.mark.parametrize("writes", [pytest.param(WRITES[2:4], id="ci"),
                                    pytest.param(WRITES, id="all", marks=pytest.mark.slow)])
def test_typed_cypher_cannot_write_from_the_command_line(tiny, embedded_dir, writes):
    before = fingerprint(tiny)
    for query in writes:
        done = run_cli("cypher", query, "--db", str(embedded_dir))
        assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr, query
    assert fingerprint(tiny) == before


class Listener:
    """A loopback TCP port that counts who connects to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port, self.connections, self._stop = self.sock.getsockname()[1], 0, False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self):
        self._stop = True
        self.thread.join()
        self.sock.close()


@pytest.mark.parametrize("query", OUTBOUND)
def test_clauses_that_reach_the_network_are_refused(query):
    with pytest.raises(QueryRefused):
        check_typed_query(query.format(port=1))


@pytest.mark.parametrize("query", [OUTBOUND[0], pytest.param(OUTBOUND[1], marks=pytest.mark.slow)])
def test_typed_cypher_cannot_send_data_to_the_network_from_the_command_line(tiny, embedded_dir, query):
    listener = Listener()
    try:
        done = run_cli("cypher", query.format(port=listener.port), "--db", str(embedded_dir))
    finally:
        listener.close()
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert listener.connections == 0, "the engine fetched a URL built from personal data"


def test_typed_cypher_cannot_send_data_to_the_network_from_the_dashboard(tiny):
    listener = Listener()
    try:
        try:
            queryform.run_adhoc(tiny, OUTBOUND[0].format(port=listener.port), ANALYST)
        except queryform.QueryInputError:
            pass
    finally:
        listener.close()
    assert listener.connections == 0


def test_typed_cypher_cannot_open_local_files(tiny, tmp_path):
    """The application database (SQLite) and the snapshot are files: LOAD CSV
    is refused before the engine sees it, and the engine's own file access is
    confined to its import folder anyway."""
    for path in ("/etc/passwd", str(tmp_path / "app.db"), "../graph.rdb"):
        query = f"LOAD CSV FROM 'file://{path}' AS r RETURN r"
        with pytest.raises(QueryRefused):
            check_typed_query(query)
        with pytest.raises(Exception, match="CSV"):
            tiny.read(query)


@pytest.mark.parametrize("query", ["MATCH (p:Person) RETURN p.name", "RETURN 'LOADS', 'CSV files'",
                                   "MATCH (n:Company) WHERE n.name CONTAINS 'DOWNLOAD' RETURN n"])
def test_ordinary_queries_pass_the_typed_query_check(query):
    check_typed_query(query)


def test_the_command_line_masks_pii_under_any_alias(tiny, embedded_dir):
    done = run_cli("cypher", "MATCH (p:Person) RETURN p.citizen_id AS x, collect(p.citizen_id) AS ids, "
                   "'id ' + p.citizen_id AS text", "--db", str(embedded_dir))
    assert done.returncode == 0, done.stderr
    assert "5201" in done.stdout and not FULL_ID.search(done.stdout), done.stdout


def test_an_analyst_never_sees_a_clear_id_under_an_alias(tiny):
    outcome = queryform.run_adhoc(tiny, "MATCH (p:Person) RETURN p.citizen_id AS x, 'id ' + p.citizen_id AS t",
                                  ANALYST)
    shown = " ".join(str(v) for row in outcome.rows for v in row)
    assert outcome.total_rows and not FULL_ID.search(shown), shown


# ---------------------------------------------------------------- exports

formula_cells = st.one_of(
    st.tuples(st.sampled_from("=+-@\t\r"), st.text(max_size=20)).map("".join),
    st.sampled_from(["=cmd|' /C calc'!A0", "@SUM(1)", "+1+1", "-2+3", "=HYPERLINK(\"http://x\")"]))


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


@pytest.mark.parametrize("scale", SCALES)
def test_exported_csv_cells_never_run_as_formulas(scale):
    @fuzz_settings(100, scale)
    @given(st.lists(formula_cells, min_size=1, max_size=5))
    def check(values):
        query_csv = queryform.to_csv([f"c{i}" for i in range(len(values))], [tuple(values)])
        sub = graphview.Subgraph()
        for i, v in enumerate(values):
            sub.nodes[f"Person:{i}"] = graphview.DrawNode(f"Person:{i}", "Person", v, v, {})
        sub.edges[("Person:0", "Person:0", "KIN")] = graphview.DrawEdge("Person:0", "Person:0", "KIN",
                                                                       (("kind", values[-1]),))
        for text in (query_csv, graphview.nodes_csv(sub).decode("utf-8-sig"), graphview.edges_csv(sub).decode("utf-8-sig")):
            for c in _cells(text)[1:]:
                assert not c.startswith(("=", "+", "-", "@")), c

    check()


def test_hostile_names_are_escaped_in_the_drawn_graph():
    sub = graphview.Subgraph()
    for i, name in enumerate(["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "\"><svg onload=x>"]):
        sub.nodes[f"Person:{i}"] = graphview.DrawNode(f"Person:{i}", "Person", str(i), name, {"name": name})
    page = graphview.to_html(sub)
    for raw in ("<script>alert(1)", "<img src=x", "<svg onload"):
        assert raw not in page, raw


def test_hostile_names_from_the_graph_are_escaped_in_a_report(planted, tmp_path):
    from reliefgraph.appdb import connect
    from reliefgraph.reports import gather
    from reliefgraph.reports.html_report import render_html

    engine = connect(f"sqlite:///{tmp_path / 'app.db'}")
    name = "<script>alert(1)</script>"
    (cid,) = planted.read("MATCH (p:Person {name: $n}) RETURN p.citizen_id", {"n": name}).rows[0]
    page = render_html(gather.person_report(planted, engine, cid, "li", "analyst")).decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


MAPPING_WITH_HOSTILE_VALUES = """\
id: hostile_values
agency: "x'}) MATCH (n) DETACH DELETE n //"
title: {zh: 区划, en: regions}
files: ["hostile_values*.csv"]
fields:
  code: {column: 代码, type: identifier, required: true}
  level: {column: 级别, type: code, map: {"1": "village'}) DETACH DELETE n //", "2": "town\\\\\\" OR 1=1"}}
constants:
  parent: "') MATCH (m) SET m.pwned = true //"
yields:
  - node: Region
    key: code
    set: {level: level, parent_code: parent}
"""


def test_values_in_mapping_files_are_stored_literally(tmp_path):
    import yaml

    from loader_support import Graph

    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "hostile_values.yaml").write_text(MAPPING_WITH_HOSTILE_VALUES, encoding="utf-8")
    spec = yaml.safe_load(MAPPING_WITH_HOSTILE_VALUES)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "hostile_values_1.csv").write_text("代码,级别\r\nR1,1\r\nR2,2\r\n", encoding="utf-8")
    g = Graph(tmp_path / "g")
    try:
        g.store.write("CREATE (:Region {code: 'KEEP', level: 'county'})")
        (report,) = g.load(folder, mappings=maps)
        assert report.status == "loaded" and report.rows_loaded == 2, report
        got = sorted(tuple(r) for r in g.store.read(
            "MATCH (r:Region) RETURN r.code, r.level, r.parent_code, r.src_agency, r.pwned").rows)
        levels = spec["fields"]["level"]["map"]
        assert got == [("KEEP", "county", None, None, None),
                       ("R1", levels["1"], spec["constants"]["parent"], spec["agency"], None),
                       ("R2", levels["2"], spec["constants"]["parent"], spec["agency"], None)]
    finally:
        g.close()


def test_hostile_text_typed_into_the_running_app_changes_nothing(planted, embedded_dir, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest
    from test_app import APP, PW, _page, _sign_in

    from reliefgraph.appdb import connect
    from reliefgraph.dashboard import accounts

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("RELIEFGRAPH_URI", str(embedded_dir))
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", url)
    accounts.add_user(connect(url), "li", PW, "analyst")
    before = fingerprint(planted)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at = _page(_sign_in(at, "li"), "图谱 Explore")
    for text in FRAGMENTS[:6]:
        at.text_input[0].input(text)
        at.button[0].click()
        at.run()
        assert not at.exception, (text, at.exception)
    _page(at, "查询 Saved queries")
    at.selectbox(key="query_file").set_value("person_household")
    at.run()
    at.text_input(key="q:person_household:citizen_id").input(FRAGMENTS[0])
    [b for b in at.button if str(b.label).startswith("运行") and b.key != "adhoc_run"][0].click()
    at.run()
    assert not at.exception, at.exception
    assert at.dataframe[0].value.empty, "a hostile ID matches nobody"
    assert fingerprint(planted) == before


def test_a_runaway_typed_query_is_stopped_by_the_engine(tiny, embedded_dir):
    """The engine goes on running a query whose client gave up; two such
    queries would hold both of its threads."""
    done = run_cli("cypher", "MATCH (a), (b), (c), (d), (e) RETURN count(*)",
                   "--timeout", "1", "--db", str(embedded_dir), timeout=60)
    assert done.returncode == 1 and "查询超时" in done.stderr + done.stdout, done.stdout + done.stderr
    assert tiny.read("RETURN 1").scalar() == 1


def test_a_query_that_would_take_the_machines_memory_is_aborted(tiny):
    """Checked with the cap lowered at run time, so that a failure here costs
    a few hundred megabytes, not the machine."""
    from reliefgraph.graph.embedded import query_memory_cap

    with tiny.server.client() as c:
        assert int(c.execute_command("GRAPH.CONFIG", "GET", "QUERY_MEM_CAPACITY")[1]) == query_memory_cap()
        c.execute_command("GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY", str(100 << 20))
        try:
            with pytest.raises(Exception, match="mem consumption exceeded"):
                tiny.read("RETURN size(range(1, 30000000))")
            assert tiny.read("RETURN 1").scalar() == 1
        finally:
            c.execute_command("GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY", str(query_memory_cap()))


def test_an_integer_the_engine_cannot_hold_is_refused_not_clamped(tiny):
    big = 2**70
    try:
        got = tiny.read("RETURN $v", {"v": big}).scalar()
    except (ValueError, StoreError):
        return
    assert got == big


def test_a_lone_surrogate_in_a_value_is_refused_cleanly(tiny):
    with pytest.raises((ValueError, StoreError)) as caught:
        tiny.read("RETURN $v", {"v": "ab\ud800"})
    assert not isinstance(caught.value, UnicodeError)
