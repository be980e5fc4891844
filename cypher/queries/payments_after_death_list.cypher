/*
id: payments_after_death_list
title: {zh: 死亡后仍领取救助金人员明细, en: Persons paid after their death}
description: >
  每位死亡后仍有发放记录的收款人：所在村居、死亡日期、死亡后发放的月数和金额。
  "Who was paid after death, since when, and how much."
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
        RETURN g.programme, count(DISTINCT x) AS n ORDER BY n DESC
columns:
  village: {zh: 村居, names: region}
  grant_id: 救助编号
  citizen_id: 身份证号
  name: 姓名
  died: 死亡日期
  first_month: 死亡后首次发放月份
  months: 死亡后发放月数
  amount: 死亡后发放金额(元)
*/
MATCH (g:Grant {programme: $programme})-[:HAS_PAYMENT]->(pay:Payment)-[:PAID_TO]->(x:Person)
WHERE x.death_date IS NOT NULL AND pay.month > substring(x.death_date, 0, 7)
WITH g, x, min(pay.month) AS first_month, count(pay) AS months, sum(pay.amount) AS amount
RETURN g.region_code AS village, g.grant_id AS grant_id, x.citizen_id AS citizen_id, x.name AS name,
       x.death_date AS died, first_month, months, amount
ORDER BY amount DESC, grant_id
