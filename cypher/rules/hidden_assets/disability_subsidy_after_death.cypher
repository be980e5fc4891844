/*
id: disability_subsidy_after_death
title: {zh: 残疾人死亡后仍发放两项补贴, en: Disability subsidies paid after the recipient's death}
family: hidden_assets
status: stable
severity: high
weight: 0.9
legal_basis: >
  《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）：
  补贴对象死亡的，应当自次月起停发补贴；对以虚报、隐瞒、伪造等手段骗取补贴的，依法追回。
  《社会救助暂行办法》（国务院令第649号）第六十八条：骗取的社会救助资金责令退回。
narrative: "{recipient}已于{died}死亡（{death_source}），其后仍发放{subsidy_zh}{months_after}个月（{months}），合计{amount_after}元。"
evidence: 补贴对象（死亡日期来自户籍死亡信息，无则取火化记录） ← 两项补贴发放记录（死亡当月之后的补贴月份）
false_positives:
  - 死亡当月的补贴不计（当月补贴依规发放）
  - 补发以前月份（补贴月份早于死亡月份）的不计，按补贴所属月份而非发放日期判断
  - 死亡日期登记错误（户籍与殡葬记录不一致），需与户籍注销、火化证明核对
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
// From the dead to their payments (a WITH keeps FalkorDB from walking every payment and building
// a path for each before the test).
MATCH (x:Person)
WITH x, coalesce(x.death_date, x.cremation_date) AS died
WHERE died IS NOT NULL
MATCH p = (s:SubsidyPayment)-[:SUBSIDY_TO]->(x)
WHERE s.month > substring(died, 0, 7)
WITH x, died, s, p ORDER BY s.month
WITH x, died, collect(p) AS paths, collect(DISTINCT s.month) AS months, sum(s.amount) AS amount,
     collect(DISTINCT s.kind) AS kinds
OPTIONAL MATCH (x)-[m:MEMBER_OF]->(hh:Household)
WITH x, died, paths, months, amount, kinds, hh ORDER BY coalesce(m.end, '9999-12-31') DESC
WITH x, died, paths, months, amount, kinds, collect(hh.household_id)[0] AS household_id
RETURN x.citizen_id AS subject_id, household_id, null AS grant_id, null AS related_id,
       {recipient: x.name, died: died,
        death_source: CASE WHEN x.death_date IS NOT NULL THEN '户籍死亡信息' ELSE '火化记录，户籍未注销' END,
        subsidy: kinds,
        subsidy_zh: reduce(t = '', k IN kinds | t + CASE WHEN t = '' THEN '' ELSE '、' END +
                           CASE k WHEN 'living' THEN '困难残疾人生活补贴' ELSE '重度残疾人护理补贴' END),
        months_after: size(months), months: months, amount_after: amount} AS facts,
       paths
