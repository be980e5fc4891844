"""The loader end to end on small hand-made extracts, against the real engine."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from reliefgraph.appdb import connect
from reliefgraph.loaders import command, resolution
from reliefgraph.loaders.mapping import MappingError, load_mapping, load_mappings
from reliefgraph.loaders.pipeline import Loader, plan

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cid(region: str, birth: str, seq: str) -> str:
    body = region + birth + seq
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


VILLAGE_A, VILLAGE_B = "522401101201", "522401102203"
HEAD = cid("522401", "19650304", "123")
WIFE = cid("522401", "19680711", "224")
SON = cid("522401", "19920102", "011")
TWIN_1 = cid("522401", "19700505", "031")   # namesakes: 王伟, same day, same village
TWIN_2 = cid("522401", "19700505", "053")
FAR = cid("522401", "19810909", "071")      # 李娜 in village A
NEAR = cid("522401", "19810909", "093")     # 李娜 in village B
BAD_CHECK = HEAD[:-1] + ("0" if HEAD[-1] != "0" else "1")

REGISTER = [
    ["公民身份号码", "姓名", "性别", "出生日期", "户号", "与户主关系", "村居代码"],
    [HEAD, "张 建国", "1", "1965/3/4", "H001", "01", VILLAGE_A],
    [WIFE.lower(), "刘芳", "2", "1968年7月11日", "H001", "10", VILLAGE_A],
    [SON, "张伟", "1", "19920102", "H001", "20", VILLAGE_A],
    [TWIN_1, "王伟", "1", "1970-05-05", "H002", "01", VILLAGE_A],
    [TWIN_2, "王伟", "1", "1970-05-05", "H003", "01", VILLAGE_A],
    [FAR, "李娜", "2", "1981-09-09", "H004", "01", VILLAGE_A],
    [NEAR, "李娜", "2", "1981-09-09", "H005", "01", VILLAGE_B],
    [BAD_CHECK, "赵六", "1", "1965-03-04", "H006", "01", VILLAGE_A],
    [cid("522401", "19990101", "111"), "钱七", "1", "1999-02-30", "H007", "01", VILLAGE_A],
    ["", "孙八", "1", "1990-01-01", "H008", "01", VILLAGE_A],
    [SON, "张伟", "1", "19920102", "H001", "20", VILLAGE_A],   # duplicated row
]

VEHICLES = [
    ["所有人身份证号", "所有人姓名", "出生日期", "村居", "号牌号码", "车辆识别代号", "车辆类型", "初次登记日期"],
    [SON, "张伟", "", "", "贵A12345", "LSVAB2BR5EN000001", "K33", "2021-06-01"],
    ["", "张伟", "1992-01-02", VILLAGE_A, "贵A23456", "LSVAB2BR5EN000002", "K33", "2022-01-15"],
    ["", "王伟", "1970-05-05", VILLAGE_A, "贵A34567", "LSVAB2BR5EN000003", "K33", "2022-03-01"],
    ["", "李娜", "1981-09-09", VILLAGE_B, "贵A45678", "LSVAB2BR5EN000004", "K33", "2023-04-01"],
    [cid("522401", "19550101", "999"), "周九", "", "", "贵A56789", "LSVAB2BR5EN000005", "K33", "2020-01-01"],
    [HEAD, "张建国", "", "", "贵A67890", "", "K33", "2020-01-01"],
    [HEAD, "=cmd|' /C calc'!A0", "", "", "贵A78901", "LSVAB2BR5EN000007", "K33", "2020-01-01"],
    [HEAD, "张建国", "", "", "贵A89012", "LSVAB2BR5EN000008", "Z99", "2020-01-01"],
]

DEATHS = [
    ["身份证号", "姓名", "死亡日期"],
    [HEAD, "张建国", "2024-02-10"],
]

MAPPINGS = {
    "register.yaml": """
