"""Mapping options real agency extracts need, each on an extract built for it,
loaded through the real pipeline into the embedded engine: look-ups across
files, beneficiaries from the register, the future-date policy, numbers as
agencies write them, per-row choices (`when:`, two mappings for one file),
per-row source agency, the checksum policy and key fallback."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from reliefgraph.appdb import connect
from reliefgraph.loaders.mapping import MappingError, load_mapping, load_mappings
from reliefgraph.loaders.pipeline import Loader, plan
from reliefgraph.loaders.readers import Chunk
from reliefgraph.loaders.transform import transform
from reliefgraph.loaders.validate import credit_check_char
from reliefgraph.synthetic.xlsx import XlsxWriter

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
AS_OF = date(2026, 10, 31)


def cid(region: str, birth: str, seq: str) -> str:
    body = region + birth + seq
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def credit(body17: str) -> str:
    return body17 + credit_check_char(body17)


def wrong_check(code: str) -> str:
    return code[:-1] + ("1" if code[-1] != "1" else "2")


HEAD = cid("522401", "19650304", "123")
WIFE = cid("522401", "19680711", "224")
SON = cid("522401", "19920102", "011")
OTHER = cid("522401", "19700505", "031")     # head of another household
OUTSIDER = cid("522401", "19550101", "999")  # valid ID, never registered

REGISTER = [
    ["公民身份号码", "姓名", "出生日期", "户号", "与户主关系"],
    [HEAD, "张建国", "1965-03-04", "H001", "01"],
    [WIFE, "刘芳", "1968-07-11", "H001", "10"],
    [SON, "张伟", "1992-01-02", "H001", "20"],
    [OTHER, "王伟", "1970-05-05", "H002", "01"],
]

REGISTER_MAP = """
id: t_register
agency: public_security
title: {zh: 户籍, en: Register}
files: ["*户籍*.csv"]
order: 10
fields:
  pid: {column: 公民身份号码, type: citizen_id, required: true}
  name: {column: 姓名, type: name, required: true}
  born: {column: 出生日期, type: date, required: true, future: reject}
  hh: {column: 户号, type: identifier, required: true}
  rel: {column: 与户主关系, type: code, map: {"01": head, "10": spouse, "20": child}}
yields:
  - node: Person
    key: pid
    set: {name: name, birth_date: born}
  - node: Household
    key: hh
  - rel: MEMBER_OF
    from: {Person: pid}
    to: {Household: hh}
    set: {relation: rel}
"""


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> None:
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)


def write_xlsx(path: Path, rows: list[list]) -> None:
    with XlsxWriter(path, "Sheet1", rows[0]) as x:
        x.rows(rows[1:])


@pytest.fixture
def county(tmp_path):
    """A load folder holding the register (GBK) and a mapping folder holding its mapping."""
    extracts, maps = tmp_path / "in", tmp_path / "maps"
    extracts.mkdir()
    maps.mkdir()
    (maps / "register.yaml").write_text(REGISTER_MAP, encoding="utf-8")
    write_csv(extracts / "户籍人口.csv", REGISTER, encoding="gbk")
    return extracts, maps


@pytest.fixture
def load(empty_falkor, county, tmp_path):
    """Load the county folder with the mappings written so far: (reports by mapping id, unmatched)."""
    store = empty_falkor
    store.init_schema()
    engine = connect(f"sqlite:///{tmp_path / 'app.db'}")

    def run():
        pairs, unmatched = plan(county[0], load_mappings(county[1], store.schema))
        loader = Loader(store, engine, tmp_path / "rejects", as_of=AS_OF)
        return {m.id: loader.load_file(p, m) for p, m in pairs}, unmatched

    yield run
    engine.dispose()


def lines(report) -> list[dict]:
    with open(report.reject_file, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def listed(report) -> set[tuple[str, str, str, str]]:
    """(row, field, reason code, severity) of every line of a file's reject/warning file."""
    return {(r["row"], r["field"], r["reason_code"], r["severity"]) for r in lines(report)}


def add_mapping(county, name: str, text: str) -> None:
    (county[1] / name).write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- look-ups across files

