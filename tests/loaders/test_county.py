"""The loader on the generator's 20 000-person county, checked against the
generator's own numbers: counts computed from the extract files with pandas
(independently of the loader's code), the planted invalid rows, the ID-less
rows' true IDs, a re-load and the next month's extracts."""
from __future__ import annotations

import csv
import json

import pandas as pd
from sqlalchemy import select

from graph_fingerprint import fingerprint
from loader_support import (AS_OF_M1, AS_OF_M2, FULL_ID, FULL_PHONE, LONG_DIGITS, extract, iso_date,
                            iso_month, manifest_files)
from reliefgraph.loaders import resolution
from reliefgraph.loaders.mapping import load_mappings

# The generator's reason → the loader's reason code, by the field's type.
REASON = {("bad_check_digit", "citizen_id"): "id_checksum", ("bad_check_digit", "credit_code"): "credit_checksum",
          ("impossible_date", "date"): "date_invalid", ("impossible_date", "month"): "month_invalid"}
ID_LESS_FILES = {"minzheng_hunyin.csv", "minzheng_jiuzhu_chengyuan.csv", "xiangcun_gongyigangwei.csv"}


def column_set(store, query: str, params: dict | None = None) -> set:
    return {tuple(r) if len(r) > 1 else r[0] for r in store.read(query, params).rows}


def labels(store) -> dict[str, int]:
    return dict(store.read("MATCH (n) RETURN labels(n)[0], count(n)").rows)


def rejects_of(graph) -> pd.DataFrame:
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
              for p in sorted(graph.rejects.glob("*.csv"))]
    out = pd.concat(frames, ignore_index=True)
    out["row"] = out["row"].astype(int)
    return out


def decisions(graph) -> pd.DataFrame:
    with graph.engine.connect() as conn:
        rows = conn.execute(select(resolution.decisions)).mappings().all()
    return pd.DataFrame([dict(r) for r in rows])


# ---------------------------------------------------------------- the load itself

def test_every_file_loads_as_one_done_batch(loaded, county):
    files = manifest_files(county)
    by_file = {r.file: r for r in loaded.reports}
    assert set(by_file) == set(files)
    assert {r.file: r.status for r in loaded.reports} == {f: "loaded" for f in files}
    batches = loaded.store.read("MATCH (b:LoadBatch) RETURN b.file_name, b.file_hash, b.status, "
                                "b.rows_read, b.rows_rejected").rows
    assert {b[0]: b[1] for b in batches} == {f: spec["sha256"] for f, spec in files.items()}
    assert {b[2] for b in batches} == {"done"}
    for name, _hash, _status, read, rejected in batches:
        r = by_file[name]
        # Every data row is counted once: read = loaded + rejected (duplicates load as no-ops).
        assert (read, rejected) == (r.rows_read, r.rows_rejected)
        assert r.rows_read == files[name]["rows"] - r.blank, name
        assert r.rows_loaded + r.rows_rejected + r.rows_pending == r.rows_read, name


def test_node_counts_match_the_extracts(loaded, county):
    huji = extract(county, "gongan_huji.csv")
    villages = set(huji["村居委会代码"])
    expected = {
        "Person": len(set(huji["公民身份号码"])),
        "Household": len(set(huji["户号"])),
        "Region": len(villages | {v[:9] for v in villages} | {v[:6] for v in villages}),
        "Vehicle": len(set(extract(county, "gongan_jidongche.csv")["车辆识别代号"])),
        "Property": len(set(extract(county, "budongchan.csv")["不动产权证号"])),
        "Company": len(set(extract(county, "shichang_zhuti.csv")["统一社会信用代码"])),
        "Grant": len(set(extract(county, "minzheng_jiuzhu.xlsx")["救助编号"])),
        "Project": len(set(extract(county, "xiangcun_xiangmu.xlsx")["项目编号"])),
        "Payment": len({(g, iso_month(m)) for g, m in extract(county, "minzheng_fafang.csv")[["救助编号", "发放年月"]]
                       .itertuples(index=False)}),
        "Programme": len(set(extract(county, "minzheng_jiuzhu.xlsx")["救助类别"])),
        "LoadBatch": len(manifest_files(county)),
    }
    got = labels(loaded.store)
    assert {k: got.get(k, 0) for k in expected} == expected
    # Persons are exactly the register's valid IDs: no one invented, no one lost.
    assert column_set(loaded.store, "MATCH (p:Person) RETURN p.citizen_id") == set(huji["公民身份号码"])


