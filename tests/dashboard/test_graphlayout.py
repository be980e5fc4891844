"""A drawing that holds still and reads: seeded positions kept across
expansions, labels big enough at the default zoom, relationship names on
hover, a clue's evidence marked within the neighbourhood."""
from __future__ import annotations

from dashboard_county import ID_A, ID_B

from reliefgraph.dashboard import explore, graphlayout, graphview
from reliefgraph.dashboard.permissions import Viewer

ADMIN = Viewer("boss", "admin")
CENTRE = f"Person:{ID_A}"


def _fresh(tiny, hops=2):
    sub, _ = explore.neighbourhood(tiny, "Person", ID_A, ADMIN, hops=hops)
    return sub


def test_the_same_neighbourhood_is_laid_out_the_same_way_every_time(tiny):
    first = graphlayout.positions(graphlayout.layout(_fresh(tiny), CENTRE))
    again = _fresh(tiny)
    again.nodes = dict(reversed(list(again.nodes.items())))        # whatever order the engine returned
    assert graphlayout.positions(graphlayout.layout(again, CENTRE)) == first
    assert first[CENTRE] == (0.0, 0.0) and len({xy for xy in first.values()}) == len(first), "no two nodes overlap"


def test_an_expansion_moves_nothing_already_drawn(tiny):
    sub = graphlayout.layout(_fresh(tiny, hops=1), CENTRE)
    before = graphlayout.positions(sub)
    more, _ = explore.neighbourhood(tiny, "Person", ID_B, ADMIN, hops=1)
    grown = graphlayout.layout(sub.merge(more), CENTRE)
    added = graphlayout.new_refs_from(before, grown)
    assert added, "李梅's company is new"
    assert all(graphlayout.positions(grown)[r] == xy for r, xy in before.items())
    assert all(grown.nodes[r].x is not None for r in added)


def test_labels_are_readable_and_relationship_names_show_on_hover(tiny):
    data = graphview.vis_data(_fresh(tiny), centre=CENTRE, highlight=[CENTRE, "Vehicle:VIN0001"])
    assert data["options"]["nodes"]["font"]["size"] * data["minScale"] >= 12
    assert data["options"]["physics"] is False and all("x" in n and "y" in n for n in data["nodes"])
    assert all("label" not in e and e["title"] for e in data["edges"])
    red = [e for e in data["edges"] if e.get("color") == {"color": graphview.HIGHLIGHT}]
    assert len(red) == 1 and "拥有" in red[0]["title"], "the evidence edge (张三 owns the car) is marked"
    assert sum(n["borderWidth"] == 4 for n in data["nodes"]) == 2


def test_expanding_into_a_crowd_folds_it_too(tiny):
    # 王五 is paid 200 times: expanded from a drawing, the payments are one node, not a ring of 200.
    sub = graphview.Subgraph()
    sub.add_node(graphview.DrawNode(f"Person:{ID_A}", "Person", ID_A, "张三", {}))
    more, _ = explore.neighbourhood(tiny, "Person", "520101195001011111", ADMIN, hops=1, collapse=False)
    merged = sub.merge(more)
    new = [r for r in merged.nodes if r != f"Person:{ID_A}"]
    folded = graphlayout.fold_new(merged, "Person:520101195001011111", new)
    (group,) = [n for n in folded.nodes.values() if n.folded is not None]
    assert group.caption.startswith(f"{len(group.folded.nodes)} 个发放记录（收款人）")
    assert len(folded.nodes) == 3


def test_a_clues_evidence_is_laid_out_tall_to_fit_the_narrow_side_panel():
    # A chain grant — person — car, as a clue's evidence comes: without a
    # centre the layout is wide, and the panel beside the clue table is not.
    evidence = {"nodes": [{"ref": "Grant:G1", "label": "Grant", "key": "G1", "caption": "最低生活保障 在保 (G1)"},
                          {"ref": "Person:P1", "label": "Person", "key": "P1", "caption": "莫小莲"},
                          {"ref": "Vehicle:V1", "label": "Vehicle", "key": "V1", "caption": "桂MWZB87"}],
                "relationships": [{"type": "BENEFICIARY_OF", "start": "Person:P1", "end": "Grant:G1"},
                                  {"type": "OWNS", "start": "Person:P1", "end": "Vehicle:V1"}]}

    def extent(sub, axis):
        values = [getattr(n, axis) for n in sub.nodes.values()]
        return max(values) - min(values)

    wide = graphlayout.layout(graphview.from_evidence(evidence))
    tall = graphlayout.layout(graphview.from_evidence(evidence), tall=True)
    assert extent(wide, "x") > extent(wide, "y"), "the chain lies across when nothing asks otherwise"
    assert extent(tall, "y") > extent(tall, "x") and extent(tall, "x") * graphview.MIN_SCALE < 100
    height = graphview.fitting_height(tall)
    assert height >= extent(tall, "y") * graphview.MIN_SCALE + 2 * graphview.NODE_FONT, "its labels fit in the frame"
    data = graphview.vis_data(tall)
    ys = [n.y for n in tall.nodes.values()]
    assert data["focus"]["y"] == (min(ys) + max(ys)) / 2, "the view opens on the middle of the picture"
