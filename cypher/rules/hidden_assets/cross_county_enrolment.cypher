/*
id: cross_county_enrolment
title: {zh: 保障成员同时在外县享受低保或特困供养, en: A covered member is also enrolled in another county in the same months}
family: hidden_assets
status: stable
severity: high
weight: 0.85
legal_basis: >
  《社会救助暂行办法》（国务院令第649号）第十条、第十四条：最低生活保障、特困人员供养由户籍所在地
  （或经常居住地）县级人民政府民政部门审核确认，同一人员不得在两地重复享受；第六十八条：
  采取虚报、隐瞒等手段骗取社会救助资金的，决定停止救助，责令退回。
  《最低生活保障审核确认办法》（民发〔2021〕57号）：申请人户籍迁移或在经常居住地申请的，
  原户籍地应当停止保障，做好衔接。
narrative: "保障成员{member}在本县{programme}（{covered_from}起）期间，同时在{county}享受{elsewhere_programme}（{elsewhere_from}至{elsewhere_to}，救助证号{elsewhere_no}）。"
evidence: 救助对象 → 保障成员 → 外县民政部门（按身份证号关联；外县保障期间与本县保障期间有重叠月份）
false_positives:
  - 迁移后先停后保、前后衔接无重叠月份者不计（按月比较）
  - 同名同姓但身份证号不同者不计（按身份证号关联，外县证件号中的小写x、空格已规范化）
  - 迁移当月两地交接、只重叠一个月的，应核实外县停发时间后再认定
params:
  as_of: {type: date, zh: 基准日, en: As of}
  programmes: {type: list, default: [dibao, destitute], zh: 计入的救助类别, en: Programmes counted}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
WHERE g.programme IN $programmes
MATCH p = (g)<-[b:BENEFICIARY_OF]-(m:Person)-[e:ENROLLED_ELSEWHERE]->(o:Org)
WHERE e.programme IN $programmes
WITH hh, g, h, m, e, o, p, coalesce(b.start, g.start) AS cover_from, coalesce(b.end, g.end) AS cover_to
// both extracts may give months only: compare YYYY-MM
WHERE substring(e.start, 0, 7) <= substring(coalesce(cover_to, $as_of), 0, 7)
  AND (e.end IS NULL OR substring(e.end, 0, 7) >= substring(cover_from, 0, 7))
WITH hh, g, h, m, e, o, p, cover_from, cover_to ORDER BY e.start
WITH hh, g, h, m, cover_from, cover_to, collect(e)[0] AS e, collect(o)[0] AS o, collect(p) AS paths
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       m.citizen_id AS related_id,
       {member: m.name, programme: g.programme, grant_start: g.start, grant_end: g.end,
        covered_from: cover_from, covered_to: cover_to, county: coalesce(e.county, o.name),
        elsewhere_programme: e.programme, elsewhere_from: e.start, elsewhere_to: coalesce(e.end, '今'),
        elsewhere_no: e.grant_no, elsewhere_amount: e.monthly_amount} AS facts,
       paths
