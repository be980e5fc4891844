/*
id: grant_members_with_company
title: {zh: 救助对象成员经营企业或持股, en: Grant members running or owning a company}
description: >
  救助对象的保障成员在救助期间担任企业法定代表人、个体工商户经营者或股东。
  "Grant members who ran or held shares in a business while covered."
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
        MATCH (g:Grant)<-[:BENEFICIARY_OF]-(:Person)-[:LEGAL_REP|SHAREHOLDER]->(:Company)
        RETURN substring(g.region_code, 0, 9) AS town, count(DISTINCT g) AS n ORDER BY n DESC, town
columns:
  village: {zh: 村居, names: region}
  grant_id: 救助编号
  citizen_id: 身份证号
  name: 姓名
  role: 身份
  company: 企业名称
  credit_code: 统一社会信用代码
  company_type: {zh: 主体类型, names: company_type}
  since: 起始日期
*/
MATCH (g:Grant)<-[:BENEFICIARY_OF]-(m:Person)-[r:LEGAL_REP|SHAREHOLDER]->(co:Company)
WHERE g.region_code STARTS WITH $town_code
  AND coalesce(r.start, co.established, '0000') <= coalesce(g.end, '9999-12-31')
  AND (r.end IS NULL OR r.end >= g.start)
RETURN g.region_code AS village, g.grant_id AS grant_id, m.citizen_id AS citizen_id, m.name AS name,
       CASE type(r) WHEN 'LEGAL_REP' THEN '法定代表人/经营者' ELSE '股东' END AS role,
       co.name AS company, co.credit_code AS credit_code, co.company_type AS company_type,
       coalesce(r.start, co.established) AS since
ORDER BY village, grant_id
