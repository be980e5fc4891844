/*
id: renovation_twice
title: {zh: 同一户籍户在规定年限内重复享受农村危房改造补助, en: One household subsidised twice for house renovation within the declared years}
family: hidden_assets
status: stable
severity: medium
weight: 0.75
legal_basis: >
  《关于做好农村低收入群体等重点对象住房安全保障工作的实施意见》（建村〔2021〕35号）：农村危房改造
  以户为单位，改造后的住房应满足安全使用要求；各省实施办法规定同一农户不得重复享受农村危房改造
  补助（因灾损毁的按灾后恢复重建政策另行支持）。本规则以改造后住房的安全使用年限作为间隔，年限
  可按本省规定设置。
narrative: "{household}户在{first_approved}已获农村危房改造补助（{first_id}，{first_method}），{second_approved}再次获批（{second_id}，{second_method}，补助{second_amount}元），两次间隔{gap}年。"
evidence: 第一次危改档案 → 申请人 → 户籍户 ← 申请人（可为同一人或户内其他成员） → 第二次危改档案
false_positives:
  - 第二次为灾后恢复重建（exempt_methods）的不计
  - 两次间隔达到 within_years 年以上的不计（住房可能再次成为危房，需核实鉴定）
  - 已分户的子女另行申请的属不同户籍户，不计
params:
  as_of: {type: date, zh: 基准日, en: As of}
  within_years: {type: int, default: 10, zh: 视为重复的间隔年限, en: Years within which a second subsidy counts}
  exempt_methods: {type: list, default: [disaster], zh: 不计的改造方式, en: Methods not counted as a repeat}
*/
MATCH p1 = (r1:Renovation)<-[:RENOVATION_AID]-(x1:Person)-[m1:MEMBER_OF]->(hh:Household)
WHERE coalesce(m1.start, '') <= r1.approved AND (m1.end IS NULL OR m1.end >= r1.approved)
MATCH p2 = (hh)<-[m2:MEMBER_OF]-(x2:Person)-[:RENOVATION_AID]->(r2:Renovation)
WHERE r2 <> r1 AND r1.approved < r2.approved AND NOT r2.method IN $exempt_methods
  AND coalesce(m2.start, '') <= r2.approved AND (m2.end IS NULL OR m2.end >= r2.approved)
WITH hh, x2, r1, r2, p1, p2,
     toInteger(substring(r2.approved, 0, 4)) - toInteger(substring(r1.approved, 0, 4)) AS years,
     substring(r2.approved, 4) < substring(r1.approved, 4) AS before_anniversary
WITH hh, x2, r1, r2, p1, p2, CASE WHEN before_anniversary THEN years - 1 ELSE years END AS gap
WHERE gap < $within_years
RETURN x2.citizen_id AS subject_id, hh.household_id AS household_id, null AS grant_id,
       null AS related_id,
       {household: hh.household_id, first_id: r1.renovation_id, first_approved: r1.approved,
        first_method: r1.method, second_id: r2.renovation_id, second_approved: r2.approved,
        second_method: r2.method, second_amount: r2.amount, gap: gap} AS facts,
       [p1, p2] AS paths
