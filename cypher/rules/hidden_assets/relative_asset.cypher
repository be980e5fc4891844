/*
id: relative_asset
title: {zh: 负有赡养/扶养义务的近亲属（另立户）有车、商品房或经营企业, en: A relative who owes support (in another household) holds a car, commercial housing or a business}
family: hidden_assets
status: stable
severity: medium
weight: 0.7
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）规定，认定家庭经济状况时应考虑法定赡养、
  扶养、抚养义务人的负担能力；义务人有车辆、商品住房或经营企业的，应核查其履行义务情况。
narrative: "申请人的{relation}{relative}（负有赡养/扶养义务、不在保障成员内）名下有{asset}（{asset_id}），期间{from_date}至{to_date}，与该户{programme}（{grant_start}起）享受期间重叠。"
evidence: 救助对象 → 亲属关系（配偶、父母、子女） → 义务人 → 车辆/商品住房/市场主体（期间与救助重叠）
false_positives:
  - 兄弟姐妹一般不负赡养义务，不计
  - 义务人本身为低收入人口或已履行赡养义务，需核实
params:
  as_of: {type: date, zh: 基准日, en: As of}
  vehicle_types: {type: list, default: [car, truck], zh: 计入的车辆类型, en: Vehicle types counted}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)-[:HELD_BY]->(h)-[:KIN]-(r:Person)-[o:OWNS]->(v:Vehicle)
WHERE NOT (r)-[:BENEFICIARY_OF]->(g) AND v.vehicle_type IN $vehicle_types
  AND o.start <= coalesce(g.end, $as_of) AND (o.end IS NULL OR o.end >= g.start)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       r.citizen_id AS related_id,
       {relative: r.name, asset: '机动车', asset_id: v.plate, from_date: o.start, to_date: o.end,
        programme: g.programme, grant_start: g.start, grant_end: g.end} AS facts,
       [p] AS paths
UNION ALL
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)-[:HELD_BY]->(h)-[:KIN]-(r:Person)-[o:OWNS]->(pr:Property {property_type: 'commercial'})
WHERE NOT (r)-[:BENEFICIARY_OF]->(g)
  AND o.start <= coalesce(g.end, $as_of) AND (o.end IS NULL OR o.end >= g.start)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       r.citizen_id AS related_id,
       {relative: r.name, asset: '商品住房', asset_id: pr.cert_no, from_date: o.start,
        to_date: o.end, programme: g.programme, grant_start: g.start, grant_end: g.end} AS facts,
       [p] AS paths
UNION ALL
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)-[:HELD_BY]->(h)-[:KIN]-(r:Person)-[role:LEGAL_REP|SHAREHOLDER|EXECUTIVE]->(c:Company)
WHERE NOT (r)-[:BENEFICIARY_OF]->(g)
WITH hh, g, h, r, role, c, p,
     CASE WHEN role.start > c.established THEN role.start ELSE c.established END AS from_date,
     CASE WHEN c.deregistered IS NULL THEN role.end
          WHEN role.end IS NULL OR role.end > c.deregistered THEN c.deregistered
          ELSE role.end END AS to_date
WHERE from_date <= coalesce(g.end, $as_of) AND (to_date IS NULL OR to_date >= g.start)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       r.citizen_id AS related_id,
       {relative: r.name, asset: '市场主体', asset_id: c.credit_code, from_date: from_date,
        to_date: to_date, programme: g.programme, grant_start: g.start, grant_end: g.end} AS facts,
       [p] AS paths
