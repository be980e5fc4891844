/*
id: summary.public_payroll
title: {zh: 财政供养人员, en: On the public payroll}
order: 1
rules: [public_payroll, public_pension_member]
description: >
  在享受/建档期间领取财政工资，或领取机关事业单位养老金（财政供养的离退休人员）的人员，按人计记录数。
  Paid a public salary, or drawing a public-staff pension (retired staff are publicly funded too),
  during the person's spell; a pension extract may give months only, so pensions compare months.
params:
  as_of: {type: date, zh: 基准日, en: As of}
  programmes: {type: list, default: [poverty, dibao, destitute], zh: 救助类别, en: Programmes}
*/
MATCH (x:Person)-[b:BENEFICIARY_OF]->(g:Grant)
WHERE g.programme IN $programmes
WITH x, coalesce(b.start, g.start) AS s, coalesce(b.end, g.end, $as_of) AS e
MATCH (x)-[w:ON_PAYROLL]->(:Org)
WHERE w.start <= e AND (w.end IS NULL OR w.end >= s)
RETURN DISTINCT x.citizen_id AS person_id, x.region_code AS region_code, x.citizen_id AS record_id
UNION
MATCH (x:Person)-[b:BENEFICIARY_OF]->(g:Grant)
WHERE g.programme IN $programmes
WITH x, coalesce(b.start, g.start) AS s, coalesce(b.end, g.end, $as_of) AS e
MATCH (x)-[pen:PENSION {scheme: 'public'}]->(:Org)
WHERE substring(pen.start, 0, 7) <= substring(e, 0, 7)
  AND (pen.end IS NULL OR substring(pen.end, 0, 7) >= substring(s, 0, 7))
RETURN DISTINCT x.citizen_id AS person_id, x.region_code AS region_code, x.citizen_id AS record_id
