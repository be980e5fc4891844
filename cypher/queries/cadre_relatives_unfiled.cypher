/*
id: cadre_relatives_unfiled
title: {zh: 干部近亲属享受救助但未备案（明细）, en: Cadres' relatives on relief not in the filing register}
description: >
  村两委成员、经办人员的近亲属（两步以内）在其任职村居享受救助，但近亲属备案登记中没有备案。
  "Cadres' relatives on relief in the cadre's village with no filing."
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
  cadre_id: 干部身份证号
  cadre: 干部姓名
  role: {zh: 岗位, names: post_role}
  relative_id: 亲属身份证号
  relative: 亲属姓名
  grant_id: 救助编号
  programme: {zh: 救助类别, names: programme}
  grant_start: 救助起始
*/
MATCH (c:Person)-[post:HOLDS_POST]->(o:Org)
WHERE o.region_code STARTS WITH $town_code AND size(o.region_code) = 12
MATCH (c)-[:KIN*1..2]-(r:Person)-[:BENEFICIARY_OF]->(g:Grant)
WHERE r <> c AND g.region_code = o.region_code
  AND post.start <= coalesce(g.end, '9999-12-31') AND (post.end IS NULL OR g.start <= post.end)
OPTIONAL MATCH (r)-[f:FILED_AS_RELATIVE]->(c)
WITH o, c, post, r, g, f WHERE f IS NULL
RETURN DISTINCT o.region_code AS village, c.citizen_id AS cadre_id, c.name AS cadre, post.role AS role,
       r.citizen_id AS relative_id, r.name AS relative, g.grant_id AS grant_id, g.programme AS programme,
       g.start AS grant_start
ORDER BY village, cadre_id, grant_id
