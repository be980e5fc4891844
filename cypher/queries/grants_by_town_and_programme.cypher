/*
id: grants_by_town_and_programme
title: {zh: 各乡镇救助对象统计, en: Grants per town and programme}
description: >
  按乡镇、救助类别统计救助对象数、在保数、保障人数和月保障金额合计。
  "How many grants each town has, per programme."
audience: [analyst, dispatcher, verifier, reviewer]
returns: table
params:
  status:
    type: string
    default: active
    zh: 状态
    en: Status
    choices: {names: grant_status, query: "MATCH (g:Grant) RETURN g.status, count(g) AS n ORDER BY n DESC"}
columns:
  town: {zh: 乡镇, names: region}
  programme: {zh: 救助类别, names: programme}
  grants: 救助对象数
  persons: 保障人数
  monthly_total: 月保障金额合计(元)
*/
MATCH (g:Grant {status: $status})
RETURN substring(g.region_code, 0, 9) AS town, g.programme AS programme, count(g) AS grants,
       sum(coalesce(g.persons, 0)) AS persons, sum(coalesce(g.monthly_amount, 0)) AS monthly_total
ORDER BY town, programme
