/*
id: grant_members_with_housing
title: {zh: 救助对象成员名下有商品房等不动产, en: Grant members owning commercial housing}
description: >
  救助对象的保障成员在救助期间名下有指定类型的不动产（默认商品房）。
  "Grant members who owned commercial housing while covered."
audience: [analyst, dispatcher, verifier, reviewer]
returns: table
params:
  town_code:
    type: string
    required: true
    zh: 乡镇
    en: Town
    example: "451299100"
    choices:
      names: region
      query: >
        MATCH (g:Grant)<-[:BENEFICIARY_OF]-(:Person)-[:OWNS]->(pr:Property)
        RETURN substring(g.region_code, 0, 9) AS town, count(DISTINCT g) AS n ORDER BY n DESC, town
  property_types:
    type: list
    default: [commercial, self_built]
    zh: 计入的房屋类型
    en: Property types counted
    choices: {names: property_type, query: "MATCH (p:Property) RETURN p.property_type, count(p) AS n ORDER BY n DESC"}
columns:
  village: {zh: 村居, names: region}
  grant_id: 救助编号
  programme: {zh: 救助类别, names: programme}
  citizen_id: 身份证号
  name: 姓名
  cert_no: 不动产权证号
  property_type: {zh: 房屋类型, names: property_type}
  area: 建筑面积(㎡)
  owned_from: 登记日期
*/
MATCH (g:Grant)<-[:BENEFICIARY_OF]-(m:Person)-[o:OWNS]->(pr:Property)
WHERE g.region_code STARTS WITH $town_code AND pr.property_type IN $property_types
  AND o.start <= coalesce(g.end, '9999-12-31') AND (o.end IS NULL OR o.end >= g.start)
RETURN g.region_code AS village, g.grant_id AS grant_id, g.programme AS programme, m.citizen_id AS citizen_id,
       m.name AS name, pr.cert_no AS cert_no, pr.property_type AS property_type, pr.area AS area,
       o.start AS owned_from
ORDER BY village, grant_id
