"""An inspector's day in a real browser: sign in, find a planted person by
name and by pinyin initials, open a clue and go from it to its subject's
graph, expand it, read the timeline, export, run a saved query, take a case
to confirmed.

Each step is screenshotted (see conftest.py for where the pictures go) and
must leave no Streamlit exception box on the page, no English placeholder of
Streamlit's, and Chinese text; the drawing's labels must be at least 12 px
at the default zoom.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from streamlit_page import choose, go_to, no_exception, open_select, settle

from reliefgraph.appdb import connect
from reliefgraph.dashboard import audit, cases, cluetable
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.queries import clues as clue_store


@pytest.fixture(scope="module")
def planted(demo) -> dict:
    """A clue detection raised on the demo county: a grant household with a car."""
    rows = [c for c in clue_store.list_clues(connect(demo.app_db)) if "car_during_grant" in (c["rule_ids"] or [])]
    assert rows, "the demo county plants cars in grant households"
    return rows[0]


@pytest.fixture(scope="module")
def page(browser_context, dashboard_url) -> Page:
    page = browser_context.new_page()
    page.goto(dashboard_url)
    settle(page)
    return page


HAN = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_PLACEHOLDERS = ("Choose an option", "Choose options", "Select...", "No results", "No options to select")


def readable(page: Page) -> None:
    """Chinese on the page and none of Streamlit's English placeholders."""
    text = page.locator("body").inner_text()
    assert HAN.search(text), "the page shows Chinese text"
    shown = [p for p in ENGLISH_PLACEHOLDERS if p in text]
    assert not shown, shown


def _codes() -> list[str]:
    from reliefgraph.queries.names import offline
    from reliefgraph.queries.rules import FAMILIES

    vocab = offline().vocab
    # Codes that are also English words (organisation, finance, temporary)
    # legitimately appear in the English half of a label: only the codes no
    # English sentence holds are looked for.
    return sorted(c for c in {*vocab["programme"], *vocab["agency"], *FAMILIES} if "_" in c or c == "dibao")


# A code shown alone: not inside the parentheses of `名称 (code)`, not part of a longer word.
CODE_ONLY = re.compile(r"(?<![\w(])(?:" + "|".join(map(re.escape, _codes())) + r")(?![\w)])")
REGION_CODE_ONLY = re.compile(r"(?<![\d(*])\d{9}(?:\d{3})?(?![\d)*])")


def names_not_codes(page: Page) -> None:
    """No programme, agency or family code, and no region code, shown without its name:
    in the page's text and in every drawing's node labels."""
    text = page.locator("[data-testid='stMain']").inner_text()
    assert not CODE_ONLY.search(text), CODE_ONLY.search(text).group(0)
    assert not REGION_CODE_ONLY.search(text), REGION_CODE_ONLY.search(text).group(0)
    for frame in page.frames[1:]:
        if not frame.evaluate("typeof data !== 'undefined' && Array.isArray(data.nodes)"):
            continue
        for label in frame.evaluate("() => data.nodes.map(n => n.label)"):
            assert not CODE_ONLY.fullmatch(label) and not REGION_CODE_ONLY.fullmatch(label), label
            assert HAN.search(label) or re.search(r"\*", label) or re.match(r"^[\w\u4e00-\u9fff]", label), label


def text_at_least_12px(page: Page) -> None:
    """Every piece of text in the main area is set at 12 px or more at the default zoom."""
    small = page.evaluate("""() => {
        const out = [];
        const walker = document.createTreeWalker(document.querySelector('[data-testid="stMain"]'),
                                                 NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const el = walker.currentNode.parentElement;
            if (!el || !walker.currentNode.textContent.trim() || !el.offsetParent) continue;
            const size = parseFloat(getComputedStyle(el).fontSize);
            if (size < 12) out.push([walker.currentNode.textContent.trim().slice(0, 30), size]);
        }
        return out.slice(0, 5);
    }""")
    assert not small, small


@pytest.fixture(scope="module")
def shot(page, artifacts):
    def take(name: str) -> None:
        no_exception(page)
        readable(page)
        names_not_codes(page)
        text_at_least_12px(page)
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    return take


def sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("用户名 User name").fill(username)
    page.get_by_label("密码 Password").fill(password)
    page.get_by_role("button", name="登录 Sign in").click()
    settle(page)
    expect(page.get_by_role("button", name="退出 sign out")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出 sign out").click()
    settle(page)
    expect(page.get_by_role("button", name="登录 Sign in")).to_be_visible()


def test_1_sign_in_shows_the_overview(page, demo, shot):
    shot("01_sign_in_page")
    sign_in(page, "demo_admin", demo.passwords["demo_admin"])
    expect(page.get_by_role("heading", name=re.compile("总览 Overview"))).to_be_visible()
    expect(page.get_by_text("有效线索 active clues")).to_be_visible()
    shot("02_overview")


def _search(page: Page, text: str) -> None:
    page.get_by_label(re.compile("姓名")).fill(text)
    page.get_by_role("button", name="检索 search").click()
    settle(page)


def test_2_search_a_planted_person_and_draw_the_graph(page, planted, shot):
    from pypinyin import Style, lazy_pinyin

    go_to(page, "图谱 Explore")
    initials = "".join(lazy_pinyin(planted["subject_name"], style=Style.FIRST_LETTER))
    _search(page, initials)
    expect(page.get_by_text(planted["subject_id"]).first).to_be_visible()
    _search(page, planted["subject_name"])
    expect(page.get_by_text(re.compile(r"线索 \d+ 条")).first).to_be_visible()
    expect(page.get_by_role("button", name="绘制 draw")).to_be_disabled()
    shot("03_search_namesakes_none_chosen")
    page.get_by_text(planted["subject_id"]).first.click()
    settle(page)
    page.get_by_role("button", name="绘制 draw").click()
    settle(page)
    frame = page.frame_locator("iframe").first
    expect(frame.locator("canvas")).to_be_visible()
    expect(page.get_by_text("图例 legend")).to_be_visible()
    _drawn(page)
    _labels_readable(page)
    shot("04_graph_drawn")


def test_2b_from_a_clue_one_click_opens_its_subjects_graph(page, demo, planted, shot):
    go_to(page, "线索 Clues")
    expect(page.get_by_text(re.compile(r"\d+ 条线索 clues"))).to_be_visible()
    # Clicking the table's first row opens that clue beside the table.
    first = cluetable.clue_rows(connect(demo.app_db), Viewer("demo_admin", "admin"))[0]
    grid = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    page.mouse.click(grid["x"] + 14, grid["y"] + 35 + 17)       # the row's selection cell, below the header
    settle(page)
    expect(page.get_by_role("heading", name=re.compile(re.escape(first["subject"])))).to_be_visible()
    choose(page, "打开线索 open a clue", planted["subject_id"])
    expect(page.get_by_role("button", name=re.compile("在图谱中查看"))).to_be_visible()
    shot("05_clue_beside_the_table")
    page.get_by_role("button", name=re.compile("在图谱中查看")).click()
    settle(page)
    expect(page.get_by_role("heading", name=re.compile("图谱 Explore"))).to_be_visible()
    expect(page.get_by_text(re.compile("红色为线索证据路径"))).to_be_visible()
    _drawn(page)
    _labels_readable(page)
    shot("06_clue_subject_graph_with_evidence")

def test_3_expand_a_node(page, planted, shot):
    before = _node_count(page)
    kept = _positions(page)
    open_select(page, "展开 expand")
    page.keyboard.type("人员")           # the list is virtualised: filter it to the people
    # Another person drawn at the edge (a household member or kin) has
    # neighbours of their own that the two hops around the centre left out.
    people = page.get_by_role("option").filter(has_text="(人员)")
    assert people.count() >= 2, "the planted person's household has more than one member"
    people.filter(has_not_text=planted["subject_name"] or "—").first.click()
    settle(page)
    page.get_by_role("button", name="展开邻居 expand").click()
    settle(page)
    expect(page.frame_locator("iframe").first.locator("canvas")).to_be_visible()
    expect(page.get_by_text(re.compile("展开「.*」："))).to_be_visible()
    assert _node_count(page) >= before
    _drawn(page)
    after = _positions(page)
    assert {i: after[i] for i in kept if i in after} == {i: kept[i] for i in kept if i in after}, \
        "nodes already drawn stay where they were"
    _labels_readable(page)
    shot("07_node_expanded")
    # The same node again: everything linked to it is drawn now, and the page says so.
    page.get_by_role("button", name="展开邻居 expand").click()
    settle(page)
    expect(page.get_by_text(re.compile("没有新的邻居"))).to_be_visible()
    assert _positions(page) == after or set(after) <= set(_positions(page))
    shot("07b_expanded_again_nothing_new")


def test_3a_the_timeline_is_a_chart(page, shot):
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    expect(page.get_by_text(re.compile("同一时间轴"))).to_be_visible()
    shot("08_timeline")


def test_3b_the_drawn_graph_downloads_as_a_picture(page, artifacts):
    with page.expect_download() as download:
        page.get_by_role("button", name="导出 PNG 图片").click()
    path = artifacts / "09_subgraph_export.png"
    download.value.save_as(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
    settle(page)
    no_exception(page)


def test_3c_graph_nodes_download_as_csv_with_a_bom_and_as_excel(page, demo, artifacts):
    import openpyxl

    with page.expect_download() as download:
        page.get_by_role("button", name="节点 CSV nodes").click()
    path = artifacts / "nodes.csv"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and "名称 caption" in path.read_text("utf-8-sig")
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="节点 Excel nodes").click()
    path = artifacts / "nodes.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][3] == "名称 caption" and len(rows) > 2
    settle(page)
    # Each file that left the system is in the audit log, once, with what it held.
    made = [e.detail.get("format") for e in audit.entries(connect(demo.app_db), action="export", limit=20)]
    assert made.count("nodes.csv") == 1 and made.count("nodes.xlsx") == 1, made


def test_3d_the_clue_table_downloads_as_excel_with_ids_as_text(page, demo, artifacts):
    import openpyxl

    go_to(page, "线索 Clues")
    with page.expect_download() as download:
        page.get_by_role("button", name="导出 Excel export").click()
    path = artifacts / "clues.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert "身份证号 ID" in header and "乡镇 town" in header, header
    ids = [row[header.index("身份证号 ID")] for row in sheet.iter_rows(min_row=2)]
    assert len(ids) == len(cluetable.clue_rows(connect(demo.app_db), Viewer("demo_admin", "admin")))
    for cell in ids:
        assert cell.data_type == "s" and cell.number_format == "@", (cell.value, cell.data_type)
        assert re.fullmatch(r"\d{17}[\dX]", cell.value), "an administrator's export holds the full ID, as text"
    towns = [row[header.index("乡镇 town")].value for row in sheet.iter_rows(min_row=2)]
    assert all(HAN.search(t) for t in towns if t), "towns by name"
    settle(page)
    no_exception(page)


def _drawn(page: Page) -> None:
    """Wait for vis-network to draw (its loading bar goes away)."""
    expect(page.frame_locator("iframe").first.locator("#loadingBar")).to_be_hidden(timeout=60_000)
    page.wait_for_timeout(500)


def _drawing(page: Page):
    """The frame holding the explorer's vis-network drawing (the last one drawn on the page)."""
    frames = [f for f in page.frames[1:] if f.evaluate("typeof network !== 'undefined'")]
    assert frames, "a drawing is on the page"
    return frames[0]


def _labels_readable(page: Page) -> None:
    """Node labels at the default zoom: font size (canvas units) × the view's scale, in CSS pixels."""
    got = _drawing(page).evaluate("() => ({scale: network.getScale(), font: data.options.nodes.font.size,"
                                  " nodes: data.nodes.length, edgeLabels: data.edges.filter(e => e.label).length})")
    assert got["nodes"] > 1 and got["font"] * got["scale"] >= 12, got
    assert got["edgeLabels"] == 0, "relationship names show on hover, not over the drawing"


def _positions(page: Page) -> dict:
    return _drawing(page).evaluate("() => network.getPositions()")


def _node_count(page: Page) -> int:
    text = page.get_by_text(re.compile(r"节点 nodes \d+")).first.inner_text()
    return int(re.search(r"节点 nodes (\d+)", text).group(1))


def test_4_run_a_saved_query(page, planted, shot):
    go_to(page, "查询 Saved queries")
    choose(page, "选择查询 choose a query", "人员所在户")
    # The ID box offers the county's grant holders; any other ID is typed beside it.
    page.get_by_label("或直接输入 or type another", exact=True).fill(planted["subject_id"])
    page.get_by_role("button", name="运行 run").first.click()
    settle(page)
    expect(page.get_by_text(re.compile(r"^\d+ 行 rows"))).to_be_visible()
    expect(page.get_by_role("button", name="导出 CSV export")).to_be_visible()
    shot("10_saved_query")


def test_5_a_case_goes_to_confirmed(page, demo, planted, shot):
    cid = planted["clue_id"]
    go_to(page, "线索 Clues")
    choose(page, "打开线索 open a clue", planted["subject_id"])
    expect(page.get_by_text("案件处置 case")).to_be_visible()
    _step(page, "分派 Assign", inspector="demo_verifier")
    shot("11_case_assigned")
    sign_out(page)

    sign_in(page, "demo_verifier", demo.passwords["demo_verifier"])
    go_to(page, "核查 Cases")
    choose(page, "打开案件 open a case", cid)
    _step(page, "开始核查 Start verification")
    shot("12_case_in_verification")
    _step(page, "认定属实 Confirm", conclusion="经核查，该户成员名下确有车辆，属实。")
    expect(page.get_by_text(re.compile("状态 status: 属实 Confirmed"))).to_be_visible()
    shot("13_case_confirmed")
    engine = connect(demo.app_db)
    assert cases.case_of(engine, cid)["status"] == "confirmed"
    changes = [(e.actor, e.detail.get("action")) for e in audit.entries(engine, subject=f"Clue:{cid}")
               if e.action == "case_change"]
    assert changes == [("demo_verifier", "confirm"), ("demo_verifier", "start"), ("demo_admin", "assign")]


def _step(page: Page, action: str, inspector: str | None = None, conclusion: str | None = None) -> None:
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_text("操作 action"))
    form.get_by_text(action, exact=True).click()
    if inspector:
        open_select(page, "核查人 verifier")
        page.get_by_role("option").filter(has_text=inspector).first.click()
    if conclusion:
        form.get_by_label(re.compile("核查结论 conclusion")).fill(conclusion)
    form.get_by_role("button", name="提交 submit").click()
    settle(page)
    no_exception(page)


