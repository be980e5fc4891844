/*
id: cadre_relatives_on_relief_by_village
title: {zh: 各村干部近亲属享受救助情况（按村统计）, en: Cadres' relatives on relief, by village}
description: >
  村两委成员、经办人员的近亲属（亲属关系两步以内）在其任职村居享受救助的人数，按村居统计，
  并注明其中未在近亲属备案登记中备案的人数。
  "Cadres' relatives on relief by village", with how many were not filed.
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
        MATCH (c:Person)-[:HOLDS_POST]->(o:Org) WHERE size(o.region_code) = 12
        RETURN substring(o.region_code, 0, 9) AS town, count(DISTINCT c) AS n ORDER BY n DESC, town
columns:
  village: {zh: 村居, names: region}
  cadres: 有亲属享受救助的干部数
  relatives: 享受救助的近亲属人数
  unfiled: 其中未备案人数
  grants: 涉及救助笔数
*/
MATCH (c:Person)-[post:HOLDS_POST]->(o:Org)
WHERE o.region_code STARTS WITH $town_code AND size(o.region_code) = 12
MATCH (c)-[:KIN*1..2]-(r:Person)-[:BENEFICIARY_OF]->(g:Grant)
WHERE r <> c AND g.region_code = o.region_code
  AND post.start <= coalesce(g.end, '9999-12-31') AND (post.end IS NULL OR g.start <= post.end)
OPTIONAL MATCH (r)-[f:FILED_AS_RELATIVE]->(c)
WITH o.region_code AS village, c, r, g, f
WITH village, collect(DISTINCT c) AS cs, collect(DISTINCT r) AS rs, collect(DISTINCT g) AS gs,
     collect(DISTINCT CASE WHEN f IS NULL THEN r END) AS unfiled_rs
RETURN village, size(cs) AS cadres, size(rs) AS relatives, size(unfiled_rs) AS unfiled, size(gs) AS grants
ORDER BY relatives DESC, village