ORGS = [  # the organisation list, GBK, as the organisation department sends it
    ["单位代码", "单位名称"],
    ["522401101201", "红星 村民委员会"],
    ["522401101202", "青山村民委员会"],
    ["522401101209", "石桥村民委员会"],
    ["522401101209", "石桥村村委会"],          # one code, two names: ambiguous
    ["522401101201", "红星 村民委员会"],         # the same row twice is one row
]
ORG_TYPES = [["机构代码", "机构类别"], ["522401101201", "村委会"]]
POSTS = [
    ["身份证号", "单位代码", "职务", "任职开始"],
    [HEAD, "522401101201", "01", "2021-01-01"],
    [WIFE, "522401 101202", "03", "2021-01-01"],   # key cleaned like an identifier on both sides
    [SON, "522401101999", "03", "2021-01-01"],     # not in the org list
    [OTHER, "522401101209", "03", "2021-01-01"],   # ambiguous in the org list
]
POSTS_MAP = """
id: t_posts
agency: organisation
title: {zh: 任职, en: Posts}
files: ["*任职*.csv"]
order: 30
lookups:
  orgs: {files: ["*单位名录*.csv"], encoding: gbk, key: 单位代码}
  org_types: {files: ["*机构类别*.csv"], key: 机构代码}
fields:
  pid: {column: 身份证号, type: citizen_id, required: true}
  org_code: {column: 单位代码, type: identifier, required: true}
  role: {column: 职务, type: code, required: true, map: {"01": party_secretary, "03": committee_member}}
  start: {column: 任职开始, type: date, required: true}
  org_name: {lookup: orgs, key: org_code, column: 单位名称, type: name, required: true}
  org_type: {lookup: org_types, key: org_code, column: 机构类别, type: code, map: {村委会: village_committee}}
yields:
  - node: Org
    key: org_code
    set: {name: org_name, org_type: org_type}
  - rel: HOLDS_POST
    from: {Person: pid}
    to: {Org: org_code}
    merge: {start: start, role: role}
"""


def test_lookup_fills_fields_from_other_files_and_rejects_unknown_keys(county, load, empty_falkor):
    write_csv(county[0] / "单位名录.csv", ORGS, encoding="gbk")
    write_csv(county[0] / "机构类别.csv", ORG_TYPES)
    write_csv(county[0] / "任职.csv", POSTS)
    add_mapping(county, "posts.yaml", POSTS_MAP)
    reports, unmatched = load()
    posts = reports["t_posts"]
    assert posts.status == "loaded" and posts.rows_loaded == 2 and posts.rows_rejected == 2
    assert sorted((u.file, u.status) for u in unmatched) == [("单位名录.csv", "lookup"), ("机构类别.csv", "lookup")]

    orgs = set(empty_falkor.read("MATCH (p:Person)-[:HOLDS_POST]->(o:Org) "
                                 "RETURN p.citizen_id, o.org_id, o.name, o.org_type").rows)
    assert orgs == {(HEAD, "522401101201", "红星村民委员会", "village_committee"),
                    (WIFE, "522401101202", "青山村民委员会", None)}, "name typed as a name; type code-mapped"
    assert listed(posts) == {("4", "org_name", "lookup_unknown", "reject"),
                             ("5", "org_name", "lookup_ambiguous", "reject"),
                             ("3", "org_type", "lookup_unknown", "warning"),
                             ("4", "org_type", "lookup_unknown", "warning"),
                             ("5", "org_type", "lookup_unknown", "warning")}
    unknown = next(r for r in lines(posts) if r["row"] == "4" and r["field"] == "org_name")
    assert "orgs[单位代码]" in unknown["reason"] and unknown["value_masked"] != "522401101999"


def test_lookup_table_missing_fails_the_file_with_its_name(county, load):
    write_csv(county[0] / "机构类别.csv", ORG_TYPES)
    write_csv(county[0] / "任职.csv", POSTS)
    add_mapping(county, "posts.yaml", POSTS_MAP)
    posts = load()[0]["t_posts"]
    assert posts.status == "failed" and "'orgs'" in posts.error


# ---------------------------------------------------------------- beneficiaries from the register

