/*
id: paid_after_death
title: {zh: 领款人死亡后仍在发放救助金, en: Payments continue after the payee's death}
family: hidden_assets
status: stable
severity: high
weight: 0.95
legal_basis: >
  《社会救助暂行办法》（国务院令第649号）第六十八条：以虚报、隐瞒等手段骗取社会救助资金的，
  责令退回非法获取的救助资金；救助对象死亡的，应当自次月起停发（死亡保、冒领）。
narrative: "领款人{payee}已于{died}死亡，其后仍发放{months_after_death}个月（{months}），合计{amount_after_death}元。"
evidence: 救助对象 → 发放记录（死亡当月之后的月份） → 领款人（死亡日期来自公安/卫健/民政）
false_positives:
  - 死亡当月的发放不计
  - 死亡登记日期错误（死亡信息来源不一致），需与户籍注销核对
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)-[:HAS_PAYMENT]->(pay:Payment)-[:PAID_TO]->(x:Person)
WHERE x.death_date IS NOT NULL AND pay.month > substring(x.death_date, 0, 7)
WITH hh, g, h, x, p, pay ORDER BY pay.month
WITH hh, g, h, x, collect(p) AS paths, collect(pay.month) AS months, sum(pay.amount) AS amount
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       x.citizen_id AS related_id,
       {payee: x.name, died: x.death_date, months_after_death: size(months), months: months,
        amount_after_death: amount, programme: g.programme, grant_start: g.start} AS facts,
       paths
