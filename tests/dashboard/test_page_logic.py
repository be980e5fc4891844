"""Page logic outside Streamlit: saved-query forms, the ad-hoc box, the clue
table and detail, the Overview figures — on the real embedded engine."""
from __future__ import annotations

from datetime import date

import pytest
from dashboard_county import ID_A, ID_B

from reliefgraph.dashboard import accounts, cases, cluetable, overview, queryform
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.queries import clues
from reliefgraph.queries.cypher_files import cypher_files
from reliefgraph.queries.detect import detect
from reliefgraph.queries.rules import load_rules

ADMIN = Viewer("boss", "admin")
ANALYST = Viewer("li", "analyst")
AS_OF = "2026-10-31"


def _query(fid):
    return next(f for f in cypher_files("queries") if f.id == fid)


def test_saved_queries_are_offered_by_audience():
    assert {f.id for f in queryform.files_for("analyst")} >= {"grant_households_with_car", "person_household"}
    assert "grant_households_with_car" not in {f.id for f in queryform.files_for("verifier")}
    assert {f.id for f in queryform.files_for("admin")} == {f.id for f in cypher_files("queries")}


def test_widgets_follow_the_header_types():
    ws = {w.name: w for w in queryform.widgets(_query("grant_households_with_car"))}
    assert ws["town_code"].kind == "text" and ws["town_code"].required and "451299100" in ws["town_code"].hint
    assert ws["vehicle_types"].kind == "list" and ws["vehicle_types"].default == "car, truck"
    assert ws["programme"].default == "dibao"


def test_typed_values_become_parameters_of_the_declared_types():
    f = _query("grant_households_with_car")
    assert queryform.coerce(f, {"town_code": " 520101101 ", "vehicle_types": "car，truck; farm"}) == {
        "town_code": "520101101", "programme": "dibao", "vehicle_types": ["car", "truck", "farm"]}
    assert queryform.coerce(f, {"town_code": "1", "vehicle_types": '["car"]'})["vehicle_types"] == ["car"]
    with pytest.raises(queryform.QueryInputError, match="缺少必填参数"):
        queryform.coerce(f, {"town_code": ""})
    assert queryform._convert("date", date(2024, 2, 29)) == "2024-02-29"
    assert queryform._convert("int", 3.0) == 3
    for ptype, bad in (("month", "2024-13"), ("date", "2024/02/30"), ("int", 2.5), ("list", '["car"')):
        with pytest.raises(ValueError):
            queryform._convert(ptype, bad)


def test_a_saved_query_runs_with_results_masked_for_analysts(tiny):
    f = _query("person_household")
    params = queryform.coerce(f, {"citizen_id": ID_A})
    seen = queryform.run_saved(tiny, f, params, ANALYST)
    assert seen.columns[seen.keys.index("citizen_id")] == "身份证号"
    ids = [row[seen.keys.index("citizen_id")] for row in seen.rows]
    assert sorted(ids) == ["5201**********1226", "5201**********123X"]
    assert ID_B in queryform.to_csv(*_cols_rows(queryform.run_saved(tiny, f, params, ADMIN)))
    assert ID_B not in queryform.to_csv(seen.columns, seen.rows)


def _cols_rows(outcome):
    return outcome.columns, outcome.rows


def test_ad_hoc_cypher_is_read_only_in_the_database(tiny):
    before = tiny.counts()
    with pytest.raises(queryform.QueryInputError, match="只读"):
        queryform.run_adhoc(tiny, "MATCH (p:Person) SET p.name = 'x' RETURN p", ANALYST)
    with pytest.raises(queryform.QueryInputError, match="只读"):
        queryform.run_adhoc(tiny, "CREATE (:Person {citizen_id: 'X'})", ANALYST)
    assert tiny.counts() == before
    assert tiny.read("MATCH (p:Person {citizen_id: $id}) RETURN p.name", {"id": ID_A}).scalar() == "张三"
    with pytest.raises(queryform.QueryInputError):
        queryform.run_adhoc(tiny, "MATCH (n RETURN n", ANALYST)


def test_ad_hoc_cypher_is_stopped_by_the_engine_past_its_time_limit(tiny):
    # A four-way cross product of the 200 payments: far more than 50 ms of work.
    slow = "MATCH (a:Payment), (b:Payment), (c:Payment), (d:Payment) RETURN count(*)"
    with pytest.raises(queryform.QueryInputError, match="LIMIT"):
        queryform.run_adhoc(tiny, slow, ANALYST, timeout=0.05)
    assert queryform.run_adhoc(tiny, "MATCH (p:Payment) RETURN count(p)", ANALYST, timeout=5).rows == [(200,)]


def test_csv_exports_neutralise_spreadsheet_formulas_but_keep_numbers():
    rows = [("=1+1", "+86", "-cmd", "@SUM(A1)", "\t=x", "张三", -12.5, 3, None)]
    text = queryform.to_csv(["a", "b", "c", "d", "e", "f", "g", "h", "i"], rows)
    assert text.splitlines()[1] == "'=1+1,'+86,'-cmd,'@SUM(A1),'\t=x,张三,-12.5,3,"


def test_ad_hoc_paths_come_back_as_a_masked_graph(tiny):
    out = queryform.run_adhoc(tiny, "MATCH p = (a:Person)-[:KIN]->(b:Person) RETURN p", ANALYST)
    assert out.total_rows == 1 and out.graph is not None
    assert set(out.graph.nodes) == {f"Person:{ID_A}", f"Person:{ID_B}"}
    assert all(ID_A not in str(n.props) for n in out.graph.nodes.values())
    assert ID_A not in queryform.to_csv(out.columns, out.rows)