def test_relationships_match_the_extracts(loaded, county):
    store = loaded.store
    huji = extract(county, "gongan_huji.csv")
    assert column_set(store, "MATCH (p:Person)-[:MEMBER_OF]->(h:Household) RETURN p.citizen_id, h.household_id") \
        == set(huji[["公民身份号码", "户号"]].itertuples(index=False, name=None))

    qinshu = extract(county, "gongan_qinshu.csv")
    parents = {(c, p) for col in ("父亲公民身份号码", "母亲公民身份号码")
               for c, p in qinshu[["公民身份号码", col]].itertuples(index=False) if p}
    assert column_set(store, "MATCH (c:Person)-[:KIN {kind: 'parent'}]->(p:Person) "
                             "RETURN c.citizen_id, p.citizen_id") == parents

    # Spouses: every pair with both IDs, plus each ID-less wife the loader linked (to her true ID).
    hunyin = extract(county, "minzheng_hunyin.csv")
    truth = idless_truth(county)
    linked = linked_rows(loaded, "minzheng_hunyin.csv")
    spouses = {(h, w) for h, w in hunyin[["男方身份证号", "女方身份证号"]].itertuples(index=False) if w}
    spouses |= {(h, truth[("minzheng_hunyin.csv", row)]) for h, w, row
                in hunyin[["男方身份证号", "女方身份证号", "_row"]].itertuples(index=False) if not w and row in linked}
    assert column_set(store, "MATCH (h:Person)-[:KIN {kind: 'spouse'}]->(w:Person) "
                             "RETURN h.citizen_id, w.citizen_id") == spouses

    cars = extract(county, "gongan_jidongche.csv")
    assert column_set(store, "MATCH (p:Person)-[o:OWNS]->(v:Vehicle) RETURN p.citizen_id, v.vin, o.start, o.end") \
        == {(p, v, iso_date(s), iso_date(e)) for p, v, s, e
            in cars[["身份证明号码", "车辆识别代号", "登记日期", "转移日期"]].itertuples(index=False)}

    homes = extract(county, "budongchan.csv")
    assert column_set(store, "MATCH (p:Person)-[o:OWNS]->(x:Property) RETURN p.citizen_id, x.cert_no, o.start") \
        == {(p, c, iso_date(s)) for p, c, s in homes[["权利人证件号", "不动产权证号", "登记日期"]].itertuples(index=False)}

    members = extract(county, "minzheng_jiuzhu_chengyuan.csv")
    linked = linked_rows(loaded, "minzheng_jiuzhu_chengyuan.csv")
    expected = {(p or truth[("minzheng_jiuzhu_chengyuan.csv", row)], g) for g, p, row
                in members[["救助编号", "成员身份证号", "_row"]].itertuples(index=False) if p or row in linked}
    assert column_set(store, "MATCH (p:Person)-[:BENEFICIARY_OF]->(g:Grant) RETURN p.citizen_id, g.grant_id") \
        == expected

    pay = extract(county, "minzheng_fafang.csv")
    assert column_set(store, "MATCH (g:Grant)-[:HAS_PAYMENT]->(p:Payment)-[:PAID_TO]->(x:Person) "
                             "RETURN g.grant_id, p.month, x.citizen_id") \
        == {(g, iso_month(m), x) for g, m, x in pay[["救助编号", "发放年月", "领款人身份证号"]].itertuples(index=False)}

    deaths = extract(county, "gongan_siwang.csv")
    assert dict(store.read("MATCH (p:Person) WHERE p.death_date IS NOT NULL RETURN p.citizen_id, p.death_date").rows) \
        == {p: iso_date(d) for p, d in deaths[["身份证号", "死亡日期"]].itertuples(index=False)}


def test_every_fact_names_its_source_record(loaded, county):
    store = loaded.store
    batches = column_set(store, "MATCH (b:LoadBatch) RETURN b.batch_id")
    no_source = "x.src_agency IS NULL OR x.src_file IS NULL OR x.src_row IS NULL OR x.src_batch IS NULL"
    assert store.read(f"MATCH (x) WHERE NOT x:LoadBatch AND ({no_source}) RETURN count(x)").scalar() == 0
    assert store.read(f"MATCH ()-[x]->() WHERE {no_source} RETURN count(x)").scalar() == 0
    assert column_set(store, "MATCH (x) WHERE x.src_batch IS NOT NULL RETURN DISTINCT x.src_batch") <= batches
    # The row a vehicle names is the row that holds its VIN.
    cars = extract(county, "gongan_jidongche.csv").set_index("_row")
    for vin, row, file in store.read("MATCH (v:Vehicle) RETURN v.vin, v.src_row, v.src_file LIMIT 50").rows:
        assert file == "gongan_jidongche.csv" and cars.at[row, "车辆识别代号"] == vin
    # A death added to a registered person names the death record beside it.
    for src, in store.read("MATCH (p:Person) WHERE p.death_date IS NOT NULL RETURN p.death_date_src LIMIT 20").rows:
        agency, file, row, batch = src.split("|")
        assert (agency, file) == ("public_security", "gongan_siwang.csv") and batch in batches and int(row) >= 2


