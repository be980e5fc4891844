"""Cases: the state machine, who may move it, history, audit and precision per rule."""
from __future__ import annotations

import threading

import pytest

from reliefgraph.appdb import connect
from reliefgraph.dashboard import accounts, audit, cases
from reliefgraph.dashboard.cases import CaseError
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.queries import clues
from reliefgraph.queries.detect import detect
from reliefgraph.queries.rules import load_rules

ADMIN = Viewer("boss", "admin")
ZHANG = Viewer("zhang", "verifier")
WANG = Viewer("wang", "verifier")
LI = Viewer("li", "analyst")
ID_A = "52010119800101123X"


def _people(engine):
    # Straight into the table: these tests are about cases, and Argon2 at
    # full strength costs 0.2 s a user.
    with engine.begin() as conn:
        for name, role in (("boss", "admin"), ("zhang", "verifier"), ("wang", "verifier"), ("li", "analyst")):
            conn.execute(accounts.users.insert().values(username=name, display_name=name, role=role,
                                                        password_hash="-", active=True, created="2026-11-01"))


def _clue(engine, cid, rule_ids, subject=ID_A, evidence=None):
    with engine.begin() as conn:
        conn.execute(clues.clues.insert().values(
            clue_id=cid, family="hidden_assets", subject_id=subject, subject_name="张三", score=0.8,
            severity="high", rule_ids=rule_ids, summary="…", status="new", active=True,
            first_seen="2026-11-01", last_seen="2026-11-01"))
        conn.execute(clues.findings.insert().values(
            clue_id=cid, rule_id=rule_ids[0], facts={}, narrative="…", run_id=1,
            evidence=evidence or {"nodes": [], "relationships": []}))


@pytest.fixture
def db(app_db):
    _people(app_db)
    _clue(app_db, "c1", ["car_during_grant"])
    return app_db


def test_a_clue_goes_through_the_whole_case(db):
    cases.act(db, ADMIN, "c1", "assign", assignee="zhang")
    cases.act(db, ZHANG, "c1", "start", note="已联系村委")
    step = cases.act(db, ZHANG, "c1", "confirm", conclusion="车辆为本人所有，违规享受", note="已停保")
    assert (step.from_status, step.to_status) == ("in_verification", "confirmed")
    case = cases.case_of(db, "c1")
    assert case["status"] == "confirmed" and case["assignee"] == "zhang" and case["concluded_by"] == "zhang"
    assert case["conclusion"] == "车辆为本人所有，违规享受" and "已联系村委" in case["notes"] and "已停保" in case["notes"]
    steps = [(h["actor"], h["action"], h["from_status"], h["to_status"]) for h in cases.history_of(db, "c1")]
    assert steps == [("boss", "assign", "new", "open"), ("zhang", "start", "open", "in_verification"),
                     ("zhang", "confirm", "in_verification", "confirmed")]
    logged = [e for e in reversed(audit.entries(db)) if e.action == "case_change"]
    assert [e.detail["action"] for e in logged] == ["assign", "start", "confirm"]
    assert logged[0].subjects == ["Clue:c1", f"Person:{ID_A}"]
    assert audit.verify(db).ok
    assert [c["clue_id"] for c in cases.list_cases(db, assignee="zhang")] == ["c1"]
    assert cases.list_cases(db, assignee="wang") == []


@pytest.mark.parametrize("viewer, action, kwargs, says", [
    (ZHANG, "assign", {"assignee": "zhang"}, "无权"),          # inspectors do not assign
    (LI, "assign", {"assignee": "zhang"}, "无权"),
    (ADMIN, "start", {}, "不能"),                               # a new clue is not a case yet
    (ADMIN, "confirm", {"conclusion": "x"}, "不能"),
    (ADMIN, "assign", {"assignee": "li"}, "核查人员"),          # analysts take no cases
    (ADMIN, "assign", {"assignee": "nobody"}, "核查人员"),
    (ADMIN, "fly", {}, "未知操作"),
])
def test_refused_steps_change_nothing(db, viewer, action, kwargs, says):
    with pytest.raises(CaseError, match=says):
        cases.act(db, viewer, "c1", action, **kwargs)
    assert cases.case_of(db, "c1")["status"] == "new"
    assert cases.history_of(db, "c1") == []
    assert [e for e in audit.entries(db) if e.action == "case_change"] == []


def test_only_the_assignee_or_an_admin_moves_an_assigned_case(db):
    cases.act(db, ADMIN, "c1", "assign", assignee="zhang")
    for other in (WANG, LI):
        with pytest.raises(CaseError, match="无权"):
            cases.act(db, other, "c1", "start")
    with pytest.raises(CaseError, match="不能"):
        cases.act(db, ZHANG, "c1", "confirm", conclusion="属实")   # must start verification first
    cases.act(db, ZHANG, "c1", "start")
    with pytest.raises(CaseError, match="核查结论"):
        cases.act(db, ZHANG, "c1", "dismiss", conclusion="   ")
    cases.act(db, ADMIN, "c1", "reassign", assignee="wang")
    with pytest.raises(CaseError, match="无权"):
        cases.act(db, ZHANG, "c1", "dismiss", conclusion="车辆已于享受前转让")
    cases.act(db, WANG, "c1", "dismiss", conclusion="车辆已于享受前转让")
    assert cases.case_of(db, "c1")["status"] == "dismissed"


