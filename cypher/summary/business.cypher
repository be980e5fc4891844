/*
id: summary.business
title: {zh: 经营个体工商户或公司, en: Ran an individual business or a company}
order: 4
rules: [company_role]
params:
  as_of: {type: date, zh: 基准日, en: As of}
  programmes: {type: list, default: [poverty, dibao, destitute], zh: 救助类别, en: Programmes}
*/
MATCH (x:Person)-[b:BENEFICIARY_OF]->(g:Grant)
WHERE g.programme IN $programmes
WITH x, coalesce(b.start, g.start) AS s, coalesce(b.end, g.end, $as_of) AS e
MATCH (x)-[role:LEGAL_REP|SHAREHOLDER]->(c:Company)
// As in company_role: a role without its own dates spans the company's life.
WITH x, s, e, c,
     CASE WHEN role.start IS NULL OR role.start < c.established THEN c.established ELSE role.start END AS from_date,
     CASE WHEN c.deregistered IS NULL THEN role.end
          WHEN role.end IS NULL OR role.end > c.deregistered THEN c.deregistered
          ELSE role.end END AS to_date
WHERE coalesce(from_date, '') <= e AND (to_date IS NULL OR to_date >= s)
RETURN DISTINCT x.citizen_id AS person_id, x.region_code AS region_code, c.credit_code AS record_id