id: t_register
agency: public_security
title: {zh: 户籍, en: Register}
files: ["*户籍*.csv"]
order: 10
fields:
  pid: {column: 公民身份号码, type: citizen_id, required: true}
  name: {column: 姓名, type: name, required: true}
  sex: {column: 性别, type: code, map: {"1": M, "2": F}}
  born: {column: 出生日期, type: date, required: true}
  hh: {column: 户号, type: identifier, required: true}
  rel: {column: 与户主关系, type: code, map: {"01": head, "10": spouse, "20": child}}
  village: {column: 村居代码, type: identifier}
yields:
  - node: Person
    key: pid
    set: {name: name, sex: sex, birth_date: born, region_code: village}
  - node: Household
    key: hh
    set: {region_code: village}
  - rel: MEMBER_OF
    from: {Person: pid}
    to: {Household: hh}
    set: {relation: rel}
""",
    "vehicles.yaml": """
id: t_vehicles
agency: public_security
title: {zh: 车辆, en: Vehicles}
files: ["*机动车*.csv"]
order: 30
fields:
  owner: {column: 所有人身份证号, type: citizen_id, required: true}
  owner_name: {column: 所有人姓名, type: name}
  owner_born: {column: 出生日期, type: date}
  owner_village: {column: 村居, type: identifier}
  plate: {column: 号牌号码, type: plate}
  vin: {column: 车辆识别代号, type: vin, required: true}
  kind: {column: 车辆类型, type: code, map: {K33: car, M21: motorcycle}}
  registered: {column: 初次登记日期, type: date, required: true}
person: {id: owner, name: owner_name, birth_date: owner_born, region: owner_village}
yields:
  - node: Vehicle
    key: vin
    set: {plate: plate, vehicle_type: kind}
  - rel: OWNS
    from: {Person: owner}
    to: {Vehicle: vin}
    merge: {start: registered}
""",
    "deaths.yaml": """
id: t_deaths
agency: civil_affairs
title: {zh: 死亡, en: Deaths}
files: ["*死亡*.csv"]
order: 40
fields:
  pid: {column: 身份证号, type: citizen_id, required: true}
  name: {column: 姓名, type: name}
  died: {column: 死亡日期, type: date, required: true}
yields:
  - node: Person
    key: pid
    mode: match
    set: {death_date: died}
