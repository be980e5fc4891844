/*
id: car_during_grant
title: {zh: 救助期间家庭成员名下有汽车, en: A member owns a car during the grant}
family: hidden_assets
status: stable
severity: high
weight: 0.9
legal_basis: >
  《社会救助暂行办法》（国务院令第649号）规定最低生活保障以家庭收入和财产状况为依据；
  《最低生活保障审核确认办法》（民发〔2021〕57号）将拥有机动车辆（残疾人功能性补偿代步
  机动车辆除外）列为家庭财产状况不符合条件的情形。
narrative: "该户成员{member}名下登记{vehicle_type}{plate}，登记日期{registered}（转移日期{transferred}），与该户{programme}（{grant_start}起）享受期间重叠。"
evidence: 救助对象 → 保障成员 → 机动车（登记日期、转移日期与救助期间重叠）
false_positives:
  - 残疾人专用车、农用三轮车、摩托车不计（vehicle_types 参数）
  - 申请前已转让的车辆（转移日期早于救助开始）不计
  - 车辆登记在成员名下但实际为他人所有，需核实
params:
  as_of: {type: date, zh: 基准日, en: As of}
  vehicle_types: {type: list, default: [car, truck], zh: 计入的车辆类型, en: Vehicle types counted}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)<-[b:BENEFICIARY_OF]-(m:Person)-[o:OWNS]->(v:Vehicle)
WHERE v.vehicle_type IN $vehicle_types
WITH hh, g, h, m, o, v, p, coalesce(b.start, g.start) AS cover_from, coalesce(b.end, g.end) AS cover_to
WHERE o.start <= coalesce(cover_to, $as_of)
  AND (o.end IS NULL OR o.end >= cover_from)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       m.citizen_id AS related_id,
       {member: m.name, plate: v.plate, vin: v.vin, vehicle_type: v.vehicle_type, registered: o.start,
        transferred: o.end, programme: g.programme, grant_start: g.start, grant_end: g.end,
        covered_from: cover_from, covered_to: cover_to} AS facts,
       [p] AS paths