# ---------------------------------------------------------------- rejects

def test_every_planted_invalid_row_is_rejected_with_the_right_reason(loaded, county):
    rejects = rejects_of(loaded)
    columns = {m.id: {f.column: f for f in m.fields.values()} for m in load_mappings()}
    mapping_of = {r.file: r.mapping for r in loaded.reports}
    invalid = pd.read_csv(county / "_truth" / "invalid_rows.csv", dtype=str, keep_default_na=False)
    assert len(invalid) > 100
    wrong = []
    for t in invalid.itertuples(index=False):
        fields = [columns[mapping_of[t.file]][c] for c in t.field.split("+")]
        got = rejects[(rejects.file == t.file) & (rejects.row == int(t.row) + 1)]
        lines = set(got[["field", "reason_code"]].itertuples(index=False, name=None))
        if t.reason == "missing_key":
            # All key columns are blank; the loader names the required ones among them.
            ok = lines and lines <= {(f.name, "missing_required") for f in fields}
        else:
            ok = {(f.name, REASON[(t.reason, f.type)]) for f in fields} <= lines
        if not ok:
            wrong.append((t.file, t.row, t.field, t.reason, got[["field", "reason_code"]].values.tolist()))
    assert not wrong, wrong[:10]


def test_no_valid_row_is_rejected_without_an_explainable_reason(loaded, county):
    """Besides the planted invalid rows, the only lines are ID-less rows the
    resolver could not link to exactly one person, one line each: they wait
    in the pending store."""
    rejects = rejects_of(loaded)
    invalid = pd.read_csv(county / "_truth" / "invalid_rows.csv", dtype=str)
    planted = set(zip(invalid.file, invalid.row.astype(int) + 1))
    other = rejects[[(f, r) not in planted for f, r in zip(rejects.file, rejects.row)]]
    planted_reasons = set(rejects.reason_code[[(f, r) in planted for f, r in zip(rejects.file, rejects.row)]])
    assert planted_reasons == {"id_checksum", "date_invalid", "missing_required"}
    assert set(other.reason_code) <= {"unresolved_person"}
    truth = idless_truth(county)
    assert set(zip(other.file, other.row)) <= set(truth), "an unresolved row that had an ID"
    d = decisions(loaded)
    unlinked = set(zip(d.file_name[d.outcome != "linked"], d.row[d.outcome != "linked"]))
    assert set(zip(other.file, other.row)) == unlinked
    assert other.duplicated(["file", "row"]).sum() == 0
    # The summary counts what the reject files hold.
    for r in loaded.reports:
        mine = rejects[rejects.file == r.file]
        assert sum(r.reasons.values()) == len(mine), r.file
        assert r.rows_rejected == mine.row[mine.severity == "reject"].nunique(), r.file
        assert r.rows_pending == mine.row[mine.severity == "pending"].nunique(), r.file
    assert set(other.severity) <= {"pending"}, "an unidentified person's row waits for review, it is not refused"


def test_reject_files_hold_no_whole_id_phone_or_account(loaded):
    seen = 0
    for path in loaded.rejects.glob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for line in csv.DictReader(fh):
                seen += 1
                for value in line.values():
                    assert not FULL_ID.search(value) and not FULL_PHONE.search(value) \
                        and not LONG_DIGITS.search(value), (path.name, line)
    assert seen > 100


# ---------------------------------------------------------------- entity resolution

def idless_truth(county) -> dict[tuple[str, int], str]:
    t = pd.read_csv(county / "_truth" / "idless_rows.csv", dtype=str)
    return {(f, int(r) + 1): cid for f, r, cid in zip(t.file, t.row, t.citizen_id)}


def linked_rows(graph, file: str) -> set[int]:
    d = decisions(graph)
    return set(d.row[(d.file_name == file) & (d.outcome == "linked")])


