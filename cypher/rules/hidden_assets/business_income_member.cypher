/*
id: business_income_member
title: {zh: 救助期间保障成员经营所得年收入达到个税减除费用, en: A covered member's annual business income reaches the income-tax deduction during the grant}
family: hidden_assets
status: stable
severity: high
weight: 0.85
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）：家庭收入包括经营净收入（从事生产经营及有偿
  服务活动所得），申请和享受期间应如实申报。《中华人民共和国个人所得税法实施条例》第十五条：取得
  经营所得的个人没有综合所得的，每一纳税年度减除费用六万元——税务机关记载的年度经营所得达到该数额，
  即成员有持续的经营收入。隐瞒收入骗取救助的，依《社会救助暂行办法》（国务院令第649号）第六十八条
  停止救助、责令退回。
narrative: "该户成员{member}在保障期间的纳税年度申报{income_type}：{years}，年收入额达到{threshold}元，经营主体{payer}；其{programme}自{covered_from}起享受。"
evidence: 救助对象 → 保障成员 → 经营主体（个人所得税经营所得申报，所属年度与其保障期间重叠，年合计达到阈值）
false_positives:
  - 经营所得年度早于救助开始年度（申请前已停业）者不计
  - 经营所得低于阈值的小额经营（如季节性摆摊）不计，需核实是否已如实申报
  - 经营主体已注销但税务记录滞后的，需核实注销日期
  - 同名同姓但身份证号不同者不计（按身份证号关联）
params:
  as_of: {type: date, zh: 基准日, en: As of}
  # 《个人所得税法实施条例》第十五条：无综合所得者的经营所得每年减除费用六万元。
  min_annual_income: {type: float, default: 60000, zh: 年经营所得阈值(元), en: Annual business income threshold (CNY)}
  income_types: {type: list, default: [business], zh: 计入的所得项目, en: Income items counted}
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
