/*
id: kin_network_concentration
title: {zh: 村干部亲属圈集中享受救助, en: A village cadre's kin network holds far more grants than usual}
family: favour_relief
status: stable
severity: medium
weight: 0.6
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）要求对村干部近亲属享受低保实行备案并重点核查；
  亲属圈集中享受即使均已备案，也是"人情保"的典型信号。
narrative: "村干部{cadre}的两层以内亲属中共有{network_grants}户享受低保或特困供养，本户为其中之一（申请人是其{relation}）。"
evidence: 村干部 → 亲属关系（两层以内，跨户） → 各救助对象 → 救助
false_positives:
  - 因灾、因病集中致贫的家族，需核实致贫原因
  - 阈值（min_grants）远高于村均水平：一名干部两层亲属约二十人，按一般低保覆盖率预期不足一户
params:
  as_of: {type: date, zh: 基准日, en: As of}
  min_grants: {type: int, default: 4, zh: 最少救助户数, en: Minimum grants in the network}
  programmes: {type: list, default: [dibao, destitute], zh: 计入的救助类别, en: Programmes counted}
*/
MATCH (c:Person)-[:HOLDS_POST]->(o:Org)
WHERE size(o.region_code) = 12
WITH DISTINCT c
MATCH (c)-[:KIN*1..2]-(h:Person)<-[:HELD_BY]-(g:Grant)<-[:RECEIVES]-(hh:Household)
WHERE h <> c AND g.programme IN $programmes
OPTIONAL MATCH (c)-[:MEMBER_OF]->(ch:Household)
WITH c, g, hh, ch
WHERE ch IS NULL OR ch <> hh
WITH c, collect(DISTINCT g) AS grants
WHERE size(grants) >= $min_grants
UNWIND grants AS g
MATCH (hh:Household)-[:RECEIVES]->(g)-[:HELD_BY]->(h:Person)
MATCH k = (c)-[:KIN*1..2]-(h)
WITH c, grants, g, hh, h, k ORDER BY length(k)
WITH c, grants, g, hh, h, collect(k) AS kin
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       c.citizen_id AS related_id,
       {cadre: c.name, network_grants: size(grants), programme: g.programme, grant_start: g.start,
        kin_kinds: [r IN relationships(kin[0]) | r.kind]} AS facts,
       [kin[0]] AS paths