def test_resolution_never_links_a_wrong_person_and_finds_most(loaded, county, record_property):
    truth = idless_truth(county)
    d = decisions(loaded)
    got = {(f, r): (o, p) for f, r, o, p in zip(d.file_name, d.row, d.outcome, d.person_id)}
    assert set(got) == set(truth), "every ID-less row gets exactly one recorded decision"
    links = {k: p for k, (o, p) in got.items() if o == "linked"}
    wrong = {k: (p, truth[k]) for k, p in links.items() if p != truth[k]}
    precision = 1 - len(wrong) / max(len(links), 1)
    recall = (len(links) - len(wrong)) / len(truth)
    record_property("resolution_precision", precision)
    record_property("resolution_recall", round(recall, 4))
    print(f"ID-less rows {len(truth)}: linked {len(links)}, precision {precision:.3f}, recall {recall:.3f}")
    assert not wrong
    assert recall >= 0.95
    # Each decision carries its evidence: scored candidates with their parts.
    for ev in d.evidence[:50]:
        assert ev and {"citizen_id", "score", "parts"} <= set(ev[0]) and set(ev[0]["parts"]) == {
            "name", "birth_date", "region"}
    assert (d.outcome[d.outcome != "linked"].isin({"ambiguous", "no_match"})).all()


def test_an_idless_row_is_matched_to_the_right_person(loaded, county):
    """The fact an ID-less row wrote hangs on the true person and names that row."""
    truth = idless_truth(county)
    for file in ("minzheng_jiuzhu_chengyuan.csv", "xiangcun_gongyigangwei.csv"):
        rows = sorted(linked_rows(loaded, file))
        assert rows, file
        found = dict(loaded.store.read(
            "MATCH (p:Person)-[r]->() WHERE r.src_file = $f AND r.src_row IN $rows RETURN r.src_row, p.citizen_id",
            {"f": file, "rows": rows}).rows)
        # A row repeated word for word (a clerk's double entry) writes its fact
        # once, named after the first copy.
        first = first_copies(county / file)
        assert found == {first.get(r, r): truth[(file, r)] for r in rows}


