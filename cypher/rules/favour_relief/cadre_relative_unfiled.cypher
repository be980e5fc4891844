/*
id: cadre_relative_unfiled
title: {zh: 本村干部或本镇经办人员的近亲属享受救助且未备案, en: Unfiled close relative of the village's cadre or the town's handler receives relief}
family: favour_relief
status: stable
severity: high
weight: 0.85
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）：村（居）民委员会成员、乡镇（街道）和县级民政部门
  工作人员的近亲属申请最低生活保障的，应当如实申明并实行备案管理；经办人员应当回避。
  未备案而由其任职村、镇审核享受的，属"人情保、关系保"线索。
narrative: "申请人是{unit}{cadre_role}{cadre}的{relation}，该户{programme}于{grant_start}在其任期（{term_start}起）和辖区内开始享受，未办理近亲属备案。"
evidence: 干部 → 任职（村/镇，任期） ；干部 → 亲属关系（两层以内，跨户） → 救助对象 → 救助（在其辖区、任期内开始）
false_positives:
  - 已按规定备案的不计
  - 亲属在其他村享受（不在干部辖区）不计
  - 救助早于干部任期开始的不计
  - 同户共同生活的家庭成员另行核查（不计入本规则）
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (c:Person)-[post:HOLDS_POST]->(o:Org)
WHERE size(o.region_code) = 12 OR size(o.region_code) = 9
MATCH k = (c)-[:KIN*1..2]-(h:Person)<-[:HELD_BY]-(g:Grant)<-[:RECEIVES]-(hh:Household)
WHERE h <> c
  AND (g.region_code = o.region_code OR (size(o.region_code) = 9 AND g.region_code STARTS WITH o.region_code))
  AND post.start <= g.start AND (post.end IS NULL OR g.start <= post.end)
  AND NOT (h)-[:FILED_AS_RELATIVE]->(c)
OPTIONAL MATCH (c)-[:MEMBER_OF]->(ch:Household)
WITH c, post, o, h, g, hh, ch, k ORDER BY length(k)
WITH c, post, o, h, g, hh, ch, collect(k) AS kin
WHERE ch IS NULL OR ch <> hh
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       c.citizen_id AS related_id,
       {cadre: c.name, cadre_role: post.role, unit: o.name, unit_code: o.region_code, term_start: post.start,
        term_end: post.end, kin_hops: size([r IN relationships(kin[0]) WHERE type(r) = 'KIN']),
        kin_kinds: [r IN relationships(kin[0]) WHERE type(r) = 'KIN' | r.kind], programme: g.programme, grant_start: g.start} AS facts,
       [kin[0]] AS paths
