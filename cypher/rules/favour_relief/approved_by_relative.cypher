/*
id: approved_by_relative
title: {zh: 救助由申请人的近亲属审核或审批, en: The grant was assessed or approved by the applicant's close relative}
family: favour_relief
status: stable
severity: high
weight: 0.9
legal_basis: >
  《社会救助暂行办法》（国务院令第649号）第六十六条：对不符合条件的救助申请人批准救助的，
  对直接负责的主管人员和其他直接责任人员依法给予处分；经办人员与申请人有近亲属关系的应当回避。
narrative: "该户{programme}（{grant_start}起）由申请人的{relation}{official}{step}。"
evidence: 救助 → 审核/审批人员；审核/审批人员 → 亲属关系（两层以内） → 申请人
false_positives:
  - 同姓但无登记亲属关系者不计
  - 已回避、由他人复核的情形，需核实审批记录
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH (g)-[a:ASSESSED_BY|APPROVED_BY]->(o:Person)
MATCH k = (h)-[:KIN*1..2]-(o)
WHERE o <> h
WITH hh, g, h, a, o, k ORDER BY length(k)
WITH hh, g, h, a, o, collect(k) AS kin
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       o.citizen_id AS related_id,
       {official: o.name, step: type(a), kin_hops: size(relationships(kin[0])),
        kin_kinds: [r IN relationships(kin[0]) | r.kind], programme: g.programme, grant_start: g.start} AS facts,
       [kin[0]] AS paths
