"""The explorer and graph drawing on the real embedded engine: search,
neighbourhoods with filters and a cap, masking on the page and in exports."""
from __future__ import annotations

import csv
import io
import json

import pytest
from dashboard_county import COMPANY, ID_A, ID_B, ID_C, ID_D, PHONE, PLATE

from reliefgraph.dashboard import explore, graphlayout, graphview
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.graph.schema import SchemaError

ADMIN = Viewer("boss", "admin")


def _escaped(text: str) -> str:
    # pyvis writes node data as ASCII JSON: 张三 travels as \\u5f20\\u4e09.
    return json.dumps(text)[1:-1]

ANALYST = Viewer("li", "analyst")


def test_namesakes_are_told_apart_by_birth_date_and_village(tiny):
    found = explore.search(tiny, "张三", ANALYST)
    assert sorted(c.key for c in found) == sorted([ID_A, ID_C])
    details = {c.key: c.detail for c in found}
    assert "1980-01-01" in details[ID_A] and "青山村" in details[ID_A]
    assert "1990-05-05" in details[ID_C] and "绿水村" in details[ID_C]
    assert all(ID_A not in c.shown_key and c.shown_key.startswith("5201****") for c in found)


@pytest.mark.parametrize("text, label, key", [
    (ID_A.lower(), "Person", ID_A),                 # lower-case x as typed
    ("５２０１０１１９８２０３０４１２２６", "Person", ID_B),  # full-width digits
    (PLATE, "Vehicle", "VIN0001"),
    (COMPANY, "Company", COMPANY),
    ("青禾建材", "Company", COMPANY),                # part of a company name
    (PHONE, "Phone", PHONE),
])
def test_search_by_id_plate_credit_code_company_name_or_phone(tiny, text, label, key):
    found = explore.search(tiny, text, ADMIN)
    assert [(c.label, c.key) for c in found] == [(label, key)]


def test_search_values_travel_as_parameters(tiny):
    assert explore.search(tiny, "' OR 1=1 //", ADMIN) == []
    assert explore.search(tiny, "x'}) DETACH DELETE n //", ADMIN) == []
    assert tiny.read("MATCH (p:Person) RETURN count(p)").scalar() == 4


def test_two_hops_reach_the_wifes_company_but_not_through_the_programme(tiny):
    sub, found = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=2)
    refs = set(sub.nodes)
    assert {f"Person:{ID_B}", f"Company:{COMPANY}", "Vehicle:VIN0001", "Grant:G1", "Programme:dibao"} <= refs
    assert "Grant:G2" not in refs, "the programme is a hub: drawn, never walked through"
    assert not any(r.startswith("LoadBatch:") for r in refs)
    assert not sub.truncated and found == len(refs)
    one, _ = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=1)
    assert f"Company:{COMPANY}" not in one.nodes and f"Person:{ID_B}" in one.nodes


def test_relationship_type_and_time_window_filters(tiny):
    kin, _ = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=1, filters=explore.Filters(types=("KIN",)))
    assert set(kin.nodes) == {f"Person:{ID_A}", f"Person:{ID_B}"} and kin.rel_types() == ["KIN"]
    # The company tie ended in 2019 and the car came in 2023: a 2021 window shows neither.
    window = explore.Filters(start="2021-01-01", end="2021-12-31")
    sub, _ = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=2, filters=window)
    assert "Vehicle:VIN0001" not in sub.nodes and f"Company:{COMPANY}" not in sub.nodes
    assert f"Person:{ID_B}" in sub.nodes
    # The grant began in 2022: its spell (on the node, not the link) is outside a 2021 window …
    assert "Grant:G1" not in sub.nodes and "Programme:dibao" not in sub.nodes
    # … and inside a 2022 one, which the car (2023) is not.
    later, _ = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=2,
                                     filters=explore.Filters(start="2022-06-01", end="2022-12-31"))
    assert "Grant:G1" in later.nodes and "Vehicle:VIN0001" not in later.nodes


def test_an_expansion_under_a_window_adds_only_facts_in_force_then(tiny):
    # One hop from the household, 2021: the grant of 2022 is not reached, so expanding adds nothing.
    window = explore.Filters(start="2021-01-01", end="2021-12-31")
    sub, _ = explore.neighbourhood(tiny, "Household", "H1", ADMIN, hops=1, filters=window)
    assert "Grant:G1" not in sub.nodes
    unfiltered, _ = explore.neighbourhood(tiny, "Household", "H1", ADMIN, hops=1)
    assert "Grant:G1" in unfiltered.nodes