GRANTS = [
    ["救助编号", "申请人身份证号", "户籍户号", "开始日期", "月保障金额(万元)"],
    ["DB001", HEAD, "H001", "2024-01-01", "0.12"],
    ["DB002", OTHER, "H002", "2025-03-01", "1,500.50元"],
    ["DB003", OTHER, "H002", "2025-03-01", "0.1万"],
]
GRANTS_MAP = """
id: t_grants
agency: civil_affairs
title: {zh: 救助对象, en: Grants}
files: ["*救助对象*.xlsx"]
order: 40
beneficiaries: from_register
fields:
  grant_id: {column: 救助编号, type: identifier, required: true}
  applicant: {column: 申请人身份证号, type: citizen_id, required: true}
  hh: {column: 户籍户号, type: identifier, required: true}
  start: {column: 开始日期, type: date, required: true}
  amount: {column: 月保障金额(万元), type: number, unit: 万元}
yields:
  - node: Grant
    key: grant_id
    set: {start: start, monthly_amount: amount}
  - rel: RECEIVES
    from: {Household: hh}
    to: {Grant: grant_id}
  - rel: HELD_BY
    from: {Grant: grant_id}
    to: {Person: applicant}
"""


def test_beneficiaries_from_register_marks_grants_and_lists_the_holder(county, load, empty_falkor):
    write_xlsx(county[0] / "救助对象.xlsx", GRANTS)
    add_mapping(county, "grants.yaml", GRANTS_MAP)
    grants = load()[0]["t_grants"]
    assert grants.status == "loaded" and grants.rows_loaded == 3
    marked = dict(empty_falkor.read("MATCH (g:Grant) RETURN g.grant_id, g.beneficiaries").rows)
    assert marked == {"DB001": "from_register", "DB002": "from_register", "DB003": "from_register"}
    covered = set(empty_falkor.read("MATCH (p:Person)-[b:BENEFICIARY_OF]->(g:Grant) "
                                    "RETURN p.citizen_id, g.grant_id, b.relation, b.src_agency").rows)
    assert covered == {(HEAD, "DB001", "本人", "civil_affairs"), (OTHER, "DB002", "本人", "civil_affairs"),
                       (OTHER, "DB003", "本人", "civil_affairs")}, \
        "the loader lists the holder only; the other members are derived from the register"
    amounts = dict(empty_falkor.read("MATCH (g:Grant) RETURN g.grant_id, g.monthly_amount").rows)
    assert amounts == {"DB001": 1200.0, "DB002": 1500.5, "DB003": 1000.0}, "万元 column, cells stating 元 or 万"


def test_listed_beneficiaries_leave_grants_unmarked(county, load, empty_falkor):
    write_xlsx(county[0] / "救助对象.xlsx", GRANTS)
    add_mapping(county, "grants.yaml", GRANTS_MAP.replace("beneficiaries: from_register\n", ""))
    assert load()[0]["t_grants"].status == "loaded"
    assert empty_falkor.read("MATCH (g:Grant) WHERE g.beneficiaries IS NOT NULL RETURN count(g)").scalar() == 0
    assert empty_falkor.read("MATCH ()-[b:BENEFICIARY_OF]->() RETURN count(b)").scalar() == 0


# ---------------------------------------------------------------- future dates

CADRES = [
    ["身份证号", "任职开始", "任期届满", "出生日期"],
    [HEAD, "2021-01-01", "2031-12-31", "1965-03-04"],   # planned term end: allowed by default
    [WIFE, "2026-12-01", "2031-12-31", "1968-07-11"],   # appointed from next month: warned, kept
    [SON, "2021-01-01", "2031-12-31", "2027-01-01"],    # born after the as-of date: rejected
]
CADRES_MAP = """
id: t_cadres
agency: organisation
title: {zh: 村干部, en: Cadres}
files: ["*村干部*.xlsx"]
order: 30
constants: {org: "522401101201", role: director}
fields:
  pid: {column: 身份证号, type: citizen_id, required: true}
  start: {column: 任职开始, type: date, required: true, future: warn}
  end: {column: 任期届满, type: date}
  born: {column: 出生日期, type: date, future: reject}
yields:
  - node: Org
    key: org
  - rel: HOLDS_POST
    from: {Person: pid}
    to: {Org: org}
    merge: {start: start, role: role}
    set: {end: end}
"""


def test_future_dates_follow_each_fields_policy(county, load, empty_falkor):
    write_xlsx(county[0] / "村干部.xlsx", CADRES)
    add_mapping(county, "cadres.yaml", CADRES_MAP)
    cadres = load()[0]["t_cadres"]
    assert cadres.rows_loaded == 2 and cadres.rows_rejected == 1
    terms = set(empty_falkor.read("MATCH (p:Person)-[h:HOLDS_POST]->(:Org) RETURN p.citizen_id, h.start, h.end").rows)
    assert terms == {(HEAD, "2021-01-01", "2031-12-31"), (WIFE, "2026-12-01", "2031-12-31")}
    assert listed(cadres) == {("3", "start", "date_future_kept", "warning"),
                              ("4", "born", "date_future", "reject")}