@pytest.fixture
def detected_tiny(tiny, app_db):
    with app_db.begin() as conn:
        conn.execute(accounts.users.insert().values(username="zhang", display_name="张", role="verifier",
                                                    password_hash="-", active=True, created="2026-11-01"))
    detect(tiny, app_db, [r for r in load_rules() if r.id == "car_during_grant"], AS_OF)
    return app_db


def test_the_clue_table_filters_and_masks(detected_tiny):
    engine = detected_tiny
    (row,) = cluetable.clue_rows(engine, ANALYST)
    assert row["subject"] == "5201**********123X" and row["name"] == "张三" and row["status"] == "待分派"
    assert row["town"] == "520101101" and row["family"] == "隐性财产"
    assert cluetable.clue_rows(engine, ADMIN)[0]["subject"] == ID_A
    assert cluetable.clue_rows(engine, ANALYST, cluetable.ClueFilters(families=("favour_relief",))) == []
    assert cluetable.clue_rows(engine, ANALYST, cluetable.ClueFilters(rule="public_payroll")) == []
    assert cluetable.clue_rows(engine, ANALYST, cluetable.ClueFilters(town="520101102")) == []
    assert cluetable.clue_rows(engine, ANALYST, cluetable.ClueFilters(min_score=0.99)) == []
    assert cluetable.towns(engine) == ["520101101"]
    (named,) = cluetable.clue_rows(engine, ANALYST, towns={"520101101": "青山镇"},
                                   rule_titles={"car_during_grant": "保障期间购车"})
    assert named["town"] == "青山镇 (520101101)" and named["rules"] == "保障期间购车"
    assert named["severity"] in ("高 high", "中 medium", "低 low"), "never a bare code"
    assert named["first_seen"] == cluetable.beijing_date(clues.list_clues(engine)[0]["first_seen"])
    assert cluetable.beijing_date("2026-03-01T23:30:00+00:00") == "2026-03-02", "the date in Beijing"
    since = cluetable.last_run_started(engine)
    assert since and len(cluetable.clue_rows(engine, ANALYST, cluetable.ClueFilters(new_since=since))) == 1
    assert cluetable.clue_rows(engine, ANALYST, cluetable.ClueFilters(new_since="2999-01-01")) == []


def test_a_clue_opens_to_its_inspector_in_clear_and_to_others_masked(detected_tiny):
    engine = detected_tiny
    cid = clues.list_clues(engine)[0]["clue_id"]
    cases.act(engine, ADMIN, cid, "assign", assignee="zhang")
    zhang = Viewer("zhang", "verifier", cases.clear_values_for(engine, "zhang"))
    wang = Viewer("wang", "verifier")
    (mine,) = cluetable.findings_for(engine, zhang, cid)
    (theirs,) = cluetable.findings_for(engine, wang, cid)
    assert ID_A in str(mine["evidence"]) and ID_A not in str(theirs["evidence"])
    assert "贵A12345" in mine["narrative"]
    files = {s["file"] for s in theirs["sources"]}
    assert {"gongan_jidongche.csv", "minzheng_jiuzhu.xlsx"} <= files
    assert cluetable.clue_header(engine, wang, cid)["subject_shown"] == "5201**********123X"
    assert cluetable.clue_header(engine, zhang, cid)["subject_shown"] == ID_A
    assert cluetable.clue_rows(engine, ANALYST, cluetable.ClueFilters(assignee="zhang"))[0]["assignee"] == "zhang"


def test_overview_figures(detected_tiny, tiny):
    counts = overview.clue_counts(detected_tiny)
    assert counts.total == 1 and counts.by_family == {"隐性财产": 1} and counts.by_rule == {"car_during_grant": 1}
    assert counts.by_town == {"520101101": 1} and counts.by_status == {"待分派": 1}
    assert overview.coverage(tiny) == {"persons": 4, "households": 2, "households_with_grants": 2, "grants": 2}
    assert overview.grants_by_programme(tiny) == {"dibao": 2}
    assert overview.town_names(tiny) == {"520101101": "青山镇"}
    assert overview.last_loads(tiny) == [
        {"agency": "civil_affairs", "finished": "2026-10-02T08:00:00+00:00", "file_name": "minzheng_jiuzhu.xlsx",
         "files": 1},
        {"agency": "public_security", "finished": "2026-10-03T08:00:00+00:00", "file_name": "gongan_jidongche.csv",
         "files": 2}]


def test_codes_read_as_names_and_the_names_follow_the_data(tiny):
    from reliefgraph.queries.names import names_for

    names = names_for(tiny)
    assert names.label("region", "520101101201") == "青山镇 青山村 (520101101201)", "a village with its town"
    assert names.label("region", "520101102201") == "绿水村 (520101102201)"
    assert names.label("region", "520101999999") == "520101999999", "an unnamed code is shown as it is"
    assert names.label("programme", "dibao") == "最低生活保障" and names.label("severity", "high") == "高"
    assert names.label("family", "favour_relief") == "人情保" and names.label("agency", "civil_affairs") == "民政局"
    assert names.label("region", None) == "—"
    # An agency named only in a merged file's source column, and one agency under one code.
    assert names.label("agency", "health") == "卫健"
    assert names.label("agency", "human_resources_social_security") == "人力资源和社会保障局"
    tiny.write("CREATE (:Region {code: '520101101299', level: 'village', name: '新设村'})", snapshot=False)
    try:
        assert names_for(tiny).label("region", "520101101299") == "青山镇 新设村 (520101101299)"
    finally:
        tiny.write("MATCH (r:Region {code: '520101101299'}) DELETE r", snapshot=False)
