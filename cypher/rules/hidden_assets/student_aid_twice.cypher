/*
id: student_aid_twice
title: {zh: 同一学生同一学期重复领取同一项学生资助, en: The same student aid paid twice for one term}
family: hidden_assets
status: stable
severity: medium
weight: 0.75
legal_basis: >
  《学生资助资金管理办法》（财教〔2021〕310号）：学生资助资金按学期发放，同一学生同一学期
  同一资助项目只能享受一份，不得重复资助；普通高中国家助学金与免学杂费、义务教育生活补助与
  营养膳食补助等不同项目可以同时享受。重复发放的资金应予追回。
narrative: "学生{student}的{aid}在{terms}学期各发放了两次及以上，共{records}笔（发放学校：{schools}）。"
evidence: 学生 ← 同一资助项目、同一学年学期、不同流水号的两笔及以上发放记录
false_positives:
  - 不同资助项目同一学期同时发放不计（如国家助学金与免学杂费可同时享受）
  - 同一笔记录重复导出（同一流水号）只算一笔
  - 转学学生两校各发放半学期的，需核实发放金额与在校时间
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (a:StudentAid)-[:AID_TO]->(x:Person)
WITH x, a.kind AS kind, a.term AS term, collect(a) AS same
WHERE size(same) > 1
UNWIND same AS a
MATCH p = (a)-[:AID_TO]->(x)
WITH x, kind, term, p, a ORDER BY term, a.aid_id
WITH x, collect(p) AS paths, collect(DISTINCT term) AS terms, collect(DISTINCT kind) AS kinds,
     collect(DISTINCT a.school) AS schools, count(a) AS records, sum(a.amount) AS total
OPTIONAL MATCH (x)-[m:MEMBER_OF]->(hh:Household)
WITH x, paths, terms, kinds, schools, records, total, hh ORDER BY coalesce(m.end, '9999-12-31') DESC
WITH x, paths, terms, kinds, schools, records, total, collect(hh.household_id)[0] AS household_id
RETURN x.citizen_id AS subject_id, household_id, null AS grant_id, null AS related_id,
       {student: x.name, aid: kinds, terms: terms, records: records, schools: schools, amount_total: total} AS facts,
       paths