def first_copies(path) -> dict[int, int]:
    """Spreadsheet row → the earlier row it repeats exactly, for repeated rows."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    seen: dict[tuple, int] = {}
    out: dict[int, int] = {}
    for row, record in enumerate(csv.reader(text.splitlines()), start=1):
        key = tuple(record)
        if key in seen:
            out[row] = seen[key]
        else:
            seen[key] = row
    return out


def test_a_namesake_born_the_same_day_in_the_same_place_blocks_the_link(loaded, county):
    """Take ID-less rows the resolver linked; had the register held a namesake
    born the same day in the same village (同名同姓), none may be linked."""
    d = decisions(loaded)
    linked = d[(d.outcome == "linked") & (d.file_name == "minzheng_jiuzhu_chengyuan.csv")].head(10)
    assert len(linked)
    queries = [resolution.Query(int(r.row), r["name"], r.birth_date, r.region) for _, r in linked.iterrows()]
    found = resolution.find_candidates(loaded.store, queries)
    for q, person in zip(queries, linked.person_id):
        cands = found[q.row]
        (me,) = [c for c in cands if c["citizen_id"] == person]
        assert resolution.decide(q, cands).person_id == person
        twin = dict(me, citizen_id=person[:14] + "999X")
        decision = resolution.decide(q, cands + [twin])
        assert decision.outcome == "ambiguous" and decision.person_id is None
        assert {c["citizen_id"] for c in decision.evidence[:2]} == {person, twin["citizen_id"]}
        # A namesake born another year does not stand in the way.
        other = dict(me, citizen_id=person[:14] + "998X", birth_date="1900-01-01")
        assert resolution.decide(q, cands + [other]).person_id == person


def test_namesakes_stay_two_people(loaded, county):
    t = pd.read_csv(county / "_truth" / "truth.csv", dtype=str, keep_default_na=False)
    pairs = t[t.note.str.contains("namesake")][["subject_id", "related_id"]].drop_duplicates()
    assert len(pairs) >= 3
    for a, b in pairs.itertuples(index=False):
        rows = loaded.store.read("MATCH (p:Person) WHERE p.citizen_id IN [$a, $b] RETURN p.citizen_id, p.name",
                                 {"a": a, "b": b}).rows
        assert len(rows) == 2 and rows[0][1] == rows[1][1], (a, b, rows)
    # No ID-less row was linked while another registered person scored within the margin.
    d = decisions(loaded)
    for ev in d.evidence[d.outcome == "linked"]:
        if len(ev) > 1:
            assert ev[0]["score"] - ev[1]["score"] >= resolution.MARGIN


# ---------------------------------------------------------------- re-load and the next month

def test_reloading_the_same_files_is_a_no_op(loaded, county):
    before = fingerprint(loaded.store)
    reports = loaded.load(county, as_of=AS_OF_M1)
    assert {r.status for r in reports} == {"unchanged"}
    assert sum(r.rows_read for r in reports) == 0
    after = fingerprint(loaded.store)
    assert before == after, before.diff(after)


def test_second_month_updates_facts_without_duplicates(loaded, county, county_m2, tmp_path_factory):
    g = loaded.clone(tmp_path_factory.mktemp("m2"))
    try:
        before = labels(g.store)
        reports = g.load(county_m2, as_of=AS_OF_M2)
        # Another as-of date makes every file a new batch, even one whose
        # bytes did not change; that file's month-1 batch is superseded, so
        # its rows are counted once.
        assert {r.status for r in reports} == {"loaded"}
        changed = {f for f, spec in manifest_files(county_m2).items()
                   if spec["sha256"] != manifest_files(county)[f]["sha256"]}
        superseded = column_set(g.store, "MATCH (b:LoadBatch {status: 'superseded'}) RETURN b.file_name")
        assert superseded == {r.file for r in reports} - changed and changed
        after = labels(g.store)
        store = g.store
        for label in ("Person", "Household", "Vehicle", "Property", "Company", "Region", "Programme"):
            assert after[label] == before[label], label
        grants_1, grants_2 = (set(extract(c, "minzheng_jiuzhu.xlsx")["救助编号"]) for c in (county, county_m2))
        assert column_set(store, "MATCH (g:Grant) RETURN g.grant_id") == grants_1 | grants_2
        pays = set()
        for c in (county, county_m2):
            pays |= {(g, iso_month(m)) for g, m in extract(c, "minzheng_fafang.csv")[["救助编号", "发放年月"]]
                     .itertuples(index=False)}
        assert after["Payment"] == len(pays) > before["Payment"]
        assert after["LoadBatch"] == before["LoadBatch"] + len(reports)

        # Grants closed this month: end date and status updated in place.
        m1 = extract(county, "minzheng_jiuzhu.xlsx").drop_duplicates("救助编号").set_index("救助编号")
        m2 = extract(county_m2, "minzheng_jiuzhu.xlsx").drop_duplicates("救助编号").set_index("救助编号")
        closed = [g for g in m1.index.intersection(m2.index)
                  if m1.at[g, "保障状态"] == "在保" and m2.at[g, "保障状态"] == "停保"]
        assert closed, "month 2 closes some grants"
        got = {g: (end, status) for g, end, status in store.read(
            "MATCH (g:Grant) WHERE g.grant_id IN $ids RETURN g.grant_id, g.end, g.status", {"ids": closed}).rows}
        assert got == {g: (iso_date(m2.at[g, "终止日期"]), "closed") for g in closed}

        # New deaths: the death date is set and names the month-2 record.
        d1 = set(extract(county, "gongan_siwang.csv")["身份证号"])
        d2 = extract(county_m2, "gongan_siwang.csv").drop_duplicates("身份证号").set_index("身份证号")
        new = sorted(set(d2.index) - d1)
        assert new, "month 2 records new deaths"
        batch = next(r.batch_id for r in reports if r.file == "gongan_siwang.csv")
        got = {p: (dd, src.split("|")[3]) for p, dd, src in store.read(
            "MATCH (p:Person) WHERE p.citizen_id IN $ids RETURN p.citizen_id, p.death_date, p.death_date_src",
            {"ids": new}).rows}
        assert got == {p: (iso_date(d2.at[p, "死亡日期"]), batch) for p in new}

        # Loading month 2 again changes nothing.
        again = fingerprint(store)
        assert {r.status for r in g.load(county_m2, as_of=AS_OF_M2)} == {"unchanged"}
        assert fingerprint(store) == again
    finally:
        g.close()


def test_load_summary_numbers_are_recorded_on_the_batches(loaded):
    rows = {r[0]: json.loads(r[1]) for r in loaded.store.read(
        "MATCH (b:LoadBatch) RETURN b.file_name, toJSON(properties(b))").rows}
    for r in loaded.reports:
        props = rows[r.file]
        assert (props["rows_read"], props["rows_loaded"], props["rows_rejected"], props["resolved_by_match"]) == \
            (r.rows_read, r.rows_loaded, r.rows_rejected, r.resolved_by_match), r.file
