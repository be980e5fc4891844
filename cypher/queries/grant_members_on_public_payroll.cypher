/*
id: grant_members_on_public_payroll
title: {zh: 救助对象家庭成员为财政供养人员, en: Grant members on the public payroll}
description: >
  救助对象的保障成员在救助期间由财政供养（机关事业单位在编、领取工资）。
  "Grant members who drew a public salary while covered."
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
        MATCH (g:Grant)<-[:BENEFICIARY_OF]-(:Person)-[:ON_PAYROLL]->(:Org)
        RETURN substring(g.region_code, 0, 9) AS town, count(DISTINCT g) AS n ORDER BY n DESC, town
columns:
  village: {zh: 村居, names: region}
  grant_id: 救助编号
  programme: {zh: 救助类别, names: programme}
  citizen_id: 身份证号
  name: 姓名
  employer: 供养单位
  position: 岗位
  payroll_from: 供养起始
  grant_start: 救助起始
*/
MATCH (g:Grant)<-[:BENEFICIARY_OF]-(m:Person)-[w:ON_PAYROLL]->(o:Org)
WHERE g.region_code STARTS WITH $town_code
  AND w.start <= coalesce(g.end, '9999-12-31') AND (w.end IS NULL OR w.end >= g.start)
RETURN g.region_code AS village, g.grant_id AS grant_id, g.programme AS programme, m.citizen_id AS citizen_id,
       m.name AS name, o.name AS employer, w.position AS position, w.start AS payroll_from, g.start AS grant_start
ORDER BY village, grant_id
