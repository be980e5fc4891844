/*
id: disability_subsidy_twice
title: {zh: 同一残疾人同月重复领取同一项补贴, en: The same disability subsidy paid twice for one month}
family: hidden_assets
status: stable
severity: medium
weight: 0.75
legal_basis: >
  《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）：
  补贴按月发放，同一补贴对象同一项补贴每月只享受一份；生活补贴与护理补贴可以同时享受。
  重复发放属多发冒领，依《社会救助暂行办法》（国务院令第649号）第六十八条责令退回。
narrative: "{recipient}的{subsidy_zh}在{months_twice}个月（{months}）各发放了两次及以上，共{records}笔（发放单位：{payers}），多发{amount_extra}元。"
evidence: 补贴对象 ← 两笔及以上同一补贴类别、同一补贴所属月份、不同流水号的发放记录
false_positives:
  - 生活补贴与护理补贴同月同时发放不计（两项补贴可同时享受）
  - 补发以前月份（补发记录的补贴所属月份不同）不计：按补贴所属月份而非发放日期判断
  - 同一笔记录重复导出（同一流水号）只算一笔
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (s:SubsidyPayment)-[:SUBSIDY_TO]->(x:Person)
WITH x, s.kind AS kind, s.month AS month, collect(s) AS same
WHERE size(same) > 1
UNWIND same AS s
MATCH p = (s)-[:SUBSIDY_TO]->(x)
WITH x, kind, month, same, p, s ORDER BY month, s.payment_id
WITH x, collect(p) AS paths, collect(DISTINCT month) AS months, collect(DISTINCT kind) AS kinds,
     collect(DISTINCT s.payer) AS payers, count(s) AS records,
     sum(s.amount) AS total, collect(DISTINCT [kind, month]) AS slots
OPTIONAL MATCH (x)-[m:MEMBER_OF]->(hh:Household)
WITH x, paths, months, kinds, payers, records, total, slots, hh ORDER BY coalesce(m.end, '9999-12-31') DESC
WITH x, paths, months, kinds, payers, records, total, slots, collect(hh.household_id)[0] AS household_id
RETURN x.citizen_id AS subject_id, household_id, null AS grant_id, null AS related_id,
       {recipient: x.name, subsidy: kinds,
        subsidy_zh: reduce(t = '', k IN kinds | t + CASE WHEN t = '' THEN '' ELSE '、' END +
                           CASE k WHEN 'living' THEN '困难残疾人生活补贴' ELSE '重度残疾人护理补贴' END),
        months_twice: size(months), months: months, records: records, payers: payers,
        amount_extra: total * (records - size(slots)) / records} AS facts,
       paths
