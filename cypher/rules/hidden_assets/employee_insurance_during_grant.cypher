/*
id: employee_insurance_during_grant
title: {zh: 救助期间保障成员以单位职工身份参加职工养老保险, en: A covered member pays employees' pension insurance as an employee during the grant}
family: hidden_assets
status: stable
severity: medium
weight: 0.8
legal_basis: >
  《中华人民共和国社会保险法》第十条、第十二条：职工应当参加基本养老保险，由用人单位和职工共同缴费，
  缴费基数为职工工资——以在职职工身份缴费即表明有正式用工和工资收入。《最低生活保障审核确认办法》
  （民发〔2021〕57号）：家庭收入包括工资性收入，申请和享受期间应如实申报；隐瞒收入骗取救助的，依
  《社会救助暂行办法》（国务院令第649号）第六十八条停止救助、责令退回。
narrative: "该户成员{member}以{insured_as}身份在{unit}参加{insurance}（缴费基数{base}元/月），自{paid_from}起缴费，与其{programme}享受期间（{covered_from}起）重叠。"
evidence: 救助对象 → 保障成员 → 参保单位（单位职工身份缴费期间与其保障期间重叠）
false_positives:
  - 救助开始前已停保（离职）者不计
  - 参加城乡居民基本养老保险（含政府代缴）不是就业，不计
  - 以灵活就业人员身份缴费的由 flexible_high_base 按缴费基数核查
  - 公益性岗位等按规定不计入家庭收入的就业收入，需结合当地政策核实
params:
  as_of: {type: date, zh: 基准日, en: As of}
  insured_as: {type: list, default: [employee], zh: 计入的参保身份, en: Insured as (counted)}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)<-[b:BENEFICIARY_OF]-(m:Person)-[c:SOCIAL_CONTRIBUTION]->(o:Org)
WHERE c.insured_as IN $insured_as
WITH hh, g, h, m, c, o, p, coalesce(b.start, g.start) AS cover_from, coalesce(b.end, g.end) AS cover_to
WHERE c.start <= coalesce(cover_to, $as_of)
  AND (c.end IS NULL OR c.end >= cover_from)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       m.citizen_id AS related_id,
       {member: m.name, unit: o.name, insurance: c.insurance, insured_as: c.insured_as, base: c.base,
        paid_from: c.start, paid_to: c.end, programme: g.programme, grant_start: g.start, grant_end: g.end,
        covered_from: cover_from, covered_to: cover_to} AS facts,
       [p] AS paths
