"""A person's or a household's facts on one time axis: grant spells and
payments, vehicles and property owned, payroll and posts, companies, death.

The overlap is what a rule reads ("a car registered while the grant ran");
the chart lets an inspector see it at a glance. One query to the engine;
dates are calendar dates (no time of day, so no time zone to convert), and
an open spell runs to today in Beijing.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd

from reliefgraph.dashboard.permissions import Viewer, mask_for
from reliefgraph.graph.schema import Schema, load_schema
from reliefgraph.graph.store import GraphStore

BEIJING = timezone(timedelta(hours=8))
# Relationship → the row it is drawn on. Spells have a start and an end on the relationship.
SPELLS = {"OWNS": None, "ON_PAYROLL": "财政供养 payroll", "HOLDS_POST": "任职 posts",
          "LEGAL_REP": "企业 companies", "SHAREHOLDER": "企业 companies", "EXECUTIVE": "企业 companies",
          "WELFARE_JOB": "公益性岗位 welfare jobs"}
OWNED = {"Vehicle": "车辆 vehicles", "Property": "不动产 property", "Company": "企业 companies"}
GRANTS, PAYMENTS, DEATH = "救助 grants", "发放 payments", "死亡 death"
ROWS = [GRANTS, PAYMENTS, "车辆 vehicles", "不动产 property", "企业 companies", "财政供养 payroll", "任职 posts",
        "公益性岗位 welfare jobs", DEATH]
COLUMNS = ["row", "who", "what", "start", "end", "kind"]


def _persons_query(label: str) -> str:
    if label == "Household":
        return ("MATCH (h:Household {household_id: $key}) "
                "OPTIONAL MATCH (p:Person)-[:MEMBER_OF]->(h) WITH h, collect(p) AS people ")
    return "MATCH (p:Person {citizen_id: $key}) WITH null AS h, [p] AS people "


def facts(store: GraphStore, label: str, key: Any, viewer: Viewer, schema: Schema | None = None) -> pd.DataFrame:
    """One row per fact: row (category), who, what, start, end, kind (spell / event)."""
    if label not in ("Person", "Household"):
        raise ValueError("a timeline is drawn for a person or a household")
    schema = schema or load_schema()
    spell_types = list(SPELLS)
    head = _persons_query(label)
    cols = " AS src, {} AS who, {} AS what, {} AS node, {} AS start, {} AS stop, {} AS amount"
    parts = [
        head + "UNWIND people AS p OPTIONAL MATCH (p)-[r]-(x) WHERE type(r) IN $spells "
        "RETURN 'spell'" + cols.format("p.name", "type(r)", "x", "r.start", "r.end", "null"),
        head + "UNWIND people AS p OPTIONAL MATCH (p)-[:BENEFICIARY_OF|HELD_BY]-(g:Grant) "
        "RETURN 'grant'" + cols.format("p.name", "g.programme", "g", "g.start", "g.end", "null"),
        head + "UNWIND people AS p OPTIONAL MATCH (p)<-[:PAID_TO]-(pay:Payment) "
        "RETURN 'payment'" + cols.format("p.name", "null", "null", "pay.month", "null", "pay.amount"),
        head + "UNWIND people AS p "
        "RETURN 'death'" + cols.format("p.name", "null", "null", "p.death_date", "null", "null")]
    if label == "Household":
        parts.append(head + "OPTIONAL MATCH (h)-[:RECEIVES]->(g:Grant) "
                     "RETURN 'grant'" + cols.format("null", "g.programme", "g", "g.start", "g.end", "null"))
    query = " UNION ALL ".join(parts)
    rows = store.read(query, {"key": key, "spells": spell_types}).rows
    programmes = schema.nodes["Programme"].properties["code"].values
    out, seen_grants = [], set()
    for src, who, what, node, start, end, amount in rows:
        who = str(mask_for(viewer, who, "name", schema) or "")
        if src == "spell" and node is not None and what is not None:
            x_label = next((lbl for lbl in node.get("_labels", []) if lbl in schema.nodes), None)
            row = SPELLS[what] or OWNED.get(x_label)
            if row is None or not start:
                continue
            nt = schema.nodes[x_label]
            caption = mask_for(viewer, node.get(nt.caption), nt.caption, schema) or nt.zh
            rel = schema.relationships[what].zh
            out.append((row, who, f"{rel} {caption}", start, end, "spell"))
        elif src == "grant" and node is not None and start:
            gid = node.get("grant_id")
            if gid in seen_grants:
                continue
            seen_grants.add(gid)
            out.append((GRANTS, who or "全户 household", f"{programmes.get(what, what or '')} {gid}", start, end,
                        "spell"))
        elif src == "payment" and start:
            out.append((PAYMENTS, who, f"{start} 发放 {amount if amount is not None else ''} 元".strip(),
                        f"{start}-01" if len(str(start)) == 7 else start, None, "event"))
        elif src == "death" and start:
            out.append((DEATH, who, f"{who} 死亡 {start}", start, None, "event"))
    frame = pd.DataFrame(out, columns=COLUMNS)
    if frame.empty:
        return frame
    today = datetime.now(BEIJING).date().isoformat()
    frame["start"] = pd.to_datetime(frame["start"], errors="coerce")
    open_spell = (frame["kind"] == "spell") & frame["end"].isna()
    frame.loc[open_spell, "end"] = today
    frame["end"] = pd.to_datetime(frame["end"], errors="coerce")
    return frame.dropna(subset=["start"]).reset_index(drop=True)


def spec(frame: pd.DataFrame) -> dict:
    """Bars for spells, points for payments and a red mark for a death, rows
    in a fixed order, Chinese titles, dates as year-month: a Vega-Lite spec
    written as data. Building it through Altair (construction, then schema
    validation) cost 240 ms a draw, on every rerun of the explorer before it
    was kept; `chart` reads the same spec into Altair, validated, for tests
    and for anyone who wants the chart object."""
    order = [r for r in ROWS if r in set(frame["row"])]
    values = []
    for r in frame.itertuples():
        values.append({"row": r.row, "what": r.what, "who": r.who, "kind": r.kind,
                       "start": _iso(r.start), "end": _iso(r.end)})
    x = {"field": "start", "type": "temporal", "title": "时间 time", "axis": {"format": "%Y-%m", "labelFontSize": 12}}
    y = {"field": "row", "type": "nominal", "sort": order, "title": None,
         "axis": {"labelFontSize": 13, "labelLimit": 200}}
    colour = {"field": "who", "type": "nominal", "title": "人员 person",
              "legend": {"labelFontSize": 12, "titleFontSize": 12}}
    tooltip = [{"field": "what", "type": "nominal", "title": "事项"}, {"field": "who", "type": "nominal", "title": "人员"},
               {"field": "start", "type": "temporal", "title": "起", "format": "%Y-%m-%d"},
               {"field": "end", "type": "temporal", "title": "止", "format": "%Y-%m-%d"}]
    death = json.dumps(DEATH)
    return {
        "data": {"values": values},
        "height": max(120, 42 * len(order)),
        "layer": [
            {"mark": {"type": "bar", "height": 14, "opacity": 0.8},
             "transform": [{"filter": "datum.kind === 'spell'"}],
             "encoding": {"x": x, "x2": {"field": "end"}, "y": y, "color": colour, "tooltip": tooltip}},
            {"mark": {"type": "tick", "thickness": 2, "size": 16},
             "transform": [{"filter": f"datum.kind === 'event' && datum.row !== {death}"}],
             "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip[:3]}},
            {"mark": {"type": "point", "shape": "cross", "size": 160, "color": "#D62728", "filled": True},
             "transform": [{"filter": f"datum.row === {death}"}],
             "encoding": {"x": x, "y": y, "tooltip": tooltip[:3]}},
        ],
    }


def _iso(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).isoformat()


def chart(frame: pd.DataFrame):
    """The same chart as an Altair object (validated against the Vega-Lite schema)."""
    import altair as alt

    return alt.LayerChart.from_dict(spec(frame))