# ---------------------------------------------------------------- numbers, checksum policy

COMPANIES = [
    ["统一社会信用代码", "企业名称", "股东身份证号", "持股比例"],
    [credit("91522401MA6DJX123"), "甲公司", HEAD, "60%"],
    [wrong_check(credit("91522401MA6DJX456")), "乙公司", WIFE, "35"],   # legacy code, wrong check character
    [credit("91522401MA6DJX789"), "丙公司", SON, "0.05"],
    [credit("91522401MA6DJX012"), "丁公司", OTHER, "百分之十"],            # unreadable share
]
COMPANIES_MAP = """
id: t_shareholders
agency: market_regulation
title: {zh: 股东, en: Shareholders}
files: ["*股东*.csv"]
order: 30
encoding: gbk
fields:
  credit: {column: 统一社会信用代码, type: credit_code, required: true, checksum: warn}
  name: {column: 企业名称, type: name}
  pid: {column: 股东身份证号, type: citizen_id, required: true}
  share: {column: 持股比例, type: number, unit: "%"}
  founded: {lookup: register, key: credit, column: 成立日期, type: date, future: reject}
lookups:
  register: {files: ["*企业登记*.xlsx"], key: 统一社会信用代码}
yields:
  - node: Company
    key: credit
    set: {name: name, established: founded}
  - rel: SHAREHOLDER
    from: {Person: pid}
    to: {Company: credit}
    set: {share: share}
"""


REGISTERED = [  # the company register, as Excel; its dates typed as clerks type them
    ["统一社会信用代码", "成立日期"],
    [credit("91522401MA6DJX123").lower(), "2015年3月1日"],
    [COMPANIES[2][0], "20180704"],
]


def test_percent_shares_and_legacy_credit_codes_kept_as_warnings(county, load, empty_falkor):
    write_csv(county[0] / "股东.csv", COMPANIES, encoding="gbk")
    write_xlsx(county[0] / "企业登记.xlsx", REGISTERED)
    add_mapping(county, "shareholders.yaml", COMPANIES_MAP)
    holders = load()[0]["t_shareholders"]
    assert holders.rows_loaded == 3 and holders.rows_rejected == 1
    shares = set(empty_falkor.read("MATCH (p:Person)-[s:SHAREHOLDER]->(c:Company) "
                                   "RETURN c.name, s.share, c.checksum_bad, s.checksum_bad").rows)
    assert shares == {("甲公司", 0.6, None, None), ("乙公司", 0.35, True, True), ("丙公司", 0.05, None, None)}
    assert empty_falkor.read("MATCH (c:Company {name: '乙公司'}) RETURN c.credit_code").scalar() == COMPANIES[2][0]
    founded = dict(empty_falkor.read("MATCH (c:Company) RETURN c.name, c.established").rows)
    assert founded == {"甲公司": "2015-03-01", "乙公司": "2018-07-04", "丙公司": None}, \
        "looked up in the register by credit code and read as a date"
    assert listed(holders) == {("3", "credit", "credit_checksum_kept", "warning"),
                               ("5", "share", "number_invalid", "reject"),
                               ("4", "founded", "lookup_unknown", "warning"),
                               ("5", "founded", "lookup_unknown", "warning")}


def test_wrong_check_character_rejects_by_default(county, load, empty_falkor):
    write_csv(county[0] / "股东.csv", COMPANIES[:3], encoding="gbk")
    write_xlsx(county[0] / "企业登记.xlsx", REGISTERED)
    add_mapping(county, "shareholders.yaml", COMPANIES_MAP.replace(", checksum: warn", ""))
    holders = load()[0]["t_shareholders"]
    assert listed(holders) == {("3", "credit", "credit_checksum", "reject")}
    assert empty_falkor.read("MATCH (c:Company) RETURN c.name").rows == [("甲公司",)]


# ---------------------------------------------------------------- per-row choices

