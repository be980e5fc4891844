/*
id: summary.public_payroll
title: {zh: 财政供养人员, en: On the public payroll}
order: 1
rules: [public_payroll]
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
