/*
id: grants_approved_by_relative
title: {zh: 由亲属评议或审批的救助, en: Grants assessed or approved by a relative}
description: >
  救助的评议人或审批人与申请人有亲属关系（两步以内），即“自己批给亲属”。
  "Grants whose assessor or approver is the applicant's relative."
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
        MATCH (h:Person)<-[:HELD_BY]-(g:Grant)-[:APPROVED_BY|ASSESSED_BY]->(c:Person), (c)-[:KIN*1..2]-(h)
        RETURN g.programme, count(DISTINCT g) AS n ORDER BY n DESC
columns:
  village: {zh: 村居, names: region}
  grant_id: 救助编号
  holder_id: 申请人身份证号
  holder: 申请人
  step: 环节
  official_id: 评议/审批人身份证号
  official: 评议/审批人
  hops: 亲属关系步数
  kinds: {zh: 亲属关系, names: kin}
*/
MATCH (h:Person)<-[:HELD_BY]-(g:Grant {programme: $programme})-[a:APPROVED_BY|ASSESSED_BY]->(c:Person)
MATCH k = (c)-[:KIN*1..2]-(h)
WHERE c <> h
WITH g, h, a, c, collect(k)[0] AS kin
RETURN g.region_code AS village, g.grant_id AS grant_id, h.citizen_id AS holder_id, h.name AS holder,
       CASE type(a) WHEN 'APPROVED_BY' THEN '审批' ELSE '评议审核' END AS step,
       c.citizen_id AS official_id, c.name AS official, size(relationships(kin)) AS hops,
       [r IN relationships(kin) | r.kind] AS kinds
ORDER BY village, grant_id