FULL_ID = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")   # not inside a hex digest


def test_6_an_analysts_browser_never_receives_a_clear_id(browser_context, dashboard_url, demo, planted):
    """Masking is checked where it matters: in what reaches the browser (the
    page source, the drawing's frame, every websocket message), not in what
    the page happens to show."""
    received: list[bytes] = []
    page = browser_context.new_page()
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda data: received.append(data if isinstance(data, bytes) else data.encode())))
    try:
        page.goto(dashboard_url)
        settle(page)
        sign_in(page, "demo_analyst", demo.passwords["demo_analyst"])
        go_to(page, "图谱 Explore")
        _search(page, planted["subject_name"])
        masked = re.compile(re.escape(planted["subject_id"][:4]) + r"\*+" + re.escape(planted["subject_id"][-4:]))
        page.get_by_text(masked).first.click()
        settle(page)
        page.get_by_role("button", name="绘制 draw").click()
        settle(page)
        _drawn(page)
        no_exception(page)
        sources = [page.content()] + [frame.content() for frame in page.frames[1:]]
        assert any(planted["subject_name"] in s for s in sources), "the drawing must be there to be checked"
        assert len(received) > 10 and sum(map(len, received)) > 10_000
        for text in sources:
            assert planted["subject_id"] not in text
            assert not FULL_ID.search(text), FULL_ID.search(text).group(0)
        for message in received:
            assert planted["subject_id"].encode() not in message
            assert not FULL_ID.search(message.decode("latin-1"))
    finally:
        page.close()


