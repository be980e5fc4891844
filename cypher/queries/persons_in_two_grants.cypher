/*
id: persons_in_two_grants
title: {zh: 同一人同时享受两项救助, en: Persons covered by two grants at once}
description: >
  同一人在同一时期被两项救助（同类或不同类）同时覆盖，可能重复享受。
  "Who is covered by two grants whose spells overlap."
audience: [analyst, dispatcher, verifier, reviewer]
returns: table
params:
  as_of: {type: date, default: "2026-12-31", zh: 截止基准日, en: Open spells end on}
columns:
  citizen_id: 身份证号
  name: 姓名
  first_grant: 救助编号一
  first_programme: {zh: 救助类别一, names: programme}
  first_village: {zh: 所在村居一, names: region}
  second_grant: 救助编号二
  second_programme: {zh: 救助类别二, names: programme}
  second_village: {zh: 所在村居二, names: region}
*/
MATCH (x:Person)-[:BENEFICIARY_OF]->(g1:Grant), (x)-[:BENEFICIARY_OF]->(g2:Grant)
WHERE g1.grant_id < g2.grant_id
  AND g1.start <= coalesce(g2.end, $as_of) AND g2.start <= coalesce(g1.end, $as_of)
RETURN x.citizen_id AS citizen_id, x.name AS name, g1.grant_id AS first_grant, g1.programme AS first_programme,
       g1.region_code AS first_village, g2.grant_id AS second_grant, g2.programme AS second_programme,
       g2.region_code AS second_village
ORDER BY citizen_id, first_grant
