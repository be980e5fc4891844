/*
id: person_companies_and_projects
title: {zh: 人员及其亲属的企业与承接项目, en: "A person's and relatives' companies and projects"}
description: >
  输入或选择身份证号，列出本人及近亲属（两步以内）担任法定代表人、股东或高管的企业，以及这些企业承接的项目。
  "Companies of a person and their kin, and the projects those companies won."
audience: [analyst, dispatcher, verifier, reviewer]
returns: table
params:
  citizen_id:
    type: string
    required: true
    zh: 身份证号
    en: Citizen ID
    example: "451299198001010000"
    choices:
      names: person
      open: true
      query: >
        MATCH (p:Person)-[:HOLDS_POST]->(:Org)
        MATCH (p)-[:KIN*0..2]-(:Person)-[:LEGAL_REP|SHAREHOLDER]->(:Company)-[:AWARDED]->(:Project)
        RETURN DISTINCT p.citizen_id, p.name ORDER BY p.name LIMIT 500
columns:
  person_id: 身份证号
  person: 姓名
  hops: 亲属步数
  role: 身份
  company: 企业名称
  credit_code: 统一社会信用代码
  project: 承接项目
  amount_wan: 资金(万元)
  awarded: 中标日期
*/
MATCH (p:Person {citizen_id: $citizen_id})
MATCH k = (p)-[:KIN*0..2]-(x:Person)-[r:LEGAL_REP|SHAREHOLDER|EXECUTIVE]->(co:Company)
OPTIONAL MATCH (co)-[:AWARDED]->(pj:Project)
RETURN DISTINCT x.citizen_id AS person_id, x.name AS person, size(relationships(k)) - 1 AS hops,
       CASE type(r) WHEN 'LEGAL_REP' THEN '法定代表人/经营者' WHEN 'SHAREHOLDER' THEN '股东' ELSE '高管' END AS role,
       co.name AS company, co.credit_code AS credit_code, pj.name AS project, pj.amount_wan AS amount_wan,
       pj.awarded AS awarded
ORDER BY hops, person_id, company
