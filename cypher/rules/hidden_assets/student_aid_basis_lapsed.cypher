/*
id: student_aid_basis_lapsed
title: {zh: 家庭低保（特困）已停保仍按低保（特困）认定学生资助, en: Student aid certified on the dibao basis after the household's grant ended}
family: hidden_assets
status: stable
severity: medium
weight: 0.7
legal_basis: >
  《关于做好家庭经济困难学生认定工作的指导意见》（教财〔2018〕16号）：最低生活保障家庭学生、
  特困供养学生等应当按认定时的家庭状况重点认定，学校应当每学年进行复查，家庭经济状况发生
  变化的应及时调整认定结果。《学生资助资金管理办法》（财教〔2021〕310号）：以虚假材料骗取
  资助资金的，追回资金并依法处理。
narrative: "学生{student}于{certified}按{basis}认定{aid}（{term}学期），但其家庭{programme}已于{grant_end}终止（{grant}），认定时无有效保障。"
evidence: 资助发放记录（认定类型为低保/特困） → 学生 → 户籍户 → 已终止的同类救助（终止日期早于认定日期，认定时该户及该生无同类有效救助）
false_positives:
  - 停保前已认定、按学期发放的不计（认定日期早于救助终止日期）
  - 停保后又重新纳入保障的不计（认定时有同类有效救助）
  - 停保后按其他困难类型重新认定的，不属本规则
params:
  as_of: {type: date, zh: 基准日, en: As of}
  bases: {type: list, default: [dibao, destitute], zh: 计入的认定类型, en: Bases counted}
*/
MATCH (a:StudentAid)-[:AID_TO]->(x:Person)-[:MEMBER_OF]->(hh:Household)-[:RECEIVES]->(g:Grant)
WHERE a.basis IN $bases AND a.certified IS NOT NULL
  AND g.programme = a.basis AND g.end IS NOT NULL AND g.end < a.certified
WITH a, x, hh, g ORDER BY g.end DESC
WITH a, x, hh, collect(g)[0] AS g
// still enrolled on that basis when certified: through the household or as a covered member elsewhere
OPTIONAL MATCH (x)-[:MEMBER_OF]->(:Household)-[:RECEIVES]->(g2:Grant)
WHERE g2.programme = a.basis AND g2.start <= a.certified AND coalesce(g2.end, $as_of) >= a.certified
OPTIONAL MATCH (x)-[b:BENEFICIARY_OF]->(g3:Grant)
WHERE g3.programme = a.basis AND coalesce(b.start, g3.start) <= a.certified
  AND coalesce(b.end, g3.end, $as_of) >= a.certified
WITH a, x, hh, g, count(g2) + count(g3) AS active
WHERE active = 0
MATCH p = (a)-[:AID_TO]->(x)-[:MEMBER_OF]->(hh)-[:RECEIVES]->(g)
WITH x, hh, g, a, p ORDER BY a.certified
WITH x, hh, g, collect(a) AS aids, collect(p) AS paths
WITH x, hh, g, aids[0] AS a, paths
RETURN x.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id, null AS related_id,
       {student: x.name, certified: a.certified, basis: a.basis, aid: a.kind, term: a.term, school: a.school,
        programme: g.programme, grant: g.grant_id, grant_start: g.start, grant_end: g.end} AS facts,
       paths