KIN = [
    ["本人身份证号", "亲属身份证号", "关系"],
    [SON, HEAD, "父亲"],          # the relative is the person's parent
    [HEAD, SON, "儿子"],          # the person is the relative's parent: the other direction
    [HEAD, WIFE, "配偶"],
    [HEAD, OUTSIDER, "邻居"],     # no yield takes it: its unknown relative is no one's business
    [SON, OUTSIDER, "母亲"],      # taken, and its relative is unknown: rejected
]
KIN_MAP = """
id: t_kin
agency: public_security
title: {zh: 亲属, en: Kin}
files: ["*亲属*.csv"]
order: 30
constants: {parent: parent, spouse: spouse}
fields:
  pid: {column: 本人身份证号, type: citizen_id, required: true}
  relative: {column: 亲属身份证号, type: citizen_id, required: true}
  relation: {column: 关系, type: text, required: true}
yields:
  - rel: KIN
    when: {field: relation, in: [父亲, 母亲]}
    from: {Person: pid}
    to: {Person: relative}
    merge: {kind: parent}
  - rel: KIN
    when: {field: relation, in: [儿子, 女儿]}
    from: {Person: relative}
    to: {Person: pid}
    merge: {kind: parent}
  - rel: KIN
    when: {field: relation, equals: 配偶}
    from: {Person: pid}
    to: {Person: relative}
    merge: {kind: spouse}
"""


def test_when_chooses_each_rows_relationship_and_direction(county, load, empty_falkor):
    write_csv(county[0] / "亲属关系.csv", KIN)
    add_mapping(county, "kin.yaml", KIN_MAP)
    kin = load()[0]["t_kin"]
    edges = sorted(empty_falkor.read("MATCH (a:Person)-[k:KIN]->(b:Person) RETURN a.citizen_id, k.kind, "
                                     "b.citizen_id, k.src_row").rows)
    assert edges == sorted([(SON, "parent", HEAD, 3), (HEAD, "spouse", WIFE, 4)]), \
        "rows 2 and 3 state one fact in two directions; MERGE keeps one edge, last row's provenance"
    # A relative not in the graph yet: the row waits for them, it is not refused.
    assert listed(kin) == {("6", "relative", "pending_reference", "pending")}


REPS = [
    ["统一社会信用代码", "主体类型", "法定代表人身份证号"],
    [credit("91522401MA6DJX123"), "企业", HEAD],     # merged by the filtered node yield, then linked
    [credit("92522401MA6DJX456"), "个体", WIFE],     # not merged here and not in the graph: unknown
]
REPS_MAP = """
id: t_reps
agency: market_regulation
title: {zh: 法定代表人, en: Legal representatives}
files: ["*法定代表人*.csv"]
order: 30
fields:
  credit: {column: 统一社会信用代码, type: credit_code, required: true}
  kind: {column: 主体类型, type: code, required: true, map: {企业: enterprise, 个体: individual_business}}
  pid: {column: 法定代表人身份证号, type: citizen_id, required: true}
yields:
  - node: Company
    when: {field: kind, equals: enterprise}
    key: credit
    set: {company_type: kind}
  - rel: LEGAL_REP
    from: {Person: pid}
    to: {Company: credit}
"""


def test_a_node_merged_under_when_is_no_unknown_reference_in_the_rows_that_merge_it(county, load, empty_falkor):
    write_csv(county[0] / "法定代表人.csv", REPS)
    add_mapping(county, "reps.yaml", REPS_MAP)
    reps = load()[0]["t_reps"]
    assert empty_falkor.read("MATCH (p:Person)-[:LEGAL_REP]->(c:Company) RETURN p.citizen_id, c.company_type").rows \
        == [(HEAD, "enterprise")]
    assert listed(reps) == {("3", "credit", "pending_reference", "pending")}


SPLIT_PERSONS = """
id: t_split_persons
agency: public_security
title: {zh: 户籍人员, en: Register persons}
files: ["*户籍*.csv"]
order: 10
shares_file: true
fields:
  pid: {column: 公民身份号码, type: citizen_id, required: true}
  name: {column: 姓名, type: name, required: true}
yields:
  - node: Person
    key: pid
    set: {name: name}
"""
SPLIT_MEMBERS = """
id: t_split_members
agency: public_security
title: {zh: 户籍户, en: Register households}
files: ["*户籍*.csv"]
order: 11
shares_file: true
fields:
  pid: {column: 公民身份号码, type: citizen_id, required: true}
  hh: {column: 户号, type: identifier, required: true}
yields:
  - node: Household
    key: hh
  - rel: MEMBER_OF
    from: {Person: pid}
    to: {Household: hh}
"""