""",
}


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)


@pytest.fixture
def county(tmp_path) -> tuple[Path, Path]:
    extracts, maps = tmp_path / "in", tmp_path / "maps"
    extracts.mkdir()
    maps.mkdir()
    for name, text in MAPPINGS.items():
        (maps / name).write_text(text, encoding="utf-8")
    write_csv(extracts / "户籍人口_202610.csv", REGISTER, encoding="gbk")
    write_csv(extracts / "机动车登记_202610.csv", VEHICLES)
    (extracts / "README.md").write_text("not data", encoding="utf-8")
    (extracts / "其他部门.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return extracts, maps


def run(store, extracts: Path, maps: Path, tmp_path: Path, app_db_url: str | None = None,
        as_of: date = date(2026, 10, 31)):
    mappings = load_mappings(maps, store.schema)
    pairs, unmatched = plan(extracts, mappings)
    engine = connect(app_db_url or f"sqlite:///{tmp_path / 'app.db'}")
    loader = Loader(store, engine, tmp_path / "rejects", as_of=as_of, mappings=mappings)
    reports = [loader.load_file(p, m) for p, m in pairs]
    loader.load_pending()
    return reports, unmatched, engine


def rejects_of(report) -> list[dict]:
    with open(report.reject_file, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def people(store) -> dict[str, str]:
    return dict(store.read("MATCH (p:Person) RETURN p.citizen_id, p.name").rows)


def test_load_links_validates_and_rejects_with_reasons(empty_falkor, county, tmp_path):
    store = empty_falkor
    store.init_schema()
    reports, unmatched, _ = run(store, *county, tmp_path)
    register, vehicles = reports
    assert [u.file for u in unmatched] == ["其他部门.csv"], "an unmapped data file is reported, README ignored"
    assert register.status == vehicles.status == "loaded"

    assert people(store) == {HEAD: "张建国", WIFE: "刘芳", SON: "张伟", TWIN_1: "王伟", TWIN_2: "王伟",
                             FAR: "李娜", NEAR: "李娜"}, "lower-case x upper-cased, inner spaces removed"
    assert store.read("MATCH (p:Person {citizen_id: $id}) RETURN p.birth_date, p.sex",
                      {"id": WIFE}).rows == [("1968-07-11", "F")]
    assert register.rows_read == 11 and register.rows_loaded == 8 and register.duplicates == 1
    reg_rejects = {(r["row"], r["field"], r["reason_code"]) for r in rejects_of(register)}
    assert reg_rejects == {("9", "pid", "id_checksum"), ("10", "born", "date_invalid"),
                           ("11", "pid", "missing_required")}
    assert all(HEAD not in r["value_masked"] and BAD_CHECK not in r["value_masked"] for r in rejects_of(register))

    owned = dict(store.read("MATCH (p:Person)-[:OWNS]->(v:Vehicle) RETURN v.plate, p.citizen_id").rows)
    assert owned == {"贵A12345": SON, "贵A23456": SON, "贵A45678": NEAR}
    assert vehicles.resolved_by_id == 2 and vehicles.resolved_by_match == 2 and vehicles.unresolved == 1
    veh_rejects = {(r["row"], r["field"], r["reason_code"]) for r in rejects_of(vehicles)}
    assert veh_rejects == {("4", "owner", "unresolved_person"),     # 王伟: two namesakes, same day and village
                           ("6", "owner", "pending_reference"),     # valid ID, not registered (yet)
                           ("7", "vin", "missing_required"),
                           ("8", "owner_name", "formula_cell"),
                           ("9", "kind", "code_unknown")}
    prov = store.read("MATCH (:Person)-[o:OWNS]->(:Vehicle {plate: '贵A45678'}) RETURN o").scalar()
    assert (prov["src_file"], prov["src_row"], prov["src_agency"], prov["start"]) == \
        ("机动车登记_202610.csv", 5, "public_security", "2023-04-01")
    assert prov["src_batch"] == vehicles.batch_id
    batch = store.read("MATCH (b:LoadBatch {batch_id: $id}) RETURN b", {"id": vehicles.batch_id}).scalar()
    assert batch["status"] == "done" and batch["rows_loaded"] == 3 and batch["rows_rejected"] == 3
    assert batch["rows_pending"] == 2, "a row waiting for its reference or its person is pending, not rejected"
    severity = {r["row"]: r["severity"] for r in rejects_of(vehicles)}
    assert severity["4"] == severity["6"] == "pending" and severity["7"] == "reject"


def test_resolution_decisions_are_recorded_and_undoable(empty_falkor, county, tmp_path, app_db_url):
    store = empty_falkor
    store.init_schema()
    _, _, engine = run(store, *county, tmp_path, app_db_url)
    made = {d["row"]: d for d in resolution.list_decisions(engine)}
    assert made[3]["outcome"] == "linked" and made[3]["person_id"] == SON
    assert made[4]["outcome"] == "ambiguous"
    assert {c["citizen_id"] for c in made[4]["evidence"][:2]} == {TWIN_1, TWIN_2}
    assert made[5]["person_id"] == NEAR and made[5]["evidence"][0]["parts"]["region"] == 1.0
    resolution.undo(engine, store, made[3]["id"], "tester")
    plates = {r[0] for r in store.read("MATCH (:Person)-[:OWNS]->(v:Vehicle) RETURN v.plate").rows}
    assert plates == {"贵A12345", "贵A45678"}
    assert store.read("MATCH (v:Vehicle {plate: '贵A23456'}) RETURN count(v)").scalar() == 0
    assert {d["row"]: d["status"] for d in resolution.list_decisions(engine)}[3] == "undone"


def test_reload_is_a_no_op_and_a_new_month_updates_in_place(empty_falkor, county, tmp_path):
    store = empty_falkor
    store.init_schema()
    extracts, maps = county
    run(store, extracts, maps, tmp_path)
    before = store.counts()
    again, _, _ = run(store, extracts, maps, tmp_path)
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert store.counts() == before

    write_csv(extracts / "死亡登记_202611.csv", DEATHS)
    month2 = [r for r in REGISTER if r[0] != WIFE.lower()]  # the wife moved out; nothing is deleted
    write_csv(extracts / "户籍人口_202611.csv", month2, encoding="gbk")
    reports, _, _ = run(store, extracts, maps, tmp_path)
    assert sorted(r.status for r in reports) == ["loaded", "loaded", "unchanged", "unchanged"]
    after = store.counts()
    assert after["nodes"] == before["nodes"] + 2, "only the two new LoadBatch nodes"
    assert after["relationships"] == before["relationships"]
    died = store.read("MATCH (p:Person {citizen_id: $id}) RETURN p.death_date, p.death_date_src",
                      {"id": HEAD}).rows[0]
    assert died[0] == "2024-02-10"
    assert died[1].startswith("civil_affairs|死亡登记_202611.csv|2|")


def test_mapping_errors_name_the_file_and_entry(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MAPPINGS["vehicles.yaml"].replace("node: Vehicle", "node: Spaceship"), encoding="utf-8")
    with pytest.raises(MappingError, match="bad.yaml.*yields\\[0\\].*Spaceship"):
        load_mapping(bad)
    bad.write_text(MAPPINGS["vehicles.yaml"].replace("vin: {column: 车辆识别代号, type: vin, required: true}",
                                                     "vin: {column: 车辆识别代号, type: vin}"), encoding="utf-8")
    with pytest.raises(MappingError, match="vin.*required"):
        load_mapping(bad)
    bad.write_text(MAPPINGS["deaths.yaml"].replace("death_date: died", "name: name"), encoding="utf-8")
    with pytest.raises(MappingError, match="sourced"):
        load_mapping(bad)


# ---------------------------------------------------------------- no good row lost: the pending store

MARRIAGE_MAPPING = """
id: t_marriage
agency: civil_affairs
title: {zh: 婚姻, en: Marriages}
files: ["*婚姻*.csv"]
order: 20
fields:
  husband: {column: 男方身份证号, type: citizen_id, required: true}
  wife: {column: 女方身份证号, type: citizen_id, required: true}
  registered: {column: 登记日期, type: date}
