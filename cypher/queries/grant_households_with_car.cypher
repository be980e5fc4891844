/*
id: grant_households_with_car
title: {zh: 某乡镇救助户成员在享受期间登记车辆, en: Grant households in a town with a car registered during the grant}
description: >
  分析人员常用查询：某乡镇内某类救助户，其成员在救助起始日之后（且在救助期内）登记了机动车。
  残疾人专用车、农用车默认不计。
  "All dibao households in town X with a car registered after their grant began."
audience: [analyst]
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
        MATCH (t:Region {level: 'town'})<-[:IN_REGION]-(:Region)<-[:IN_REGION]-(:Household)-[:RECEIVES]->(g:Grant),
              (g)<-[:BENEFICIARY_OF]-(:Person)-[o:OWNS]->(:Vehicle)
        WHERE o.start >= g.start
        RETURN t.code, count(DISTINCT g) AS n ORDER BY n DESC, t.code
  programme:
    type: string
    default: dibao
    zh: 救助类别
    en: Programme
    choices: {names: programme, query: "MATCH (g:Grant) RETURN g.programme, count(g) AS n ORDER BY n DESC"}
  vehicle_types:
    type: list
    default: [car, truck]
    zh: 计入的车辆类型
    en: Vehicle types counted
    choices: {names: vehicle_type, query: "MATCH (v:Vehicle) RETURN v.vehicle_type, count(v) AS n ORDER BY n DESC"}
columns:
  household_id: 户号
  grant_id: 救助编号
  grant_start: 救助起始日期
  citizen_id: 身份证号
  name: 姓名
  plate: 号牌号码
  vehicle_type: {zh: 车辆类型, names: vehicle_type}
  registered: 车辆登记日期
*/
MATCH (:Region {code: $town_code})<-[:IN_REGION]-(:Region)<-[:IN_REGION]-(h:Household)-[:RECEIVES]->(g:Grant {programme: $programme})
MATCH (p:Person)-[:MEMBER_OF]->(h)
MATCH (p)-[o:OWNS]->(v:Vehicle)
WHERE v.vehicle_type IN $vehicle_types
  AND o.start >= g.start
  AND (g.end IS NULL OR o.start <= g.end)
RETURN h.household_id AS household_id,
       g.grant_id AS grant_id,
       g.start AS grant_start,
       p.citizen_id AS citizen_id,
       p.name AS name,
       v.plate AS plate,
       v.vehicle_type AS vehicle_type,
       o.start AS registered
ORDER BY household_id, registered
