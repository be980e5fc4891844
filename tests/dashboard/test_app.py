"""The Streamlit app through Streamlit's own AppTest: sign-in, pages by role,
a clue opened and assigned, a search drawn, a write refused — each leaving
its audit entry."""
from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_county import ID_A, ID_C
from streamlit.testing.v1 import AppTest

import reliefgraph.dashboard
from reliefgraph.appdb import connect
from reliefgraph.dashboard import accounts, audit, cases
from reliefgraph.queries import clues
from reliefgraph.queries.detect import detect
from reliefgraph.queries.rules import load_rules

APP = str(Path(reliefgraph.dashboard.__file__).with_name("app.py"))
PW = "correct horse 9"


@pytest.fixture
def env(tiny, embedded_dir, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("RELIEFGRAPH_URI", str(embedded_dir))
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", url)
    engine = connect(url)
    for name, role in (("boss", "admin"), ("zhang", "verifier"), ("li", "analyst")):
        accounts.add_user(engine, name, PW, role)
    return engine


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


def _sign_in(at: AppTest, username: str, password: str = PW) -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    return at


def _one(elements, label_start: str):
    (found,) = [e for e in elements if str(e.label).startswith(label_start)]
    return found


def _page(at: AppTest, name: str) -> AppTest:
    at.sidebar.radio[0].set_value(name)
    at.run()
    assert not at.exception, at.exception
    return at


def _pick(at: AppTest, citizen_id: str) -> None:
    """Choose the search result for this person (the radio shows masked keys; its index is what is set)."""
    from reliefgraph.dashboard.pages_explore import STATE

    candidates = at.session_state[STATE]["candidates"]
    at.radio(key="explore_pick").set_value(next(i for i, c in enumerate(candidates) if c.key == citizen_id))
    at.run()


def _drawn_as_boss(citizen_id: str) -> AppTest:
    """The explore page as the administrator, with this person found and their graph drawn."""
    at = _page(_sign_in(_app(), "boss"), "图谱 Explore")
    _one(at.text_input, "姓名").input(citizen_id)
    _one(at.button, "检索").click()
    at.run()
    _pick(at, citizen_id)
    at.button(key="explore_draw").click()
    at.run()
    return at


def _shown(at: AppTest) -> str:
    """Everything the page shows as text, widget options included."""
    parts = [str(e.value) for kind in ("markdown", "text", "caption", "subheader", "header", "error", "warning",
                                      "info", "success") for e in getattr(at, kind)]
    parts += [str(o) for w in list(at.radio) + list(at.selectbox) for o in w.options]
    return "\n".join(parts)


def test_a_wrong_password_is_refused_and_recorded(env):
    at = _sign_in(_app(), "boss", "not the password")
    assert "用户名或密码错误" in at.error[0].value
    assert len(at.sidebar.radio) == 0
    (entry,) = audit.entries(env)
    assert (entry.actor, entry.action, entry.detail) == ("boss", "sign_in_failed", {"reason": "bad_credentials"})
    _sign_in(at, "My Password 123!", "x")
    assert audit.entries(env)[0].actor == "-", "a password typed as a name is not kept"


def test_the_sign_in_page_says_how_to_create_the_first_admin(tmp_path, monkeypatch, tiny, embedded_dir):
    monkeypatch.setenv("RELIEFGRAPH_URI", str(embedded_dir))
    monkeypatch.setenv("RELIEFGRAPH_APP_DB", f"sqlite:///{tmp_path / 'empty.db'}")
    assert "reliefgraph user add" in _app().info[0].value


def test_each_role_gets_its_pages_and_signs_out(env):
    at = _sign_in(_app(), "li")
    assert at.sidebar.radio[0].options == ["总览 Overview", "线索 Clues", "图谱 Explore", "查询 Saved queries",
                                           "报告 Reports", "统计 Statistics", "规则 Rules"]
    assert "li" in at.sidebar.markdown[0].value and "分析人员" in at.sidebar.markdown[0].value
    _one(at.sidebar.button, "退出").click()
    at.run()
    assert len(at.sidebar.radio) == 0 and at.text_input[0].label.startswith("用户名")
    at = _sign_in(_app(), "boss")
    assert "管理 Admin" in at.sidebar.radio[0].options
    _page(at, "管理 Admin")
    assert set(at.dataframe[0].value["用户名 user"]) == {"boss", "zhang", "li"}
    times = [c for d in at.dataframe for c in d.value.columns if any(w in c for w in ("时间", "created", "sign-in"))]
    assert len(times) == 3 and all(c.endswith("(北京时间)") for c in times), times
    assert [e.action for e in reversed(audit.entries(env))][:3] == ["sign_in", "sign_out", "sign_in"]


def test_the_next_user_at_the_browser_inherits_nothing_drawn_for_the_last(env):
    """Sign-out in the same browser session: what was drawn (in clear, for an
    admin) must not be there for an analyst who signs in next."""
    at = _page(_sign_in(_app(), "boss"), "图谱 Explore")
    _one(at.text_input, "姓名").input("张三")
    _one(at.button, "检索").click()
    at.run()
    _pick(at, ID_A)
    at.button(key="explore_draw").click()
    at.run()
    assert ID_A in _shown(at) and any("节点 nodes" in c.value for c in at.caption), "the admin sees a clear ID"
    _one(at.sidebar.button, "退出").click()
    at.run()
    at = _page(_sign_in(at, "li"), "图谱 Explore")
    assert not any("节点 nodes" in c.value for c in at.caption), "no graph is drawn for the new user"
    assert ID_A not in _shown(at) and not [r for r in at.radio if r.key == "explore_pick"]


def test_overview_shows_coverage_and_loads(env):
    at = _sign_in(_app(), "li")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["人员 persons"] == "4" and metrics["户 households"] == "2" and metrics["救助对象 grants"] == "2"
    assert any("gongan_jidongche.csv" in df.value.to_string() for df in at.dataframe)
    loads = next(df.value for df in at.dataframe if "gongan_jidongche.csv" in df.value.to_string()).to_string()
    assert "公安局" in loads and "public_security" not in loads, "agencies by name"
    assert "2026-10-03 16:00 (北京时间)" in loads and "+00:00" not in loads, "times in Beijing time"
    assert "最低生活保障 2" in _shown(at) and "dibao" not in _shown(at), "programmes by name"


def test_a_clue_is_opened_and_assigned_from_the_clues_page(env, tiny):
    detect(tiny, env, [r for r in load_rules() if r.id == "car_during_grant"], "2026-10-31")
    cid = clues.list_clues(env)[0]["clue_id"]
    at = _page(_sign_in(_app(), "boss"), "线索 Clues")
    at.selectbox(key="open_clue").set_value(cid)
    at.run()
    assert not at.exception, at.exception
    shown = _shown(at)
    assert "贵A12345" in shown and ID_A in shown, "an admin sees the narrative and the subject in clear"
    _one(at.selectbox, "核查人 verifier").set_value("zhang")
    _one(at.button, "提交").click()
    at.run()
    assert not at.exception, at.exception
    assert cases.case_of(env, cid)["status"] == "open" and cases.case_of(env, cid)["assignee"] == "zhang"
    assert at.selectbox(key="open_clue").value == cid and "已立案待核查" in _shown(at)
    assert [m.value for m in at.success if "已分派" in m.value], "the step's message survives the page's rerun"
    at.run()
    assert not [m.value for m in at.success if "已分派" in m.value], "and shows once"
    actions = [e.action for e in reversed(audit.entries(env)) if e.action in ("view_clue", "case_change")]
    assert actions == ["view_clue", "case_change"]


def test_an_admins_case_page_counts_the_clues_waiting_to_be_assigned(env, tiny):
    detect(tiny, env, [r for r in load_rules() if r.id == "car_during_grant"], "2026-10-31")
    waiting = len(clues.list_clues(env))
    at = _page(_sign_in(_app(), "boss"), "核查 Cases")
    assert waiting and f"另有 {waiting} 条线索待分派" in _shown(at)
    at = _page(_sign_in(_app(), "zhang"), "核查 Cases")
    assert "待分派" not in _shown(at), "an inspector cannot assign: no such hint"


def test_analysts_open_clues_masked(env, tiny):
    detect(tiny, env, [r for r in load_rules() if r.id == "car_during_grant"], "2026-10-31")
    cid = clues.list_clues(env)[0]["clue_id"]
    at = _page(_sign_in(_app(), "li"), "线索 Clues")
    at.selectbox(key="open_clue").set_value(cid)
    at.run()
    shown = _shown(at) + "".join(df.value.to_string() for df in at.dataframe)
    assert "5201**********123X" in shown and ID_A not in shown
    assert not [b for b in at.button if str(b.label).startswith("提交")], "analysts take no case steps"


def test_explore_searches_namesakes_and_draws_with_an_audit_trail(env):
    at = _page(_sign_in(_app(), "li"), "图谱 Explore")
    _one(at.text_input, "姓名").input("张三")
    _one(at.button, "检索").click()
    at.run()
    options = at.radio(key="explore_pick").options
    assert len(options) == 2 and any("1980-01-01" in o for o in options) and any("1990-05-05" in o for o in options)
    assert ID_A not in "".join(options) and ID_C not in "".join(options)
    assert all("青山村" in o or "绿水村" in o for o in options) and all("无线索" in o for o in options)
    assert at.radio(key="explore_pick").value is None, "no namesake is chosen for the user"
    assert at.button(key="explore_draw").disabled
    at.radio(key="explore_pick").set_value(0)
    at.run()
    at.button(key="explore_draw").click()
    at.run()
    assert not at.exception, at.exception
    assert any("节点 nodes" in c.value for c in at.caption)
    search, view = [e for e in reversed(audit.entries(env)) if e.action in ("search", "view_subgraph")]
    assert search.detail == {"text": "张三", "hits": 2} and sorted(search.subjects) == sorted(
        [f"Person:{ID_A}", f"Person:{ID_C}"])
    assert view.actor == "li" and view.subjects[0].startswith("Person:")


def test_an_ad_hoc_write_is_refused_by_the_database_and_recorded(env, tiny):
    before = tiny.counts()
    at = _page(_sign_in(_app(), "li"), "查询 Saved queries")
    at.text_area[0].input("MATCH (p:Person) DETACH DELETE p")
    at.button(key="adhoc_run").click()
    at.run()
    assert any("只读" in e.value for e in at.error)
    assert tiny.counts() == before
    (entry,) = [e for e in audit.entries(env) if e.action == "run_adhoc"]
    assert "DETACH DELETE" in entry.detail["query"] and "refused" in entry.detail


def test_inspectors_have_no_ad_hoc_box(env):
    at = _page(_sign_in(_app(), "zhang"), "查询 Saved queries")
    assert len(at.text_area) == 0
    offered = at.selectbox(key="query_file").options
    assert any(o.startswith("人员所在户") for o in offered)
    assert not any(o.startswith("某乡镇救助户成员在享受期间登记车辆") for o in offered), "an analysts' query"


def test_a_saved_query_runs_from_its_typed_form_masked_and_audited(env):
    at = _page(_sign_in(_app(), "li"), "查询 Saved queries")
    at.selectbox(key="query_file").set_value("person_household")
    at.run()
    at.text_input(key="q:person_household:citizen_id").input(ID_A)
    [b for b in at.button if str(b.label).startswith("运行") and b.key != "adhoc_run"][0].click()
    at.run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert sorted(table["身份证号"]) == ["5201**********1226", "5201**********123X"], "Chinese headings"
    assert set(table["与户主关系"]) == {"户主", "配偶"}, "codes read as names"
    (entry,) = [e for e in audit.entries(env) if e.action == "run_query"]
    assert entry.detail["query"] == "person_household" and entry.detail["rows"] == 2


def test_an_inspector_works_an_assigned_case_to_its_conclusion(env, tiny):
    from reliefgraph.dashboard.permissions import Viewer

    detect(tiny, env, [r for r in load_rules() if r.id == "car_during_grant"], "2026-10-31")
    cid = clues.list_clues(env)[0]["clue_id"]
    cases.act(env, Viewer("boss", "admin"), cid, "assign", assignee="zhang")
    at = _page(_sign_in(_app(), "zhang"), "核查 Cases")
    assert "分派给我的案件" in _shown(at) and len(at.dataframe[0].value) == 1
    assert ID_A in at.dataframe[0].value.to_string(), "an inspector sees their own case in clear"
    _one(at.selectbox, "打开案件").set_value(cid)
    at.run()
    _one(at.radio, "操作").set_value("start")
    _one(at.button, "提交").click()
    at.run()
    assert not at.exception, at.exception
    assert cases.case_of(env, cid)["status"] == "in_verification"
    assert at.selectbox(key="open_case").value == cid, "the case stays open after a step"
    _one(at.radio, "操作").set_value("confirm")
    _one(at.text_input, "核查结论").input("车辆登记在本人名下，属实")
    _one(at.button, "提交").click()
    at.run()
    case = cases.case_of(env, cid)
    assert case["status"] == "confirmed" and case["conclusion"] == "车辆登记在本人名下，属实"
    assert [e.detail["action"] for e in reversed(audit.entries(env)) if e.action == "case_change"] == [
        "assign", "start", "confirm"]
    assert cases.precision_by_rule(env)[0]["precision"] == 1.0


def test_one_click_from_a_clue_draws_its_subject_with_the_evidence_marked(env, tiny):
    detect(tiny, env, [r for r in load_rules() if r.id == "car_during_grant"], "2026-10-31")
    cid = clues.list_clues(env)[0]["clue_id"]
    at = _page(_sign_in(_app(), "li"), "线索 Clues")
    assert at.selectbox(key="open_clue").value is None, "no clue is open before one is clicked"
    at.selectbox(key="open_clue").set_value(cid)
    at.run()
    at.button(key="clue_open_graph").click()
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.radio[0].value == "图谱 Explore"
    (drawn,) = [c.value for c in at.caption if "节点 nodes" in c.value]
    assert "红色为线索证据路径" in drawn, "the clue's evidence is marked within the neighbourhood"
    assert at.selectbox(key="explore_timeline").value == f"Person:{ID_A}", "the subject's timeline is shown"
    (view,) = [e for e in audit.entries(env) if e.action == "view_subgraph"]
    assert view.subjects == [f"Person:{ID_A}"] and view.detail["from_clue"] is True and view.actor == "li"


def test_expanding_a_node_that_adds_nothing_says_so(env):
    at = _drawn_as_boss(ID_A)
    at.selectbox(key="explore_expand").set_value("Phone:13800138000")
    at.run()
    _one(at.button, "展开邻居").click()
    at.run()
    assert not at.exception, at.exception
    assert any("没有新的邻居" in i.value for i in at.info), "the phone links to nobody not already drawn"


def test_an_admin_changes_a_role_disables_re_enables_and_resets_a_password(env):
    at = _page(_sign_in(_app(), "boss"), "管理 Admin")
    assert "boss" not in at.selectbox(key="admin_who").options, "an admin does not change their own account"

    def apply(who: str, action: str, role: str | None = None, password: str | None = None) -> None:
        at.selectbox(key="admin_who").set_value(who)
        at.radio(key="admin_action").set_value(action)
        if role:
            at.selectbox(key="admin_role").set_value(role)
        if password:
            at.text_input(key="admin_password").input(password)
        _one(at.button, "执行").click()
        at.run()
        assert not at.exception, at.exception

    apply("li", "role", role="verifier")
    assert accounts.get_user(env, "li").role == "verifier"
    apply("li", "disable")
    assert not accounts.get_user(env, "li").active
    apply("li", "enable")
    assert accounts.get_user(env, "li").active
    apply("li", "password", password="short")
    assert any("至少" in e.value for e in at.error), "a weak password is refused with the reason"
    apply("li", "password", password="a much longer one 7")
    assert accounts.sign_in(env, "li", "a much longer one 7").token
    changes = [(e.action, e.subjects, e.detail) for e in reversed(audit.entries(env)) if e.action.startswith("user_")]
    assert changes == [("user_role", ["li"], {"to": "verifier"}), ("user_disable", ["li"], {}),
                       ("user_enable", ["li"], {}), ("user_password", ["li"], {})]
    assert "a much longer one 7" not in str([e.detail for e in audit.entries(env)])
    table = at.dataframe[1].value
    assert "重置密码 user_password" in set(table["操作 action"]) and "详情 detail" in table.columns


def test_a_crowd_is_folded_with_a_message_that_says_so_and_opens_with_its_count(env, tiny):
    # 张三 draws a pension from an agency paying 80 people: everything found is
    # drawn, the crowd is one node, and opening it says how many it holds.
    tiny.write("MATCH (a:Person {citizen_id: $a}) CREATE (a)-[:PENSION]->(o:Org {org_id: 'HUBAPP', name: '社保中心'}) "
               "WITH o UNWIND range(1, 80) AS i "
               "CREATE (:Person {citizen_id: 'Q' + toString(i), name: '领取人'})-[:PENSION]->(o)", {"a": ID_A})
    try:
        at = _drawn_as_boss(ID_A)
        assert not at.exception, at.exception
        assert not [w for w in at.warning if "邻居过多" in w.value], "nothing found was left undrawn"
        assert any("合并为一个方形节点" in i.value for i in at.info)
        group = next(o for o in at.selectbox(key="explore_expand").options if "社保中心" in o and "人员" in o)
        at.selectbox(key="explore_expand").set_value(
            next(r for r, n in at.session_state["explore"]["graph"].nodes.items() if n.folded is not None))
        at.run()
        _one(at.button, "展开邻居").click()
        at.run()
        assert not at.exception, at.exception
        assert any("共 80 个" in i.value for i in at.info), group
    finally:
        tiny.write("MATCH (o:Org {org_id: 'HUBAPP'}) OPTIONAL MATCH (p:Person)-[:PENSION]->(o) "
                   "WHERE p.name = '领取人' DETACH DELETE p, o")


def test_an_admin_puts_a_user_in_a_unit_and_moves_them_out_audited(env):
    from reliefgraph.dashboard import units

    units.add_unit(env, "county-jw", "某县纪委监委", "discipline")
    units.add_unit(env, "town-cg", "城关镇人民政府", "town")
    held = accounts.sign_in(env, "zhang", PW)
    at = _page(_sign_in(_app(), "boss"), "管理 Admin")

    def move(who: str, unit: str | None) -> None:
        at.selectbox(key="admin_who").set_value(who)
        at.radio(key="admin_action").set_value("unit")
        if unit is not None:
            at.selectbox(key="admin_unit").set_value(unit)
        _one(at.button, "执行").click()
        at.run()
        assert not at.exception, at.exception

    move("zhang", None)
    assert any("请选择新单位" in e.value for e in at.error), "no unit chosen: nothing changes"
    assert accounts.get_user(env, "zhang").unit_id is None
    move("zhang", "town-cg")
    assert accounts.get_user(env, "zhang").unit_id == "town-cg"
    assert accounts.session_user(env, held.token) is None, "the new unit holds from the next sign-in"
    shown = at.dataframe[0].value.set_index("用户名 user")
    assert shown.loc["zhang", "单位 unit"] == "城关镇人民政府 (town-cg)"
    move("zhang", "county-jw")
    move("zhang", "")                                   # “无单位 no unit”
    assert accounts.get_user(env, "zhang").unit_id is None
    moves = [(e.actor, e.subjects, e.detail) for e in reversed(audit.entries(env)) if e.action == "user_unit"]
    assert moves == [("boss", ["zhang"], {"unit": "town-cg", "from": None}),
                     ("boss", ["zhang"], {"unit": "county-jw", "from": "town-cg"}),
                     ("boss", ["zhang"], {"unit": None, "from": "county-jw"})]


def test_an_admin_adds_a_user_straight_into_a_unit(env):
    from reliefgraph.dashboard import units

    units.add_unit(env, "town-cg", "城关镇人民政府", "town")
    at = _page(_sign_in(_app(), "boss"), "管理 Admin")
    _one(at.text_input, "用户名").input("wang")
    _one(at.selectbox, "角色").set_value("verifier")
    _one(at.text_input, "初始密码").input("a long password 3")
    at.selectbox(key="admin_add_unit").set_value("town-cg")
    _one(at.button, "创建").click()
    at.run()
    assert not at.exception, at.exception
    assert accounts.get_user(env, "wang").unit_id == "town-cg"
    (added,) = [e for e in audit.entries(env) if e.action == "user_add"]
    assert added.detail == {"role": "verifier", "unit": "town-cg"}


@pytest.mark.parametrize("role", list(accounts.ROLES))
def test_only_an_admin_may_change_whom_a_unit_holds(env, role):
    from reliefgraph.dashboard import pages_admin, units
    from reliefgraph.dashboard.permissions import PermissionDenied, Viewer

    units.add_unit(env, "town-cg", "城关镇人民政府", "town")
    accounts.add_user(env, "tried", PW, role, unit_id="town-cg")
    at = _sign_in(_app(), "tried")
    assert ("管理 Admin" in at.sidebar.radio[0].options) == (role == "admin")
    if role != "admin":
        # Even called directly, the page refuses before it shows or changes anything.
        with pytest.raises(PermissionDenied):
            pages_admin.render(type("Ctx", (), {"viewer": Viewer("tried", role, unit_id="town-cg")})())
        assert not [e for e in audit.entries(env) if e.action == "user_unit"]