def test_refiltering_keeps_the_drawn_places_and_says_what_changed(tiny):
    from reliefgraph.dashboard import graphlayout

    old, _ = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=1)
    graphlayout.layout(old, f"Person:{ID_A}")
    places = graphlayout.positions(old)
    new, _ = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=1, filters=explore.Filters(types=("KIN",)))
    text = graphlayout.refilter_notice(old, new)
    assert "移除" in text and f"Person:{ID_B}" in new.nodes
    assert (new.nodes[f"Person:{ID_B}"].x, new.nodes[f"Person:{ID_B}"].y) == places[f"Person:{ID_B}"]
    again, _ = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=1, filters=explore.Filters(types=("KIN",)))
    assert "无变化" in graphlayout.refilter_notice(new, again)


def test_a_neighbourhood_too_big_to_draw_is_capped_and_says_so(tiny):
    sub, found = explore.neighbourhood(tiny, "Person", ID_D, ADMIN, hops=1, collapse=False)
    assert sub.truncated and len(sub.nodes) == graphview.MAX_DRAW_NODES and found == 201
    assert f"Person:{ID_D}" in sub.nodes


def test_monthly_payments_to_one_payee_are_drawn_as_one_node(tiny):
    sub, found = explore.neighbourhood(tiny, "Person", ID_D, ADMIN, hops=1)
    assert not sub.truncated and found == 2 and len(sub.nodes) == 2
    (folded,) = [n for n in sub.nodes.values() if n.label == "Payment"]
    assert folded.caption == "发放 200 笔 2024-01–2024-01" and folded.key is None
    assert folded.props["笔数 count"] == 200 and folded.props["amount"] == 60000.0
    (edge,) = sub.edges.values()
    assert (edge.start, edge.end, edge.type) == (folded.ref, f"Person:{ID_D}", "PAID_TO")


def test_a_single_payment_stays_a_payment(tiny):
    sub = graphview.Subgraph()
    sub.add_node(graphview.DrawNode("Payment:P1", "Payment", "P1", "2024-01", {"month": "2024-01"}))
    sub.add_node(graphview.DrawNode(f"Person:{ID_D}", "Person", ID_D, "王五", {}))
    sub.add_edge(graphview.DrawEdge("Payment:P1", f"Person:{ID_D}", "PAID_TO"))
    assert set(graphview.collapse_payments(sub).nodes) == {"Payment:P1", f"Person:{ID_D}"}


def test_the_drawn_subgraph_exports_as_a_png(tiny):
    sub, _ = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=2)
    png = graphview.to_png(sub)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000


def test_labels_come_from_the_schema_only(tiny):
    with pytest.raises(SchemaError):
        explore.neighbourhood(tiny, "Person) DETACH DELETE (x", ID_A, ADMIN)


def test_the_drawn_page_and_exports_hold_only_what_the_viewer_may_see(tiny):
    sub, _ = explore.neighbourhood(tiny, "Person", ID_A, ANALYST, hops=2)
    page = graphview.to_html(sub, centre=f"Person:{ID_A}")
    nodes, edges = graphview.nodes_csv(sub).decode("utf-8-sig"), graphview.edges_csv(sub).decode("utf-8-sig")
    for text in (page, nodes, edges):
        for secret in (ID_A, ID_B, PHONE, "青山村1组8号"):
            assert secret not in text and _escaped(secret) not in text, secret
    assert "5201**********123X" in page and "5201**********123X" in nodes
    assert "#4E79A7" in page, "Person colour from schema.yaml"
    assert _escaped("张三") in page and _escaped("家庭成员") in page, "captions and relationship names in Chinese"
    assert "1组8号" not in nodes and "贵州省某县" in nodes, "addresses keep only their start"
    assert "青山镇 青山村 (520101101201)" in nodes and "性别=女" in nodes, "codes read as names in the export"
    admin_view, _ = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=1)
    assert ID_A in graphview.nodes_csv(admin_view).decode("utf-8-sig")


