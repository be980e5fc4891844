/*
id: cadres_in_town
title: {zh: 某乡镇干部任职名册及其亲属享受救助数, en: Cadres of a town, with relatives on relief}
description: >
  某乡镇（含所辖村居）的村两委成员、经办人员、乡镇干部及任期，并统计其近亲属（两步以内）中享受救助的人数。
  "Who the cadres are, and how many of their relatives are on relief."
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
        MATCH (:Person)-[:HOLDS_POST]->(o:Org) WHERE size(o.region_code) >= 9
        RETURN substring(o.region_code, 0, 9) AS town, count(*) AS n ORDER BY n DESC, town
columns:
  unit_code: {zh: 任职单位, names: org}
  citizen_id: 身份证号
  name: 姓名
  role: {zh: 岗位, names: post_role}
  start: 任职开始
  end: 任职结束
  relatives_on_relief: 享受救助的近亲属数
*/
MATCH (c:Person)-[post:HOLDS_POST]->(o:Org)
WHERE o.region_code STARTS WITH $town_code
OPTIONAL MATCH (c)-[:KIN*1..2]-(r:Person)-[:BENEFICIARY_OF]->(:Grant)
WHERE r <> c
RETURN o.org_id AS unit_code, c.citizen_id AS citizen_id, c.name AS name, post.role AS role, post.start AS start,
       post.end AS end, count(DISTINCT r) AS relatives_on_relief
ORDER BY unit_code, role, name
