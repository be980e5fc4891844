/*
id: large_medical_bill
title: {zh: 大额医疗自付而未获救助、未纳入监测, en: Large out-of-pocket medical bills, household neither helped nor monitored}
family: at_risk
status: test
severity: high
weight: 0.8
legal_basis: >
  《社会救助暂行办法》（国务院令第649号）第二十八条、第四十七条：因疾病导致基本生活暂时出现严重困难的家庭，
  给予医疗救助、临时救助；《关于健全防止返贫动态监测和帮扶机制的指导意见》（2021年）：对因病等刚性支出较大
  导致基本生活出现严重困难的农户，及时纳入监测、落实帮扶；《国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见》
  （国办发〔2021〕42号）：对医疗费用负担较重的困难职工和城乡居民，可申请认定为因病致贫重病患者，给予医疗救助。
narrative: "{head}户成员（{patients}）近12个月医保结算{bills}笔，个人自付合计{out_of_pocket}元（首笔{first_bill}，大额标准{threshold}元），该户未享受低保、特困供养或临时救助，也未纳入防返贫监测。该户可能符合医疗救助、临时救助条件，建议核实家庭收入，必要时纳入防返贫监测或低保。"
evidence: 户 → 户籍成员 → 医保结算（近12个月，个人自付）；该户及其成员无在保或近期救助
method: >
  近12个月 = 基准日前一年的同日之后至基准日（结算日期）。自付合计达到 min_out_of_pocket（默认 20000 元，
  约为多数县年低保标准的3倍）即为大额。该户（RECEIVES）或其任一户籍成员（BENEFICIARY_OF）有所列类别的救助，
  且救助截止不早于首笔结算（临时救助的起止为发放日），即视为已获帮扶，不标记。
  The window is the year before as_of. A household counts as helped when it, or any registered member,
  holds a grant of the listed programmes that ends on or after the first bill.
false_positives:
  - 同一户已享受低保、特困供养，或结算后已给予临时救助（已排除）
  - 医疗总费用高但医保报销后个人自付少（按个人自付计，已排除）
  - 家庭收入高、有能力负担（需核实收入；规则不以财产否定，只提示核查）
  - 患者已迁出本户或已死亡，户籍未及时更新
params:
  as_of: {type: date, zh: 基准日, en: As of}
  min_out_of_pocket: {type: float, default: 20000, zh: 近12个月个人自付下限（元）, en: Minimum out-of-pocket in 12 months (CNY)}
  programmes: {type: list, default: [dibao, destitute, temporary, monitoring], zh: 视为已获帮扶的救助类别, en: Programmes that count as help}
*/
WITH $as_of AS as_of, toString(toInteger(substring($as_of, 0, 4)) - 1) + substring($as_of, 4) AS since
MATCH p = (hh:Household)<-[:MEMBER_OF]-(x:Person)-[:HAS_MEDICAL_BILL]->(b:MedicalBill)
WHERE b.settled > since AND b.settled <= as_of
WITH hh, as_of, x, b, p ORDER BY b.settled
WITH hh, as_of, collect(p) AS paths, collect(b) AS bills, collect(DISTINCT x.name) AS patients
WITH hh, as_of, paths, bills, patients, reduce(t = 0.0, q IN bills | t + coalesce(q.out_of_pocket, 0.0)) AS oop
WHERE oop >= $min_out_of_pocket
WITH hh, as_of, paths, bills, patients, oop, bills[0].settled AS first_bill
OPTIONAL MATCH (hh)-[:RECEIVES]->(g:Grant)
WHERE g.programme IN $programmes AND coalesce(g.end, as_of) >= first_bill AND coalesce(g.start, '') <= as_of
WITH hh, as_of, paths, bills, patients, oop, first_bill, count(g) AS household_grants
OPTIONAL MATCH (hh)<-[:MEMBER_OF]-(:Person)-[c:BENEFICIARY_OF]->(mg:Grant)
WHERE mg.programme IN $programmes AND coalesce(c.end, mg.end, as_of) >= first_bill
  AND coalesce(c.start, mg.start, '') <= as_of
WITH hh, paths, bills, patients, oop, first_bill, household_grants, count(mg) AS member_grants
WHERE household_grants + member_grants = 0
OPTIONAL MATCH (head:Person)-[:MEMBER_OF {relation: 'head'}]->(hh)
WITH hh, paths, bills, patients, oop, first_bill, collect(head) AS heads
WITH hh, paths, bills, patients, oop, first_bill, coalesce(heads[0], nodes(paths[0])[1]) AS subject
RETURN subject.citizen_id AS subject_id, hh.household_id AS household_id, null AS grant_id,
       nodes(paths[0])[1].citizen_id AS related_id,
       {head: subject.name, patients: patients, bills: size(bills), out_of_pocket: round(oop),
        first_bill: first_bill, last_bill: bills[size(bills) - 1].settled, threshold: $min_out_of_pocket,
        entitled: ['医疗救助', '临时救助', '纳入防返贫监测', '低保（经收入核查）']} AS facts,
       paths
