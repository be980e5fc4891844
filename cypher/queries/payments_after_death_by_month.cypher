/*
id: payments_after_death_by_month
title: {zh: 死亡后仍发放救助金（按月统计）, en: Payments after death, by month}
description: >
  收款人死亡日期之后仍有发放记录的救助金，按发放月份统计人数、笔数和金额。
  "Payments after death by month."
audience: [analyst, dispatcher, verifier, reviewer]
returns: table
params:
  programme:
    type: string
    default: dibao
    zh: 救助类别
    en: Programme
    choices:
      names: programme
      query: >
        MATCH (g:Grant)-[:HAS_PAYMENT]->(pay:Payment)-[:PAID_TO]->(x:Person)
        WHERE x.death_date IS NOT NULL AND pay.month > substring(x.death_date, 0, 7)
        RETURN g.programme, count(pay) AS n ORDER BY n DESC
columns:
  month: 发放月份
  payees: 已死亡收款人数
  payments: 发放笔数
  amount: 金额(元)
*/
MATCH (g:Grant {programme: $programme})-[:HAS_PAYMENT]->(pay:Payment)-[:PAID_TO]->(x:Person)
WHERE x.death_date IS NOT NULL AND pay.month > substring(x.death_date, 0, 7)
RETURN pay.month AS month, count(DISTINCT x) AS payees, count(pay) AS payments, sum(pay.amount) AS amount
ORDER BY month