def test_two_mappings_share_one_file_when_both_say_so(county, load, empty_falkor):
    (county[1] / "register.yaml").unlink()
    add_mapping(county, "persons.yaml", SPLIT_PERSONS)
    add_mapping(county, "members.yaml", SPLIT_MEMBERS)
    reports, unmatched = load()
    assert not unmatched
    persons, members = reports["t_split_persons"], reports["t_split_members"]
    assert persons.status == members.status == "loaded" and persons.batch_id != members.batch_id
    assert empty_falkor.read("MATCH (p:Person)-[:MEMBER_OF]->(h:Household) RETURN count(p)").scalar() == 4


def test_two_mappings_for_one_file_without_shares_file_fail_it(county, load):
    (county[1] / "register.yaml").unlink()
    add_mapping(county, "persons.yaml", SPLIT_PERSONS)
    add_mapping(county, "members.yaml", SPLIT_MEMBERS.replace("shares_file: true\n", ""))
    reports, unmatched = load()
    assert not reports and [(u.file, u.status) for u in unmatched] == [("户籍人口.csv", "failed")]
    assert "several mappings" in unmatched[0].error


# ---------------------------------------------------------------- per-row source agency

MERGED = [
    ["救助编号", "申请人身份证号", "数据来源"],
    ["LS001", HEAD, "民政"],
    ["LS002", WIFE, "残联"],
    ["LS003", OTHER, ""],
]
MERGED_MAP = """
id: t_merged
agency: civil_affairs
title: {zh: 临时救助汇总, en: Temporary relief, merged}
files: ["*临时救助汇总*.csv"]
order: 40
agency_field: source
fields:
  grant_id: {column: 救助编号, type: identifier, required: true}
  applicant: {column: 申请人身份证号, type: citizen_id, required: true}
  source: {column: 数据来源, type: code, map: {民政: civil_affairs, 残联: disabled_federation}}
yields:
  - node: Grant
    key: grant_id
  - rel: HELD_BY
    from: {Grant: grant_id}
    to: {Person: applicant}
"""


def test_source_agency_per_row_from_a_column(county, load, empty_falkor):
    write_csv(county[0] / "临时救助汇总.csv", MERGED, encoding="gbk")
    add_mapping(county, "merged.yaml", MERGED_MAP)
    assert load()[0]["t_merged"].rows_loaded == 3
    got = set(empty_falkor.read("MATCH (g:Grant)-[h:HELD_BY]->(:Person) "
                                "RETURN g.grant_id, g.src_agency, h.src_agency").rows)
    assert got == {("LS001", "civil_affairs", "civil_affairs"),
                   ("LS002", "disabled_federation", "disabled_federation"),
                   ("LS003", "civil_affairs", "civil_affairs")}


# ---------------------------------------------------------------- key fallback

VEHICLES = [
    ["所有人身份证号", "号牌号码", "车辆识别代号", "初次登记日期"],
    [HEAD, "贵A12345", "LSVAB2BR5EN000001", "2020-01-01"],
    [WIFE, "贵A55555", "", "2019-05-01"],
    [OTHER, "贵A55555", "", "2023-08-01"],      # the plate reissued to another car
    [SON, "贵A77777", "", ""],                  # neither VIN nor registration date
]
VEHICLES_MAP = """
id: t_vehicles
agency: public_security
title: {zh: 车辆, en: Vehicles}
files: ["*机动车*.csv"]
order: 30
fields:
  owner: {column: 所有人身份证号, type: citizen_id, required: true}
  plate: {column: 号牌号码, type: plate}
  vin: {column: 车辆识别代号, type: vin}
  registered: {column: 初次登记日期, type: date}
yields:
  - node: Vehicle
    key: vin
    key_fallback: [plate, registered]
    set: {plate: plate}
  - rel: OWNS
    from: {Person: owner}
    to: {Vehicle: vin}
    set: {start: registered}
"""


