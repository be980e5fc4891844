"""The table an inspectorate reports upward (Mashan audit shape).

Per violation category (files in cypher/summary/): the distinct people and
the records behind them, for the county and per town; the total counts a
person who falls in several categories once.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reliefgraph.cypher import CYPHER_DIR
from reliefgraph.graph.store import GraphStore
from reliefgraph.queries.cypher_files import CypherFile, cypher_files
from reliefgraph.queries.names import TOWN_DIGITS

TOTAL = "ineligible_total"


@dataclass
class Line:
    scope: str          # "county" or a town code
    category: str       # category id, or TOTAL
    title_zh: str
    people: int
    records: int | None


def categories() -> list[CypherFile]:
    return sorted(cypher_files("summary"), key=lambda f: (int(f.meta.get("order", 99)), f.id))


def summarise(store: GraphStore, programmes: list[str] | None = None, as_of: date | str | None = None,
              town: str | None = None) -> list[Line]:
    as_of = str(as_of or date.today().isoformat())
    per: dict[str, dict[str, set]] = {}
    people_by_cat: dict[str, dict[str, set]] = {}
    titles = {}
    for f in categories():
        cat = f.id.removeprefix("summary.")
        titles[cat] = f.title_zh
        params = {"as_of": as_of}
        if programmes:
            params["programmes"] = programmes
        rows = store.read(f.query, f.bind(params)).rows
        for person, region, record in rows:
            scope = (region or "")[:TOWN_DIGITS]
            if town and scope != town:
                continue
            for key in ("county", scope):
                people_by_cat.setdefault(key, {}).setdefault(cat, set()).add(person)
                per.setdefault(key, {}).setdefault(cat, set()).add(record)
    lines: list[Line] = []
    scopes = ["county"] + sorted(s for s in per if s != "county")
    for scope in scopes:
        everyone: set = set()
        for cat, title in titles.items():
            people = people_by_cat.get(scope, {}).get(cat, set())
            everyone |= people
            lines.append(Line(scope, cat, title, len(people), len(per.get(scope, {}).get(cat, set()))))
        lines.append(Line(scope, TOTAL, "不符合条件人数（去重）", len(everyone), None))
    return lines


def write_csv(lines: list[Line], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["scope", "category", "category_zh", "people", "records"])
        for line in lines:
            w.writerow([line.scope, line.category, line.title_zh, line.people,
                        "" if line.records is None else line.records])