@pytest.mark.parametrize("role", ["admin", "verifier", "analyst"])
def test_7_every_page_as_each_role_speaks_in_names(browser_context, dashboard_url, demo, planted, artifacts,
                                                   role):
    """Each page each role sees, screenshotted: Chinese text, no English
    placeholder, no code shown without its name, text at 12 px or more; the
    clue page with a clue open and the explorer with a drawing."""
    page = browser_context.new_page()
    try:
        page.goto(dashboard_url)
        settle(page)
        sign_in(page, f"demo_{role}", demo.passwords[f"demo_{role}"])
        listed = [t.strip() for t in page.locator('[data-testid="stSidebar"] [data-testid="stRadioOption"]')
                  .all_inner_texts()]
        for i, name in enumerate(listed):
            go_to(page, name)
            if name == "线索 Clues":
                choose(page, "打开线索 open a clue", planted["subject_name"] or planted["clue_id"])
                _drawn(page)
            if name == "图谱 Explore":
                _search(page, planted["subject_name"])
                page.get_by_text(re.compile(r"线索 [1-9]\d* 条")).first.click()
                settle(page)
                page.get_by_role("button", name="绘制 draw").click()
                settle(page)
                _drawn(page)
                _labels_readable(page)
            no_exception(page)
            readable(page)
            names_not_codes(page)
            text_at_least_12px(page)
            page.screenshot(path=str(artifacts / f"role_{role}_{i}_{name.split()[-1]}.png"), full_page=True)
        assert ("管理 Admin" in listed) == (role == "admin") and "图谱 Explore" in listed, listed
    finally:
        page.close()
