/*
id: summary.income
title: {zh: 有工资或经营收入（税务、社保记录）, en: Wage or business income on tax or social-insurance records}
order: 5
rules: [taxable_wage_income, business_income_member, employee_insurance_during_grant, flexible_high_base]
description: >
  享受/建档期间：某纳税年度工资薪金（或经营所得）合计达到基本减除费用，或以单位职工身份缴纳职工养老保险，
  或以灵活就业身份按不低于平均工资的基数缴费。按人计记录数。A tax year of the spell with wages (or business
  income) reaching the deduction, employee contributions, or flexible contributions on a high base.
params:
  as_of: {type: date, zh: 基准日, en: As of}
  programmes: {type: list, default: [poverty, dibao, destitute], zh: 救助类别, en: Programmes}
  # As in taxable_wage_income / business_income_member and flexible_high_base.
  min_annual_income: {type: float, default: 60000, zh: 年收入额阈值(元), en: Annual income threshold (CNY)}
  min_base: {type: float, default: 6000, zh: 灵活就业缴费基数阈值(元/月), en: Flexible base threshold (CNY/month)}
*/
MATCH (x:Person)-[b:BENEFICIARY_OF]->(g:Grant)
WHERE g.programme IN $programmes
WITH x, coalesce(b.start, g.start) AS s, coalesce(b.end, g.end, $as_of) AS e
MATCH (x)-[t:TAX_INCOME]->(:Org)
WHERE t.income_type IN ['wage', 'bonus', 'business']
  AND substring(t.start, 0, 4) >= substring(s, 0, 4) AND substring(t.start, 0, 4) <= substring(e, 0, 4)
// Wages and bonuses are one sum, business income another, per tax year; each record once.
WITH x, s, e, substring(t.start, 0, 4) AS year, t.income_type = 'business' AS business, collect(DISTINCT t) AS ts
WITH x, reduce(n = 0.0, y IN ts | n + y.income) AS income
WHERE income >= $min_annual_income
RETURN DISTINCT x.citizen_id AS person_id, x.region_code AS region_code, x.citizen_id AS record_id
UNION
MATCH (x:Person)-[b:BENEFICIARY_OF]->(g:Grant)
WHERE g.programme IN $programmes
WITH x, coalesce(b.start, g.start) AS s, coalesce(b.end, g.end, $as_of) AS e
MATCH (x)-[c:SOCIAL_CONTRIBUTION]->(:Org)
WHERE (c.insured_as = 'employee' OR (c.insured_as = 'flexible' AND c.base >= $min_base))
  AND c.start <= e AND (c.end IS NULL OR c.end >= s)
RETURN DISTINCT x.citizen_id AS person_id, x.region_code AS region_code, x.citizen_id AS record_id