constants:
  spouse: spouse
yields:
  - rel: KIN
    from: {Person: husband}
    to: {Person: wife}
    merge: {kind: spouse}
"""
PARENTS_MAPPING = """
id: t_parents
agency: public_security
title: {zh: 亲属, en: Parents}
files: ["*亲属关系*.csv"]
order: 21
fields:
  child: {column: 公民身份号码, type: citizen_id, required: true}
  father: {column: 父亲公民身份号码, type: citizen_id}
  mother: {column: 母亲公民身份号码, type: citizen_id}
constants:
  parent: parent
yields:
  - node: Person
    key: child
    mode: match
    set: {}
  - rel: KIN
    from: {Person: child}
    to: {Person: father}
    merge: {kind: parent}
    optional: true
  - rel: KIN
    from: {Person: child}
    to: {Person: mother}
    merge: {kind: parent}
    optional: true
"""
ZHAO = cid("522401", "19650304", "155")            # 赵六: his register row comes with a bad check digit
ZHAO_TYPO = ZHAO[:-1] + ("1" if ZHAO[-1] != "1" else "2")
ZHAO_WIFE = cid("522401", "19670808", "246")


def month_folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Month 1: 赵六's register row is refused (check digit), his car and his
    marriage name him correctly. Month 2: only the register, corrected."""
    m1, m2, maps = tmp_path / "m1", tmp_path / "m2", tmp_path / "maps"
    for d in (m1, m2, maps):
        d.mkdir()
    for name, text in {**MAPPINGS, "marriage.yaml": MARRIAGE_MAPPING, "parents.yaml": PARENTS_MAPPING}.items():
        (maps / name).write_text(text, encoding="utf-8")
    head = REGISTER[0]
    wife = [ZHAO_WIFE, "孙丽", "2", "1967-08-08", "H009", "01", VILLAGE_A]
    write_csv(m1 / "户籍人口_202610.csv", [head, REGISTER[1], wife,
                                        [ZHAO_TYPO, "赵六", "1", "1965-03-04", "H010", "01", VILLAGE_A]], "gbk")
    write_csv(m1 / "机动车登记_202610.csv", [VEHICLES[0],
                                          [HEAD, "张建国", "", "", "贵A67891", "LSVAB2BR5EN000010", "K33", "2020-01-01"],
                                          [ZHAO, "赵六", "", "", "贵A99999", "LSVAB2BR5EN000009", "K33", "2021-07-01"]])
    write_csv(m1 / "婚姻登记_202610.csv", [["男方身份证号", "女方身份证号", "登记日期"],
                                        [ZHAO, ZHAO_WIFE, "1990-05-01"], [HEAD, ZHAO_WIFE, "1991-01-01"]])
    # 张建国's parents: his mother is registered, his father is 赵六 (an invented family).
    write_csv(m1 / "亲属关系_202610.csv", [["公民身份号码", "父亲公民身份号码", "母亲公民身份号码"],
                                          [HEAD, ZHAO, ZHAO_WIFE]])
    write_csv(m2 / "户籍人口_202611.csv", [head, REGISTER[1], wife,
                                        [ZHAO, "赵六", "1", "1965-03-04", "H010", "01", VILLAGE_A]], "gbk")
    return m1, m2, maps


