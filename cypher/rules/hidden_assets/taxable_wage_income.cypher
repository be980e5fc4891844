/*
id: taxable_wage_income
title: {zh: 救助期间保障成员工资薪金年收入达到个税基本减除费用, en: A covered member's annual taxable wages reach the income-tax deduction during the grant}
family: hidden_assets
status: stable
severity: high
weight: 0.85
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）：家庭收入包括工资性收入（因任职或受雇取得的工资、
  薪金、奖金等），申请和享受期间应如实申报，并定期核查家庭经济状况。《中华人民共和国个人所得税法》
  第六条：居民个人综合所得每一纳税年度减除费用六万元——税务机关记载的年度工资薪金收入额达到该数额，
  即家庭有相当于或高于当地平均工资水平的稳定收入。隐瞒收入骗取救助的，依《社会救助暂行办法》
  （国务院令第649号）第六十八条停止救助、责令退回。
narrative: "该户成员{member}在保障期间的纳税年度取得{income_type}：{years}，年收入额达到{threshold}元（个人所得税基本减除费用），主要扣缴义务人{payer}；其{programme}自{covered_from}起享受。"
evidence: 救助对象 → 保障成员 → 扣缴义务人（个人所得税申报收入，所属年度与其保障期间重叠，年合计达到阈值）
false_positives:
  - 收入年度早于救助开始年度（申请前已离职）者不计
  - 年收入低于阈值的工资薪金申报（含零申报）不计；阈值可按当地低保标准或平均工资调整
  - 收入已如实申报并按规定扣除就业成本后仍符合条件的，需核实家庭人均收入
  - 按月申报的记录按所属年度合计；同名同姓但身份证号不同者不计
params:
  as_of: {type: date, zh: 基准日, en: As of}
  # 《个人所得税法》第六条：综合所得基本减除费用每年六万元。
  min_annual_income: {type: float, default: 60000, zh: 年收入额阈值(元), en: Annual income threshold (CNY)}
  income_types: {type: list, default: [wage, bonus], zh: 计入的所得项目, en: Income items counted}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)<-[b:BENEFICIARY_OF]-(m:Person)-[t:TAX_INCOME]->(o:Org)
WHERE t.income_type IN $income_types
WITH hh, g, h, m, t, o, p, coalesce(b.start, g.start) AS cover_from, coalesce(b.end, g.end) AS cover_to,
     substring(t.start, 0, 4) AS year
WHERE year >= substring(cover_from, 0, 4) AND year <= substring(coalesce(cover_to, $as_of), 0, 4)
// A tax year's income is the sum of its records (one a year, or one a month); each record once.
WITH hh, g, h, m, cover_from, cover_to, year, collect(DISTINCT t) AS ts, collect(p) AS ps, collect(o.name) AS payers
WITH hh, g, h, m, cover_from, cover_to, year, ps, payers, reduce(s = 0.0, x IN ts | s + x.income) AS income,
     [x IN ts | x.income_type] AS types
WHERE income >= $min_annual_income
WITH hh, g, h, m, cover_from, cover_to, year, ps, payers, income, types ORDER BY income DESC
WITH hh, g, h, m, cover_from, cover_to,
     collect(year + '年' + toString(toInteger(round(income))) + '元') AS years, max(income) AS top,
     collect(ps[0])[0] AS path, collect(payers[0])[0] AS payer, collect(types[0])[0] AS income_type
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       m.citizen_id AS related_id,
       {member: m.name, years: years, top_income: top, threshold: $min_annual_income, payer: payer,
        income_type: income_type, programme: g.programme, grant_start: g.start, grant_end: g.end,
        covered_from: cover_from, covered_to: cover_to} AS facts,
       [path] AS paths
