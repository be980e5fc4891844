/*
id: summary.housing
title: {zh: 县城购买商品房或建房, en: Bought commercial housing or built a house}
order: 3
rules: [commercial_housing, multiple_properties]
description: 在享受/建档期间登记的商品住房或宅基地自建房。Housing registered during the person's spell.
params:
  as_of: {type: date, zh: 基准日, en: As of}
  programmes: {type: list, default: [poverty, dibao, destitute], zh: 救助类别, en: Programmes}
  property_types: {type: list, default: [commercial, homestead, self_built], zh: 计入的房屋类型, en: Property types}
*/
MATCH (x:Person)-[b:BENEFICIARY_OF]->(g:Grant)
WHERE g.programme IN $programmes
WITH x, coalesce(b.start, g.start) AS s, coalesce(b.end, g.end, $as_of) AS e
MATCH (x)-[o:OWNS]->(pr:Property)
WHERE pr.property_type IN $property_types AND o.start >= s AND o.start <= e
RETURN DISTINCT x.citizen_id AS person_id, x.region_code AS region_code, pr.cert_no AS record_id
