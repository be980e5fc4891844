/*
id: multiple_properties
title: {zh: 救助期间家庭成员名下有两处以上不动产, en: A member holds two or more properties during the grant}
family: hidden_assets
status: stable
severity: medium
weight: 0.7
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）要求核查家庭财产状况；
  拥有两套及以上住房或其他不动产的家庭需重点核查。
narrative: "该户成员{member}在{programme}享受期间（{grant_start}起）名下有{properties}处不动产（{cert_nos}）。"
evidence: 救助对象 → 保障成员 → 两处以上不动产（均与救助期间重叠）
false_positives:
  - 同一宅基地分次登记（换证）可能被计为两处，需核实
params:
  as_of: {type: date, zh: 基准日, en: As of}
  min_properties: {type: int, default: 2, zh: 最少处数, en: Minimum properties}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
// WITH keeps the walk starting from the grants: FalkorDB otherwise plans it from every owner.
WITH hh, g, h
MATCH p = (g)<-[b:BENEFICIARY_OF]-(m:Person)-[o:OWNS]->(pr:Property)
WITH hh, g, h, m, o, pr, p, coalesce(b.start, g.start) AS cover_from, coalesce(b.end, g.end) AS cover_to
WHERE o.start <= coalesce(cover_to, $as_of)
  AND (o.end IS NULL OR o.end >= cover_from)
WITH h, hh, g, m, cover_from, cover_to, collect(p) AS paths, collect(pr.cert_no) AS certs, collect(pr.property_type) AS types
WHERE size(certs) >= $min_properties
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       m.citizen_id AS related_id,
       {member: m.name, properties: size(certs), cert_nos: certs, property_types: types,
        programme: g.programme, grant_start: g.start, grant_end: g.end,
        covered_from: cover_from, covered_to: cover_to} AS facts,
       paths
