/*
id: paid_after_cremation
title: {zh: 已火化人员仍在领取救助金（户籍未注销）, en: Payments continue after the payee's cremation (death not registered)}
family: hidden_assets
status: stable
severity: high
weight: 0.9
legal_basis: >
  《社会救助暂行办法》（国务院令第649号）第六十八条：以虚报、隐瞒等手段骗取社会救助资金的，
  责令退回非法获取的救助资金；《最低生活保障审核确认办法》（民发〔2021〕57号）：保障对象死亡的，
  应当及时办理停发或减发手续。殡葬服务机构的火化记录是死亡的直接证据，户籍未注销不影响停发义务。
narrative: "领款人{payee}已于{cremated}在殡仪馆火化，户籍死亡信息未登记，其后仍发放{months_after}个月（{months}），合计{amount_after}元。"
evidence: 救助对象 → 发放记录（火化当月之后的月份） → 领款人（火化日期来自殡葬服务机构，户籍无死亡记录）
false_positives:
  - 火化当月（死亡当月）的发放不计
  - 户籍已登记死亡的，由 paid_after_death 规则处理，本规则不重复
  - 火化记录身份证号录入错误（他人证件号），需与家属、殡仪馆原始登记核对
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)-[:HAS_PAYMENT]->(pay:Payment)-[:PAID_TO]->(x:Person)
WHERE x.cremation_date IS NOT NULL AND x.death_date IS NULL
  AND pay.month > substring(x.cremation_date, 0, 7)
WITH hh, g, h, x, p, pay ORDER BY pay.month
WITH hh, g, h, x, collect(p) AS paths, collect(pay.month) AS months, sum(pay.amount) AS amount
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       x.citizen_id AS related_id,
       {payee: x.name, cremated: x.cremation_date, months_after: size(months), months: months,
        amount_after: amount, programme: g.programme, grant_start: g.start} AS facts,
       paths