def test_vehicles_without_vin_are_keyed_on_plate_and_registration(county, load, empty_falkor):
    write_csv(county[0] / "机动车登记.csv", VEHICLES)
    add_mapping(county, "vehicles.yaml", VEHICLES_MAP)
    vehicles = load()[0]["t_vehicles"]
    owned = set(empty_falkor.read("MATCH (p:Person)-[:OWNS]->(v:Vehicle) RETURN p.citizen_id, v.vin, v.plate").rows)
    assert owned == {(HEAD, "LSVAB2BR5EN000001", "贵A12345"),
                     (WIFE, "~贵A55555|2019-05-01", "贵A55555"),
                     (OTHER, "~贵A55555|2023-08-01", "贵A55555")}, "a reissued plate is another car"
    assert listed(vehicles) == {("5", "vin", "key_blank", "reject")}


# ---------------------------------------------------------------- mistakes in a mapping

BASE = """
id: t_bad
agency: civil_affairs
title: {zh: 测试, en: Test}
files: ["*测试*.csv"]
fields:
  grant_id: {column: 编号, type: identifier, required: true}
  d: {column: 日期, type: date}
  n: {column: 数, type: number}
  t: {column: 文本, type: text}
"""
GRANT = """
yields:
  - node: Grant
    key: grant_id
"""


@pytest.mark.parametrize("text,message", [
    (BASE.replace("type: date}", "type: date, future: later}") + GRANT, "future"),
    (BASE.replace("type: text}", "type: text, future: allow}") + GRANT, "future"),
    (BASE.replace("type: text}", "type: text, checksum: warn}") + GRANT, "checksum"),
    (BASE.replace("type: number}", "type: number, unit: 千元}") + GRANT, "unit"),
    (BASE.replace("type: text}", "type: text, unit: 万元}") + GRANT, "unit"),
    (BASE + "  o: {lookup: orgs, key: grant_id, column: 名称}\n" + GRANT, "orgs"),
    (BASE + "lookups:\n  orgs: {files: ['*单位*.csv']}\n" + GRANT, "key"),
    (BASE + "beneficiaries: everyone\n" + GRANT, "beneficiaries"),
    (BASE + "beneficiaries: from_register\nyields:\n  - node: Household\n    key: grant_id\n", "Grant"),
    (BASE + "agency_field: nowhere\n" + GRANT, "agency_field"),
    (BASE + GRANT + "    when: {field: t, like: x}\n", "when"),
    (BASE + GRANT + "    when: {field: nowhere, equals: x}\n", "nowhere"),
    (BASE + GRANT + "    key_fallback: [nowhere]\n", "key_fallback"),
])
def test_mapping_mistakes_are_named_when_read(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=message):
        load_mapping(path)


@pytest.mark.parametrize("when,passed", [
    ("{field: relation, in: [父亲, 母亲]}", [True, True, False, False]),
    ("{field: relation, not_in: [父亲]}", [False, True, True, False]),   # a blank field passes no list
    ("{field: relation, equals: 配偶}", [False, False, True, False]),
    ("{field: relation, present: true}", [True, True, True, False]),
    ("{field: relation, present: false}", [False, False, False, True]),
])
def test_when_operators(tmp_path, when, passed):
    path = tmp_path / "kin.yaml"
    path.write_text(KIN_MAP.replace("{field: relation, equals: 配偶}", when)
                    .replace("relation: {column: 关系, type: text, required: true}", "relation: {column: 关系, type: text}"),
                    encoding="utf-8")
    mapping = load_mapping(path)
    frame = pd.DataFrame({"本人身份证号": [HEAD] * 4, "亲属身份证号": [SON] * 4, "关系": ["父亲", "母亲", "配偶", None]})
    t = transform(Chunk(frame=frame, rows=[2, 3, 4, 5]), mapping, AS_OF)
    assert t.fields[mapping.rels[2].when.column].notna().tolist() == passed


def test_an_optional_node_with_a_key_fallback_skips_rows_without_either(county, load, empty_falkor):
    write_csv(county[0] / "机动车登记.csv", VEHICLES)
    add_mapping(county, "vehicles.yaml", VEHICLES_MAP.replace("    set: {plate: plate}\n",
                                                              "    set: {plate: plate}\n    optional: true\n")
                .replace("    set: {start: registered}\n", "    set: {start: registered}\n    optional: true\n"))
    vehicles = load()[0]["t_vehicles"]
    assert vehicles.rows_loaded == 4 and not lines(vehicles)
    assert empty_falkor.read("MATCH (:Person)-[:OWNS]->(v:Vehicle) RETURN count(v)").scalar() == 3
