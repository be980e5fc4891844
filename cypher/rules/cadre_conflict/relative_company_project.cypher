/*
id: relative_company_project
title: {zh: 干部近亲属控制的企业在其辖区任期内承接项目资金, en: A cadre's relative's company won project funds in the cadre's jurisdiction during the term}
family: cadre_conflict
status: stable
severity: high
weight: 0.85
legal_basis: >
  《中国共产党纪律处分条例》关于利用职权为亲属经营活动谋取利益的规定；《村民委员会组织法》
  关于村务公开与回避的规定。衔接资金项目由干部近亲属控制的企业承接，应核查招投标与回避。
narrative: "{unit}干部的{relation}{relative}控制的{company}于{awarded}中标本辖区项目“{project}”（{amount_wan}万元），在其任期（{term_start}起）内。"
evidence: 干部 → 任职（辖区、任期）；干部 → 亲属关系（两层以内） → 法定代表人/股东 → 企业 → 中标项目（在辖区、任期内）
false_positives:
  - 项目不在干部辖区的不计
  - 中标日期不在任期内的不计
  - 公开招标且干部已回避，需核实
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (c:Person)-[post:HOLDS_POST]->(o:Org)
WHERE size(o.region_code) = 12 OR size(o.region_code) = 9
MATCH k = (c)-[:KIN*1..2]-(r:Person)-[:LEGAL_REP|SHAREHOLDER]->(co:Company)-[aw:AWARDED]->(pj:Project)
WHERE r <> c
  AND (pj.region_code = o.region_code OR (size(o.region_code) = 9 AND pj.region_code STARTS WITH o.region_code))
  AND post.start <= pj.awarded AND (post.end IS NULL OR pj.awarded <= post.end)
OPTIONAL MATCH (c)-[:MEMBER_OF]->(hh:Household)
WITH c, post, o, r, co, pj, hh, k ORDER BY length(k)
WITH c, post, o, r, co, pj, hh, collect(k) AS kin
RETURN c.citizen_id AS subject_id, hh.household_id AS household_id, null AS grant_id,
       r.citizen_id AS related_id,
       {relative: r.name, company: co.name, credit_code: co.credit_code, project: pj.name,
        project_id: pj.project_id, amount_wan: pj.amount_wan, awarded: pj.awarded, unit: o.name,
        unit_code: o.region_code, term_start: post.start, term_end: post.end} AS facts,
       [kin[0]] AS paths
