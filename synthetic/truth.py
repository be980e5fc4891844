"""Answer files in `_truth/`: planted cases, invalid and ID-less rows, Mashan table.

Kept apart from the extracts so that a loader pointed at the output folder
reads only what agencies would deliver; tests and scoring read `_truth/`.
"""
from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from . import dates, mashan
from .mess import Report
from .world import World

TRUTH_DIR = "_truth"
TRUTH_COLUMNS = ["family", "pattern", "subject_id", "household_id", "is_decoy", "note",
                 "grant_id", "related_id", "evidence", "decoy_kind"]


def _write_csv(path: Path, header, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(header)
        wr.writerows(rows)


def truth_rows(w: World) -> list[list]:
    G = w.tables["grants"]
    gid = G.col("gid")
    rows = []
    for t in w.truth:
        rows.append([t["family"], t["pattern"], w.ids[t["subject"]], w.hh.number[t["household"]], t["is_decoy"],
                     t["note"], gid[t["grant"]] if t["grant"] >= 0 else "",
                     w.ids[t["related"]] if t["related"] >= 0 else "", t["evidence"], t["kind"]])
    rows.sort(key=lambda r: (r[0], r[1], r[4], r[2], r[6]))
    return rows


def write(w: World, out: Path, report: Report, mashan_people: list | None, params: dict,
          files: list[dict]) -> dict:
    d = Path(out) / TRUTH_DIR
    d.mkdir(parents=True, exist_ok=True)
    rows = truth_rows(w)
    _write_csv(d / "truth.csv", TRUTH_COLUMNS, rows)
    _write_csv(d / "invalid_rows.csv", ["file", "row", "field", "reason", "value"],
               sorted(report.invalid, key=lambda r: (r[0], r[1])))
    _write_csv(d / "idless_rows.csv", ["file", "row", "citizen_id", "name"],
               sorted(report.idless, key=lambda r: (r[0], r[1])))
    counts = Counter((r[0], r[1], r[4]) for r in rows)
    lines = ["# 预置线索汇总 Planted cases per pattern", "",
             f"scenario `{params['scenario']}`, seed {params['seed']}, persons {params['persons']}, "
             f"month {params['month']} (data as of {params['as_of']})", "",
             "| family | pattern | true 真实 | decoy 干扰 |", "|---|---|---:|---:|"]
    for fam, pat in sorted({(f, p) for f, p, _ in counts}):
        lines.append(f"| {fam} | {pat} | {counts[(fam, pat, 0)]} | {counts[(fam, pat, 1)]} |")
    kinds = Counter((r[1], r[9]) for r in rows if r[4] == 1)
    lines += ["", "## 干扰项 Decoys per kind (decoy_kind)", "", "| pattern | decoy_kind | decoys 干扰 |", "|---|---|---:|"]
    lines += [f"| {pat} | {kind} | {n} |" for (pat, kind), n in sorted(kinds.items())]
    lines += ["", f"invalid rows 无效行: {len(report.invalid)}; rows without ID 无身份证号行: {len(report.idless)}", ""]
    if mashan_people is not None:
        lines += _mashan(w, d, mashan_people)
    (d / "truth_summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    manifest = dict(params, files=files)
    (d / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return {"truth_rows": len(rows), "invalid": len(report.invalid), "idless": len(report.idless)}


def _mashan(w: World, d: Path, people: list) -> list[str]:
    table = [(c, mashan.LABEL_ZH[c], n, rec) for c, n, rec in mashan.TABLE]
    _write_csv(d / "mashan_expected.csv", ["category", "category_zh", "people", "records"],
               [list(t) for t in table] + [["ineligible_total", "不符合条件人数", mashan.INELIGIBLE, ""]])
    rows = [[w.ids[r["person"]], w.hh.number[r["household"]], ";".join(r["categories"]), r["cars"],
             dates.iso1(r["entry"]), dates.iso1(r["exit"]) if r["exit"] < dates.BASE else "",
             ";".join(r["evidence"])] for r in people]
    rows.sort()
    _write_csv(d / "mashan_people.csv",
               ["citizen_id", "household_id", "categories", "cars", "roster_entry", "roster_exit", "evidence"], rows)
    out = ["## 马山县核查表 Mashan table (mashan_expected.csv)", "",
           "| category | 类别 | people 人数 | records 记录数 |", "|---|---|---:|---:|"]
    out += [f"| {c} | {zh} | {n} | {rec} |" for c, zh, n, rec in table]
    out += [f"| ineligible_total | 不符合条件人数 | {mashan.INELIGIBLE} | |", ""]
    return out