def test_hostile_captions_cannot_escape_the_page_or_run_in_a_spreadsheet(tiny):
    tiny.write("CREATE (:Company {credit_code: 'X1', name: $script}), (:Company {credit_code: 'X2', name: $formula})",
               {"script": "</script><script>alert(1)</script>", "formula": '=HYPERLINK("http://x")'})
    try:
        rows = tiny.read("MATCH (c:Company) WHERE c.credit_code IN ['X1', 'X2'] RETURN c").rows
        sub = graphview.from_engine(rows, ADMIN)
        assert "<script>alert(1)" not in graphview.to_html(sub)
        text = graphview.nodes_csv(sub).decode("utf-8-sig")
        captions = {row["名称 caption"] for row in csv.DictReader(io.StringIO(text))}
        assert "'=HYPERLINK(\"http://x\")" in captions
    finally:
        tiny.write("MATCH (c:Company) WHERE c.credit_code IN ['X1', 'X2'] DELETE c")


def test_cap_keeps_the_centre_and_pinned_nodes():
    sub = graphview.Subgraph()
    for i in range(10):
        sub.add_node(graphview.DrawNode(f"Person:{i}", "Person", str(i), str(i), {}))
    sub.nodes["Person:9"].pinned = True
    small = graphview.cap(sub, 3, keep=["Person:5"])
    assert set(small.nodes) == {"Person:5", "Person:9", "Person:0"} and small.truncated
    assert graphview.cap(sub, 20) is sub


def test_a_hub_one_hop_out_brings_a_bounded_share_of_its_neighbours(tiny):
    # 张三 is on a payroll of 60: two hops from him would otherwise be his 59 colleagues.
    tiny.write("MATCH (a:Person {citizen_id: $a}) CREATE (a)-[:ON_PAYROLL]->(o:Org {org_id: 'ORG1', name: '镇政府'}) "
               "WITH o UNWIND range(1, 59) AS i "
               "CREATE (:Person {citizen_id: 'X' + toString(i), name: '同事'})-[:ON_PAYROLL]->(o)", {"a": ID_A})
    try:
        sub, _ = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=2)
        assert not [n for n in sub.nodes.values() if n.caption == "同事"], "colleagues are folded, not drawn one by one"
        (group,) = [n for n in sub.nodes.values() if n.folded is not None]
        assert group.caption == "59 名同事 · 镇政府", "the caption counts every colleague, not just those fetched"
        assert len(group.folded.nodes) == explore.PER_NODE
        assert [(e.start, e.end, e.type) for e in sub.edges.values() if group.ref in (e.start, e.end)] == [
            (group.ref, "Org:ORG1", "ON_PAYROLL")], "the arrow runs as the members' did"
        assert sub.truncated, "the view says there was more than it drew"
        assert f"Person:{ID_B}" in sub.nodes and "Org:ORG1" in sub.nodes, "the first hop is all there"
        opened = graphlayout.unfold(graphlayout.layout(sub, f"Person:{ID_A}"), group.ref)
        colleagues = [n for n in opened.nodes.values() if n.caption == "同事"]
        assert len(colleagues) == explore.PER_NODE and group.ref not in opened.nodes
        assert all(n.x is not None for n in opened.nodes.values()), "the members are placed where the group was"
        assert len([e for e in opened.edges.values() if e.end == "Org:ORG1"]) == explore.PER_NODE + 1
    finally:
        tiny.write("MATCH (o:Org {org_id: 'ORG1'}) OPTIONAL MATCH (p:Person)-[:ON_PAYROLL]->(o) "
                   "WHERE p.name = '同事' DETACH DELETE p, o")


class _RowCounter:
    """The real store, counting the rows each read brings back to Python."""

    def __init__(self, store):
        self.store, self.rows = store, []

    def read(self, query, params=None, **kw):
        result = self.store.read(query, params, **kw)
        self.rows.append(sum(len(r[1]) if len(r) == 3 and isinstance(r[1], list) else 1 for r in result.rows))
        return result


@pytest.fixture
def pension_hub(tiny):
    # An agency nobody named in advance: an Org of an unlisted kind with 500
    # people drawing a pension from it, 张三 among them.
    tiny.write("MATCH (a:Person {citizen_id: $a}) "
               "CREATE (a)-[:PENSION {start: '2020-01'}]->(o:Org {org_id: 'HUB1', name: '某县社保中心', org_type: 'x_unknown'}) "
               "WITH o UNWIND range(1, 499) AS i "
               "CREATE (:Person {citizen_id: 'P' + toString(i), name: '领取人'})-[:PENSION {start: '2021-01'}]->(o)",
               {"a": ID_A})
    yield tiny
    tiny.write("MATCH (o:Org {org_id: 'HUB1'}) OPTIONAL MATCH (p:Person)-[:PENSION]->(o) "
               "WHERE p.name = '领取人' DETACH DELETE p, o")


