/*
id: welfare_jobs_to_cadre_relatives
title: {zh: 干部亲属在本村担任公益性岗位, en: Public-welfare jobs held by cadres' relatives}
description: >
  村两委成员的近亲属（两步以内）在该干部任职村居担任公益性岗位。
  "Public-welfare jobs in a cadre's village going to the cadre's relatives."
audience: [analyst, dispatcher, verifier, reviewer]
returns: table
params:
  min_hops: {type: int, default: 1, zh: 最少亲属步数, en: Fewest kinship hops}
columns:
  village: {zh: 村居, names: region}
  cadre_id: 干部身份证号
  cadre: 干部姓名
  role: {zh: 岗位, names: post_role}
  relative_id: 亲属身份证号
  relative: 亲属姓名
  job: 公益性岗位
  job_start: 上岗日期
  monthly_wage: 月补贴(元)
*/
MATCH (c:Person)-[post:HOLDS_POST]->(o:Org)
MATCH k = (c)-[:KIN*1..2]-(r:Person)-[w:WELFARE_JOB]->(v:Region)
WHERE r <> c AND v.code STARTS WITH o.region_code AND size(relationships(k)) >= $min_hops
  AND post.start <= coalesce(w.end, '9999-12-31') AND (post.end IS NULL OR w.start <= post.end)
RETURN DISTINCT v.code AS village, c.citizen_id AS cadre_id, c.name AS cadre, post.role AS role,
       r.citizen_id AS relative_id, r.name AS relative, w.title AS job, w.start AS job_start,
       w.monthly_wage AS monthly_wage
ORDER BY village, cadre_id
