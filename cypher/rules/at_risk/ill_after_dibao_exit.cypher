/*
id: ill_after_dibao_exit
title: {zh: 退出低保后因病自付较多而未获救助, en: Out-of-pocket hospital bills after leaving dibao, no help since}
family: at_risk
status: test
severity: medium
weight: 0.6
legal_basis: >
  《关于加强低收入人口动态监测做好分层分类社会救助工作的意见》（2023年）：低收入人口包括最低生活保障对象、特困人员、
  防止返贫监测对象、低保边缘家庭成员和刚性支出困难家庭成员，对其收入、支出变化进行动态监测，符合条件的及时纳入
  救助；《最低生活保障审核确认办法》（民发〔2021〕57号）：对退出低保的家庭做好跟踪，家庭状况发生变化再次符合
  条件的及时纳入；《社会救助暂行办法》（国务院令第649号）第二十八条、第四十七条：因疾病导致基本生活暂时出现严重
  困难的家庭，给予医疗救助、临时救助；《关于健全防止返贫动态监测和帮扶机制的指导意见》（2021年）：对刚性支出
  较大的农户及时纳入监测。
narrative: "{head}户的低保已于{exited}终止（{grant}），退保后户内成员（{patients}）住院结算{bills}笔，个人自付合计{out_of_pocket}元（首笔{first_bill}），此后该户未再享受低保、特困供养或临时救助，也未纳入防返贫监测。该户属于应持续监测的低收入人口，可能再次符合低保或临时救助条件，建议复核退保决定并纳入防返贫监测。"
evidence: 户 → 低保（近 years 年内终止）；户 → 户籍成员 → 医保结算（终止后、近12个月，个人自付）；此后无救助
method: >
  低保（dibao）终止日期在基准日前 years 年的同日之后、基准日之前；终止日期之后且在基准日前一年内的医保结算，个人
  自付合计达到 min_out_of_pocket（默认 10000 元，低于 large_medical_bill 的 20000 元：达到该标准的户由后者提示）。
  多次终止取最近一次。该户（RECEIVES）或任一户籍成员（BENEFICIARY_OF）有所列类别的救助且截止不早于首笔结算的，
  视为已获帮扶（含重新纳入低保），不标记。
  The last dibao exit within `years` before as_of; bills settled after it and within the year before as_of
  add up to min_out_of_pocket; any listed grant ending on or after the first such bill clears the household.
false_positives:
  - 退保原因为家庭收入显著提高，医疗支出可自行负担（需核实收入）
  - 已申请医疗救助（医疗救助数据未接入时需向医保部门核实）
  - 已迁出本县或分户，户籍未及时更新
params:
  as_of: {type: date, zh: 基准日, en: As of}
  years: {type: int, default: 2, zh: 低保终止在基准日前几年内, en: Dibao ended within this many years before as_of}
  min_out_of_pocket: {type: float, default: 10000, zh: 退保后个人自付下限（元）, en: Minimum out-of-pocket after the exit (CNY)}
  programmes: {type: list, default: [dibao, destitute, temporary, monitoring], zh: 视为已获帮扶的救助类别, en: Programmes that count as help}
*/
WITH $as_of AS as_of, toString(toInteger(substring($as_of, 0, 4)) - 1) + substring($as_of, 4) AS since,
     toString(toInteger(substring($as_of, 0, 4)) - $years) + substring($as_of, 4) AS exit_since
MATCH (hh:Household)-[:RECEIVES]->(g0:Grant)
WHERE g0.programme = 'dibao' AND g0.end > exit_since AND g0.end < as_of
WITH hh, as_of, since, g0 ORDER BY g0.end DESC
WITH hh, as_of, since, collect(g0)[0] AS exit_grant
MATCH p = (hh)<-[:MEMBER_OF]-(x:Person)-[:HAS_MEDICAL_BILL]->(b:MedicalBill)
WHERE b.settled > exit_grant.end AND b.settled > since AND b.settled <= as_of
WITH hh, as_of, exit_grant, x, b, p ORDER BY b.settled
WITH hh, as_of, exit_grant, collect(p) AS paths, collect(b) AS bills, collect(DISTINCT x.name) AS patients
WITH hh, as_of, exit_grant, paths, bills, patients,
     reduce(t = 0.0, q IN bills | t + coalesce(q.out_of_pocket, 0.0)) AS oop
WHERE oop >= $min_out_of_pocket
WITH hh, as_of, exit_grant, paths, bills, patients, oop, bills[0].settled AS first_bill
OPTIONAL MATCH (hh)-[:RECEIVES]->(g:Grant)
WHERE g.programme IN $programmes AND coalesce(g.end, as_of) >= first_bill AND coalesce(g.start, '') <= as_of
WITH hh, as_of, exit_grant, paths, bills, patients, oop, first_bill, count(g) AS household_grants
OPTIONAL MATCH (hh)<-[:MEMBER_OF]-(:Person)-[c:BENEFICIARY_OF]->(mg:Grant)
WHERE mg.programme IN $programmes AND coalesce(c.end, mg.end, as_of) >= first_bill
  AND coalesce(c.start, mg.start, '') <= as_of
WITH hh, exit_grant, paths, bills, patients, oop, first_bill, household_grants, count(mg) AS member_grants
WHERE household_grants + member_grants = 0
OPTIONAL MATCH (head:Person)-[:MEMBER_OF {relation: 'head'}]->(hh)
WITH hh, exit_grant, paths, bills, patients, oop, first_bill, collect(head) AS heads
WITH hh, exit_grant, paths, bills, patients, oop, first_bill, coalesce(heads[0], nodes(paths[0])[1]) AS subject
RETURN subject.citizen_id AS subject_id, hh.household_id AS household_id, null AS grant_id,
       nodes(paths[0])[1].citizen_id AS related_id,
       {head: subject.name, exited: exit_grant.end, grant: exit_grant.grant_id, patients: patients,
        bills: size(bills), out_of_pocket: round(oop), first_bill: first_bill, threshold: $min_out_of_pocket,
        entitled: ['低保（复核退保决定）', '临时救助', '纳入防返贫监测']} AS facts,
       paths
