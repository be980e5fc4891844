/*
id: welfare_job_lost
title: {zh: 公益性岗位离岗后无其他收入且未获救助, en: Public-welfare post ended, no other income, no help}
family: at_risk
status: test
severity: high
weight: 0.7
legal_basis: >
  《关于健全防止返贫动态监测和帮扶机制的指导意见》（2021年）：对因病、因残、因灾、因意外事故等刚性支出较大或
  收入大幅缩减导致基本生活出现严重困难的农户，及时纳入监测、落实帮扶，对有劳动能力的监测对象加强开发式帮扶，
  通过公益性岗位等渠道稳定就业；《关于加强低收入人口动态监测做好分层分类社会救助工作的意见》（2023年）：
  对收入骤减、支出骤增的低收入人口及时预警，符合条件的纳入低保、特困或给予临时救助；《社会救助暂行办法》
  （国务院令第649号）第九条、第四十七条：家庭人均收入低于当地最低生活保障标准的给予低保，基本生活暂时出现严重
  困难的给予临时救助。
narrative: "{head}户成员{workers}的公益性岗位（{posts}）已于{lost}离岗（月补贴{wage}元），户内现无其他财政供养、公益性岗位、公积金缴存或市场主体经营记录，离岗后该户未享受低保、特困供养或临时救助，也未纳入防返贫监测。该户可能符合临时救助、低保条件，建议核实家庭收入后纳入防返贫监测，并优先给予就业帮扶或重新安排公益性岗位。"
evidence: 户 → 户籍成员 → 公益性岗位（近12个月内离岗）；户内成员基准日无在职/在岗/经营记录；离岗后无救助
method: >
  离岗日期在基准日前一年的同日之后至基准日（含）。离岗者基准日在世。户内任一在世成员基准日仍有公益性岗位
  （WELFARE_JOB，含离岗者转岗的新岗位）、财政供养（ON_PAYROLL）、住房公积金缴存（HOUSING_FUND）或市场主体
  法定代表人/股东/高管身份（企业未注销；无起始日期时取成立日期）的，视为另有收入，不标记。该户（RECEIVES）或任一
  户籍成员（BENEFICIARY_OF）有所列类别的救助且截止不早于最早的离岗日期的，视为已获帮扶，不标记。
  The window is the year before as_of; any income source held at as_of by a living member, or any listed grant
  ending on or after the earliest loss, clears the household. Subject: the household head, else the worker.
false_positives:
  - 离岗者已外出务工、灵活就业，收入未进入任何部门数据（需入户核实）
  - 离岗者已达退休年龄并领取养老金（社保待遇数据未接入时需核实）
  - 转岗到其他县的公益性岗位或就业帮扶车间，本县数据未反映
  - 已给予救助或纳入监测但数据晚于本批次（下月数据可消除）
params:
  as_of: {type: date, zh: 基准日, en: As of}
  programmes: {type: list, default: [dibao, destitute, temporary, monitoring], zh: 视为已获帮扶的救助类别, en: Programmes that count as help}
*/
WITH $as_of AS as_of, toString(toInteger(substring($as_of, 0, 4)) - 1) + substring($as_of, 4) AS since
MATCH p = (hh:Household)<-[:MEMBER_OF]-(x:Person)-[j:WELFARE_JOB]->(:Region)
WHERE j.end > since AND j.end <= as_of AND (x.death_date IS NULL OR x.death_date > as_of)
WITH hh, as_of, x, j, p ORDER BY j.end
WITH hh, as_of, collect(p) AS paths, collect(DISTINCT x.name) AS workers, collect(j) AS jobs
WITH hh, as_of, paths, workers, jobs, jobs[0].end AS lost
OPTIONAL MATCH (hh)<-[:MEMBER_OF]-(y:Person)-[r:WELFARE_JOB|ON_PAYROLL|HOUSING_FUND|LEGAL_REP|SHAREHOLDER|EXECUTIVE]->(src)
WHERE (y.death_date IS NULL OR y.death_date > as_of)
  AND coalesce(r.start, CASE WHEN src:Company THEN src.established END, '') <= as_of
  AND (r.end IS NULL OR r.end > as_of)
  AND (NOT src:Company OR src.deregistered IS NULL OR src.deregistered > as_of)
WITH hh, as_of, paths, workers, jobs, lost, count(r) AS incomes
WHERE incomes = 0
OPTIONAL MATCH (hh)-[:RECEIVES]->(g:Grant)
WHERE g.programme IN $programmes AND coalesce(g.end, as_of) >= lost AND coalesce(g.start, '') <= as_of
WITH hh, as_of, paths, workers, jobs, lost, count(g) AS household_grants
OPTIONAL MATCH (hh)<-[:MEMBER_OF]-(:Person)-[c:BENEFICIARY_OF]->(mg:Grant)
WHERE mg.programme IN $programmes AND coalesce(c.end, mg.end, as_of) >= lost
  AND coalesce(c.start, mg.start, '') <= as_of
WITH hh, paths, workers, jobs, lost, household_grants, count(mg) AS member_grants
WHERE household_grants + member_grants = 0
OPTIONAL MATCH (head:Person)-[:MEMBER_OF {relation: 'head'}]->(hh)
WITH hh, paths, workers, jobs, lost, collect(head) AS heads
WITH hh, paths, workers, jobs, lost, coalesce(heads[0], nodes(paths[0])[1]) AS subject
RETURN subject.citizen_id AS subject_id, hh.household_id AS household_id, null AS grant_id,
       nodes(paths[0])[1].citizen_id AS related_id,
       {head: subject.name, workers: workers, posts: [q IN jobs | coalesce(q.title, '公益性岗位')], lost: lost,
        wage: coalesce(jobs[0].monthly_wage, 0), started: jobs[0].start,
        entitled: ['临时救助', '低保（经收入核查）', '纳入防返贫监测', '就业帮扶/公益性岗位']} AS facts,
       paths