def test_a_hub_of_any_kind_is_collapsed_and_never_fetched_in_full(pension_hub):
    counted = _RowCounter(pension_hub)
    sub, _ = explore.neighbourhood(counted, "Person", ID_A, ADMIN, hops=2)
    assert max(counted.rows) < 100, "the second hop brings a bounded share of the hub, not its 500 members"
    assert not [n for n in sub.nodes.values() if n.caption == "领取人"]
    (group,) = [n for n in sub.nodes.values() if n.folded is not None]
    assert group.caption == "499 个人员（领取养老金）· 某县社保中心", "the caption counts every member but 张三"
    assert len(group.folded.nodes) == explore.PER_NODE and sub.truncated
    # Opened on request: the members fetched, and a message saying how many more there are.
    opened = graphlayout.unfold(graphlayout.layout(sub, f"Person:{ID_A}"), group.ref)
    assert len([n for n in opened.nodes.values() if n.caption == "领取人"]) == explore.PER_NODE
    notice = graphlayout.group_cap_notice(group)
    assert f"共 499 个，仅列出 {explore.PER_NODE} 个" in notice
    # Expanding the hub itself stays within the drawing's cap.
    hub, _ = explore.neighbourhood(counted, "Org", "HUB1", ADMIN, hops=1)
    assert len(hub.nodes) == graphview.MAX_DRAW_NODES and hub.truncated


def test_a_hub_counted_past_the_cap_reads_as_open_ended(pension_hub, monkeypatch):
    monkeypatch.setattr(explore, "COUNT_CAP", 100)
    sub, _ = explore.neighbourhood(pension_hub, "Person", ID_A, ADMIN, hops=2)
    (group,) = [n for n in sub.nodes.values() if n.folded is not None]
    assert group.caption == "100+ 个人员（领取养老金）· 某县社保中心"
    assert "共 100+ 个" in graphlayout.group_cap_notice(group)


def test_a_filtered_hub_counts_only_what_the_window_keeps(pension_hub):
    # Only 张三's pension started in 2020: in a 2020 window the hub has nobody else.
    window = explore.Filters(start="2020-01-01", end="2020-12-31")
    sub, _ = explore.neighbourhood(pension_hub, "Person", ID_A, ADMIN, hops=2, filters=window)
    assert "Org:HUB1" in sub.nodes
    assert not [n for n in sub.nodes.values() if n.folded is not None or n.caption == "领取人"]
    wide = explore.Filters(start="2019-01-01")
    sub, _ = explore.neighbourhood(pension_hub, "Person", ID_A, ADMIN, hops=2, filters=wide)
    (group,) = [n for n in sub.nodes.values() if n.folded is not None]
    assert group.caption.startswith("499 个人员")


def test_drawn_captions_and_tooltips_read_as_names_not_codes(tiny):
    sub, _ = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=2)
    captions = {ref: n.caption for ref, n in sub.nodes.items()}
    assert captions["Programme:dibao"] == "最低生活保障"
    assert captions["Grant:G1"] == "最低生活保障 在保 (G1)"
    assert captions["Household:H1"] == "青山镇 青山村 户 (H1)"
    assert captions["Region:520101101201"] == "青山镇 青山村"
    assert not any(c in ("dibao", "G1", "H1", "520101101201") for c in captions.values())
    page = graphview.to_html(sub, centre=f"Person:{ID_A}")
    assert _escaped("所在村居: 青山镇 青山村 (520101101201)") in page, "tooltips name the village"


def test_graph_exports_follow_the_one_export_rule(tiny):
    import openpyxl

    sub, _ = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=1)
    assert graphview.nodes_csv(sub).startswith(b"\xef\xbb\xbf") and graphview.edges_csv(sub).startswith(b"\xef\xbb\xbf")
    sheet = openpyxl.load_workbook(io.BytesIO(graphview.nodes_xlsx(sub))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(graphview.NODE_COLUMNS)
    assert {r[3] for r in rows[1:]} >= {"张三", "青山镇 青山村 户 (H1)"}
