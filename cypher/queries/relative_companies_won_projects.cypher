/*
id: relative_companies_won_projects
title: {zh: 干部亲属控股或任法人的企业承接本辖区项目, en: Companies of cadres' relatives that won projects in the cadre's area}
description: >
  村两委成员、乡镇干部的近亲属（两步以内）为法定代表人或股东的企业，在该干部任职期间承接了其辖区内的衔接资金项目。
  "Companies of relatives that won projects."
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
        MATCH (pj:Project)<-[:AWARDED]-(:Company)
        RETURN substring(pj.region_code, 0, 9) AS town, count(DISTINCT pj) AS n ORDER BY n DESC, town
columns:
  cadre_id: 干部身份证号
  cadre: 干部姓名
  role: {zh: 岗位, names: post_role}
  unit: 任职单位
  relative_id: 亲属身份证号
  relative: 亲属姓名
  company: 企业名称
  credit_code: 统一社会信用代码
  project: 项目名称
  amount_wan: 资金(万元)
  awarded: 中标日期
*/
MATCH (c:Person)-[post:HOLDS_POST]->(o:Org)
WHERE o.region_code STARTS WITH $town_code
MATCH (c)-[:KIN*1..2]-(r:Person)-[:LEGAL_REP|SHAREHOLDER]->(co:Company)-[:AWARDED]->(pj:Project)
WHERE r <> c AND pj.region_code STARTS WITH o.region_code
  AND post.start <= pj.awarded AND (post.end IS NULL OR pj.awarded <= post.end)
RETURN DISTINCT c.citizen_id AS cadre_id, c.name AS cadre, post.role AS role, o.name AS unit,
       r.citizen_id AS relative_id, r.name AS relative, co.name AS company, co.credit_code AS credit_code,
       pj.name AS project, pj.amount_wan AS amount_wan, pj.awarded AS awarded
ORDER BY awarded, cadre_id
