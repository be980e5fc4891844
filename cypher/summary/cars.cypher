/*
id: summary.cars
title: {zh: 购买汽车, en: Bought cars}
order: 2
rules: [car_during_grant]
description: 在享受/建档期间登记（购买）的汽车，按车辆计记录数。Cars registered during the person's spell.
params:
  as_of: {type: date, zh: 基准日, en: As of}
  programmes: {type: list, default: [poverty, dibao, destitute], zh: 救助类别, en: Programmes}
  vehicle_types: {type: list, default: [car, truck], zh: 计入的车辆类型, en: Vehicle types}
*/
MATCH (x:Person)-[b:BENEFICIARY_OF]->(g:Grant)
WHERE g.programme IN $programmes
WITH x, coalesce(b.start, g.start) AS s, coalesce(b.end, g.end, $as_of) AS e
MATCH (x)-[o:OWNS]->(v:Vehicle)
WHERE v.vehicle_type IN $vehicle_types AND o.start >= s AND o.start <= e
RETURN DISTINCT x.citizen_id AS person_id, x.region_code AS region_code, v.vin AS record_id