def pending_rows(store) -> list[tuple]:
    return store.read("MATCH (p:PendingRow) RETURN p.src_file, p.src_row, p.missing ORDER BY p.src_file").rows


def test_rows_waiting_for_a_rejected_person_load_when_the_register_is_fixed(empty_falkor, tmp_path):
    store = empty_falkor
    store.init_schema()
    m1, m2, maps = month_folders(tmp_path)
    first, _, _ = run(store, m1, maps, tmp_path)
    register, marriage, parents, vehicles = first
    assert [r.status for r in first] == ["loaded"] * 4
    assert register.rows_rejected == 1 and marriage.rows_pending == 1 and vehicles.rows_pending == 1
    assert marriage.rows_loaded == 1 and marriage.rows_rejected == 0 and vehicles.rows_rejected == 0
    assert pending_rows(store) == [("亲属关系_202610.csv", 2, ["Person.father"]),
                                   ("婚姻登记_202610.csv", 2, ["Person.husband"]),
                                   ("机动车登记_202610.csv", 3, ["Person.owner"])]
    assert (parents.rows_loaded, parents.rows_pending, parents.rows_rejected) == (1, 0, 0), \
        "the mother's link loads; only the father's waits"
    assert [r["reason_code"] for r in rejects_of(parents)] == ["optional_reference"]
    said = {(r["row"], r["reason_code"]) for r in rejects_of(vehicles)}
    assert said == {("3", "pending_reference")}, "the reject file says the row waits, not that it is refused"
    assert all(ZHAO not in r["value_masked"] for r in rejects_of(vehicles))
    assert store.read("MATCH (v:Vehicle {plate: '贵A99999'}) RETURN count(v)").scalar() == 0, \
        "a pending row writes nothing, not even its own vehicle"

    second, _, _ = run(store, m2, maps, tmp_path, as_of=date(2026, 11, 30))
    assert [r.status for r in second] == ["loaded"]
    assert pending_rows(store) == []
    car = store.read("MATCH (p:Person)-[o:OWNS]->(v:Vehicle {plate: '贵A99999'}) "
                     "RETURN p.citizen_id, o.src_file, o.src_row, o.src_batch, o.start, v.src_file, v.src_batch").rows
    assert car == [(ZHAO, "机动车登记_202610.csv", 3, vehicles.batch_id, "2021-07-01",
                    "机动车登记_202610.csv", vehicles.batch_id)], "loaded with month 1's provenance"
    kin = store.read("MATCH (:Person {citizen_id: $h})-[k:KIN]->(:Person {citizen_id: $w}) "
                     "RETURN k.kind, k.src_file, k.src_row, k.src_batch",
                     {"h": ZHAO, "w": ZHAO_WIFE}).rows
    assert kin == [("spouse", "婚姻登记_202610.csv", 2, marriage.batch_id)]
    kin = store.read("MATCH (:Person {citizen_id: $c})-[k:KIN {kind: 'parent'}]->(p:Person) "
                     "RETURN p.citizen_id, k.src_file, k.src_row, k.src_batch ORDER BY p.citizen_id",
                     {"c": HEAD}).rows
    assert sorted(kin) == sorted([(ZHAO, "亲属关系_202610.csv", 2, parents.batch_id),
                                  (ZHAO_WIFE, "亲属关系_202610.csv", 2, parents.batch_id)])
    batches = dict(store.read("MATCH (b:LoadBatch) WHERE b.batch_id IN $ids "
                              "RETURN b.batch_id, [b.rows_loaded, b.rows_pending, b.pending_loaded]",
                              {"ids": [vehicles.batch_id, marriage.batch_id, parents.batch_id]}).rows)
    assert batches == {vehicles.batch_id: [2, 0, 1], marriage.batch_id: [2, 0, 1], parents.batch_id: [1, 0, None]}

    before = store.counts()
    again, _, _ = run(store, m2, maps, tmp_path, as_of=date(2026, 11, 30))
    assert [r.status for r in again] == ["unchanged"] and store.counts() == before, "settled once, not twice"


