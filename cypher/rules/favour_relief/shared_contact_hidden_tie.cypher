/*
id: shared_contact_hidden_tie
title: {zh: 救助对象与干部共用电话、住址或银行账户且无登记亲属关系, en: Recipient shares a phone, address or bank account with a cadre, with no recorded kinship}
family: favour_relief
status: stable
severity: medium
weight: 0.75
legal_basis: >
  《社会救助暂行办法》（国务院令第649号）第六十六条；共用联系方式或收款账户而无登记亲属关系，
  提示隐性关系或冒领、代领，应核实资金实际去向。
narrative: "申请人与干部{cadre}共用{shared}，两人无登记亲属关系、不同户；该户{programme}自{grant_start}起享受。"
evidence: 干部 → 电话/住址/账户 ← 救助对象（两者无两层以内亲属关系、不同户）
false_positives:
  - 有登记亲属关系（已备案）的共用联系方式不计
  - 村委会代为填写公共电话、集体户地址，需核实
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (c:Person)-[:HOLDS_POST]->(:Org)
WITH DISTINCT c
MATCH p = (c)-[:HAS_PHONE|LIVES_AT|HOLDS_ACCOUNT]->(x)<-[:HAS_PHONE|LIVES_AT|HOLDS_ACCOUNT]-(h:Person)<-[:HELD_BY]-(g:Grant)<-[:RECEIVES]-(hh:Household)
WHERE h <> c AND NOT (c)-[:KIN*1..2]-(h)
OPTIONAL MATCH (c)-[:MEMBER_OF]->(ch:Household)
WITH c, x, h, g, hh, ch, p
WHERE ch IS NULL OR NOT (h)-[:MEMBER_OF]->(ch)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       c.citizen_id AS related_id,
       {cadre: c.name, shared: labels(x)[0], programme: g.programme, grant_start: g.start} AS facts,
       [p] AS paths
