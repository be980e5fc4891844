/*
id: flexible_high_base
title: {zh: 救助期间保障成员以灵活就业身份按较高基数缴纳社会保险, en: A covered member pays social insurance as a flexible worker on a high base during the grant}
family: hidden_assets
status: stable
severity: medium
weight: 0.7
legal_basis: >
  《中华人民共和国社会保险法》第十条：无雇工的个体工商户、灵活就业人员可以参加基本养老保险，由个人
  缴费；各省规定其缴费基数在本省上年度全口径城镇单位就业人员平均工资的60%至300%之间自选。选择不低于
  平均工资的基数，即本人有相应的经营或劳务收入。《最低生活保障审核确认办法》（民发〔2021〕57号）：
  家庭收入包括经营净收入和其他劳动收入，应如实申报。
narrative: "该户成员{member}以{insured_as}身份参加{insurance}，缴费基数{base}元/月（不低于{min_base}元/月），自{paid_from}起缴费，与其{programme}享受期间（{covered_from}起）重叠。"
evidence: 救助对象 → 保障成员 → 社保经办机构（灵活就业缴费，基数不低于阈值，期间与其保障期间重叠）
false_positives:
  - 按最低档（平均工资的60%）缴费的灵活就业人员不计：困难人员常享受灵活就业社保补贴
  - 救助开始前已停止缴费者不计
  - 由子女代缴、以养老为目的按较高档缴费的，需核实缴费资金来源
params:
  as_of: {type: date, zh: 基准日, en: As of}
  # The provincial average wage of the previous year (全口径城镇单位就业人员月平均工资); set the county's own.
  min_base: {type: float, default: 6000, zh: 缴费基数阈值(元/月), en: Base threshold (CNY/month)}
  insured_as: {type: list, default: [flexible], zh: 计入的参保身份, en: Insured as (counted)}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)<-[b:BENEFICIARY_OF]-(m:Person)-[c:SOCIAL_CONTRIBUTION]->(o:Org)
WHERE c.insured_as IN $insured_as AND c.base >= $min_base
WITH hh, g, h, m, c, o, p, coalesce(b.start, g.start) AS cover_from, coalesce(b.end, g.end) AS cover_to
WHERE c.start <= coalesce(cover_to, $as_of)
  AND (c.end IS NULL OR c.end >= cover_from)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       m.citizen_id AS related_id,
       {member: m.name, unit: o.name, insurance: c.insurance, insured_as: c.insured_as, base: c.base,
        min_base: $min_base, paid_from: c.start, paid_to: c.end, programme: g.programme,
        grant_start: g.start, grant_end: g.end, covered_from: cover_from, covered_to: cover_to} AS facts,
       [p] AS paths
