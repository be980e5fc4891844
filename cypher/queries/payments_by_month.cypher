/*
id: payments_by_month
title: {zh: 某乡镇救助金按月发放统计, en: Payments per month in a town}
description: >
  某乡镇各月份各类救助金的发放人数、笔数和金额。
  "What a town paid each month, per programme."
audience: [analyst, dispatcher, verifier, reviewer]
returns: table
params:
  town_code:
    type: string
    required: true
    zh: 乡镇
    en: Town
    example: "451299100"
    choices:
      names: region
      query: >
        MATCH (g:Grant)-[:HAS_PAYMENT]->(:Payment)
        RETURN substring(g.region_code, 0, 9) AS town, count(*) AS n ORDER BY n DESC, town
  since: {type: month, default: "2020-01", zh: 起始月份, en: From month}
columns:
  month: 发放月份
  programme: {zh: 救助类别, names: programme}
  payees: 收款人数
  payments: 笔数
  amount: 金额(元)
*/
MATCH (g:Grant)-[:HAS_PAYMENT]->(pay:Payment)
WHERE g.region_code STARTS WITH $town_code AND pay.month >= $since
OPTIONAL MATCH (pay)-[:PAID_TO]->(x:Person)
RETURN pay.month AS month, g.programme AS programme, count(DISTINCT x) AS payees, count(pay) AS payments,
       sum(pay.amount) AS amount
ORDER BY month, programme