def test_a_row_whose_reference_never_appears_stays_pending(empty_falkor, county, tmp_path):
    store = empty_falkor
    store.init_schema()
    extracts, maps = county
    run(store, extracts, maps, tmp_path)
    run(store, extracts, maps, tmp_path, as_of=date(2026, 11, 30))   # the same files, another as-of
    held = store.read("MATCH (p:PendingRow) RETURN p.src_file, p.src_row, p.missing, p.row_values "
                      "ORDER BY p.src_row").rows
    assert [h[:3] for h in held] == [("机动车登记_202610.csv", 4, ["Person.owner"]),
                                     ("机动车登记_202610.csv", 6, ["Person.owner"])], \
        "周九 is in no register, 王伟 has a namesake: their cars wait, once (the superseded batch's copy is gone)"
    assert "贵A56789" in held[1][3]


# ---------------------------------------------------------------- batch identity

def test_another_as_of_or_an_edited_mapping_is_another_batch_and_counts_once(empty_falkor, county, tmp_path):
    store = empty_falkor
    store.init_schema()
    extracts, maps = county
    first, _, _ = run(store, extracts, maps, tmp_path)
    assert [r.reloaded for r in first] == ["", ""]
    facts = store.read("MATCH (n) WHERE NOT n:LoadBatch RETURN count(n)").scalar()
    rels = store.counts()["relationships"]
    content = graph_content(store)

    other_day, _, _ = run(store, extracts, maps, tmp_path, as_of=date(2026, 11, 30))
    assert [r.status for r in other_day] == ["loaded", "loaded"], "another as-of is not `unchanged`"
    assert [r.reloaded for r in other_day] == ["as_of", "as_of"]
    assert {r.batch_id for r in other_day}.isdisjoint({r.batch_id for r in first})
    assert graph_content(store) == content, "the same files under another as-of: nothing doubled or lost"
    with command.console.capture() as shown:
        command.print_summary(other_day, 1.0)
    assert shown.get().count("重新载入 reloaded (基准日变化 as-of changed)") == 2, shown.get()
    (maps / "vehicles.yaml").write_text(MAPPINGS["vehicles.yaml"] + "# 2026-11: reviewed\n", encoding="utf-8")
    edited, _, _ = run(store, extracts, maps, tmp_path, as_of=date(2026, 11, 30))
    assert [r.status for r in edited] == ["unchanged", "loaded"], "an edited mapping is not `unchanged`"
    assert edited[1].reloaded == "mapping"
    assert command.status_text(edited[1]) == "重新载入 reloaded (映射已修改 mapping edited)"

    assert store.read("MATCH (n) WHERE NOT n:LoadBatch RETURN count(n)").scalar() == facts
    assert store.counts()["relationships"] == rels, "facts MERGEd in place, not doubled"
    assert graph_content(store) == content
    batches = store.read("MATCH (b:LoadBatch) RETURN b.file_name, b.as_of, b.status, b.rows_loaded "
                         "ORDER BY b.file_name, b.finished").rows
    counted = [b for b in batches if b[2] == "done"]
    assert sorted((f, a) for f, a, _, _ in counted) == [("户籍人口_202610.csv", "2026-11-30"),
                                                        ("机动车登记_202610.csv", "2026-11-30")]
    assert sum(b[3] for b in counted) == sum(r.rows_loaded for r in first), "each file counted once"
    assert sorted(b[2] for b in batches) == ["done", "done", "superseded", "superseded", "superseded"]
    owned = store.read("MATCH (:Person)-[o:OWNS]->(:Vehicle {plate: '贵A45678'}) RETURN o.src_batch").scalar()
    assert owned == edited[1].batch_id, "the facts name the batch that loaded them last"