def test_reopening_needs_an_admin_and_a_reason_and_clears_the_conclusion(db):
    cases.act(db, ADMIN, "c1", "assign", assignee="zhang")
    cases.act(db, ZHANG, "c1", "start")
    cases.act(db, ZHANG, "c1", "confirm", conclusion="属实")
    with pytest.raises(CaseError, match="无权"):
        cases.act(db, ZHANG, "c1", "reopen", note="再看看")
    with pytest.raises(CaseError, match="说明"):
        cases.act(db, ADMIN, "c1", "reopen")
    cases.act(db, ADMIN, "c1", "reopen", note="当事人申诉")
    case = cases.case_of(db, "c1")
    assert case["status"] == "in_verification" and case["conclusion"] is None
    assert [h["action"] for h in cases.history_of(db, "c1")][-1] == "reopen"


def test_the_buttons_offered_follow_role_status_and_assignee():
    assert cases.allowed_actions(ADMIN, "new", None) == ["assign"]
    assert cases.allowed_actions(ZHANG, "new", None) == []
    assert cases.allowed_actions(ZHANG, "open", "zhang") == ["start", "note"]
    assert cases.allowed_actions(WANG, "open", "zhang") == []
    assert set(cases.allowed_actions(ZHANG, "in_verification", "zhang")) == {"confirm", "dismiss", "note"}
    assert set(cases.allowed_actions(ADMIN, "confirmed", "zhang")) == {"reopen", "note"}
    assert cases.allowed_actions(LI, "in_verification", "zhang") == []


def test_two_people_concluding_at_once_yield_one_conclusion(app_db_url):
    url = app_db_url
    engine = connect(url)
    _people(engine)
    _clue(engine, "c1", ["car_during_grant"])
    cases.act(engine, ADMIN, "c1", "assign", assignee="zhang")
    cases.act(engine, ZHANG, "c1", "start")
    outcomes = []

    def conclude(viewer, action):
        try:
            cases.act(connect(url), viewer, "c1", action, conclusion=f"{viewer.username} {action}")
            outcomes.append("ok")
        except CaseError:
            outcomes.append("refused")

    threads = [threading.Thread(target=conclude, args=(v, a))
               for v, a in ((ZHANG, "confirm"), (ADMIN, "dismiss"), (ZHANG, "dismiss"), (ADMIN, "confirm"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    concluded = [h for h in cases.history_of(engine, "c1") if h["action"] in ("confirm", "dismiss")]
    assert len(concluded) == 1
    assert audit.verify(engine).ok


def test_precision_per_rule_is_confirmed_over_concluded(db):
    _clue(db, "c2", ["car_during_grant", "payroll_during_grant"], subject="520101199002021234")
    _clue(db, "c3", ["payroll_during_grant"], subject="520101199103031234")
    _clue(db, "c4", ["payroll_during_grant"], subject="520101199204041234")   # still open: not counted
    for cid, outcome in (("c1", "confirm"), ("c2", "dismiss"), ("c3", "confirm"), ("c4", None)):
        cases.act(db, ADMIN, cid, "assign", assignee="zhang")
        cases.act(db, ZHANG, cid, "start")
        if outcome:
            cases.act(db, ZHANG, cid, outcome, conclusion="核查完毕")
    assert cases.precision_by_rule(db) == [
        {"rule_id": "car_during_grant", "confirmed": 1, "dismissed": 1, "concluded": 2, "precision": 0.5},
        {"rule_id": "payroll_during_grant", "confirmed": 1, "dismissed": 1, "concluded": 2, "precision": 0.5},
    ]


def test_detection_keeps_a_case_and_its_evidence_opens_to_its_inspector(empty_falkor, tmp_path):
    store = empty_falkor
    engine = connect(f"sqlite:///{tmp_path / 'app.db'}")
    _people(engine)
    store.write("""
        CREATE (hh:Household {household_id: 'H1', address: '贵州省某县某村1组'})-[:RECEIVES]->
               (g:Grant {grant_id: 'G1', programme: 'dibao', start: '2022-01-01'}),
               (g)-[:HELD_BY]->(p:Person {citizen_id: $id, name: '张三', region_code: '520101101201'}),
               (p)-[:BENEFICIARY_OF]->(g), (p)-[:MEMBER_OF {relation: 'head'}]->(hh),
               (p)-[:OWNS {start: '2023-05-01', src_agency: 'public_security', src_file: 'v.csv', src_row: 2,
                          src_batch: 'b'}]->(:Vehicle {vin: 'VIN1', plate: '贵A12345', vehicle_type: 'car'})
    """, {"id": ID_A})
    car = [r for r in load_rules() if r.id == "car_during_grant"]
    detect(store, engine, car, "2026-10-31")
    (clue,) = clues.list_clues(engine)
    cases.act(engine, ADMIN, clue["clue_id"], "assign", assignee="zhang")
    cases.act(engine, ZHANG, clue["clue_id"], "start")
    detect(store, engine, car, "2026-10-31")
    assert cases.case_of(engine, clue["clue_id"])["status"] == "in_verification"
    assert ID_A in cases.clear_values_for(engine, "zhang")
    assert cases.clear_values_for(engine, "wang") == frozenset()
