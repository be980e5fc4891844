/*
id: relative_welfare_post
title: {zh: 干部近亲属在其任职村、任期内获得公益性岗位, en: A cadre's relative was given a public-welfare post in the cadre's village during the term}
family: cadre_conflict
status: stable
severity: medium
weight: 0.7
legal_basis: >
  公益性岗位优先安置脱贫人口和低收入人口，岗位人选应公示并回避；
  村干部近亲属在本村任期内上岗，应核查岗位安置程序。
narrative: "{village}干部的{relation}{relative}于{post_start}在本村上岗{post}，在其任期（{term_start}起）内。"
evidence: 村干部 → 任职（村、任期）；村干部 → 亲属关系（两层以内） → 公益性岗位（本村，任期内上岗）
false_positives:
  - 岗位在其他村的不计
  - 上岗早于干部任期的不计
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (c:Person)-[post:HOLDS_POST]->(o:Org)
WHERE size(o.region_code) = 12
MATCH k = (c)-[:KIN*1..2]-(r:Person)-[job:WELFARE_JOB]->(v:Region)
WHERE r <> c AND v.code = o.region_code
  AND post.start <= job.start AND (post.end IS NULL OR job.start <= post.end)
OPTIONAL MATCH (c)-[:MEMBER_OF]->(hh:Household)
WITH c, post, o, r, job, hh, k ORDER BY length(k)
WITH c, post, o, r, job, hh, collect(k) AS kin
RETURN c.citizen_id AS subject_id, hh.household_id AS household_id, null AS grant_id,
       r.citizen_id AS related_id,
       {relative: r.name, post: job.title, post_start: job.start, village: o.name,
        village_code: o.region_code, term_start: post.start, term_end: post.end} AS facts,
       [kin[0]] AS paths