def graph_content(store) -> dict:
    """What the graph holds besides the batches themselves: nodes per label,
    relationships per type, property values of each (provenance aside), and
    the pending rows by source row."""
    nodes = store.read("MATCH (n) WHERE NOT n:LoadBatch AND NOT n:PendingRow "
                       "RETURN labels(n)[0] AS label, count(n), sum(size(keys(n)))").rows
    rels = store.read("MATCH ()-[r]->() RETURN type(r), count(r), sum(size(keys(r)))").rows
    held = store.read("MATCH (p:PendingRow) RETURN p.src_file, p.src_row, p.missing ORDER BY p.src_file, p.src_row")
    return {"nodes": sorted(nodes), "relationships": sorted(rels), "pending": held.rows}


def test_a_file_with_every_row_rejected_fails_and_is_tried_again(empty_falkor, county, tmp_path):
    store = empty_falkor
    store.init_schema()
    extracts, maps = county
    write_csv(extracts / "机动车登记_202610.csv", [VEHICLES[0], VEHICLES[7], VEHICLES[8]])  # formula, bad code
    reports, _, _ = run(store, extracts, maps, tmp_path)
    vehicles = reports[1]
    assert (vehicles.status, vehicles.rows_read, vehicles.rows_rejected) == ("rejected", 2, 2)
    assert "every row of this file was rejected" in vehicles.error and vehicles.reject_file in vehicles.error
    assert store.read("MATCH (b:LoadBatch {batch_id: $id}) RETURN b.status",
                      {"id": vehicles.batch_id}).scalar() == "rejected"
    again, _, _ = run(store, extracts, maps, tmp_path)
    assert [r.status for r in again] == ["unchanged", "rejected"], "not marked done: the next run says so again"
