/*
id: grant_households_in_village
title: {zh: 某村居救助户花名册, en: Grant households in a village}
description: >
  某村居享受某类救助的户：户主、保障人数、月保障金额、起止日期和状态。
  "The roll of a village's grant households."
audience: [analyst, dispatcher, verifier, reviewer]
returns: table
params:
  village_code:
    type: string
    required: true
    zh: 村居
    en: Village
    example: "451299100201"
    choices:
      names: region
      query: >
        MATCH (g:Grant) RETURN g.region_code AS village, count(g) AS n ORDER BY n DESC, village
  programme:
    type: string
    default: dibao
    zh: 救助类别
    en: Programme
    choices: {names: programme, query: "MATCH (g:Grant) RETURN g.programme, count(g) AS n ORDER BY n DESC"}
columns:
  household_id: 户号
  grant_id: 救助编号
  holder_id: 申请人身份证号
  holder: 申请人
  persons: 保障人数
  monthly_amount: 月保障金额(元)
  start: 起始日期
  end: 截止日期
  status: {zh: 状态, names: grant_status}
*/
MATCH (h:Household)-[:RECEIVES]->(g:Grant {programme: $programme, region_code: $village_code})
OPTIONAL MATCH (g)-[:HELD_BY]->(p:Person)
RETURN h.household_id AS household_id, g.grant_id AS grant_id, p.citizen_id AS holder_id, p.name AS holder,
       g.persons AS persons, g.monthly_amount AS monthly_amount, g.start AS start, g.end AS end,
       g.status AS status
ORDER BY start, grant_id
