/*
id: commercial_housing
title: {zh: 救助期间家庭成员名下有商品住房, en: A member owns commercial housing during the grant}
family: hidden_assets
status: stable
severity: high
weight: 0.85
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）要求核查家庭财产状况，
  拥有商品住房（尤其县城商品房）的家庭原则上不符合最低生活保障条件。
narrative: "该户成员{member}名下有商品住房（{cert_no}，{area}㎡），登记日期{registered}，与该户{programme}（{grant_start}起）享受期间重叠。"
evidence: 救助对象 → 保障成员 → 不动产（商品住房，登记与注销日期与救助期间重叠）
false_positives:
  - 仅有农村宅基地住房不计
  - 因拆迁安置取得的唯一住房，需核实
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)<-[b:BENEFICIARY_OF]-(m:Person)-[o:OWNS]->(pr:Property {property_type: 'commercial'})
WITH hh, g, h, m, o, pr, p, coalesce(b.start, g.start) AS cover_from, coalesce(b.end, g.end) AS cover_to
WHERE o.start <= coalesce(cover_to, $as_of)
  AND (o.end IS NULL OR o.end >= cover_from)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       m.citizen_id AS related_id,
       {member: m.name, cert_no: pr.cert_no, area: pr.area, registered: o.start, cancelled: o.end,
        programme: g.programme, grant_start: g.start, grant_end: g.end,
        covered_from: cover_from, covered_to: cover_to} AS facts,
       [p] AS paths
