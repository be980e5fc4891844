/*
id: kin_high_income
title: {zh: 负有赡养/扶养义务的近亲属（另立户）在救助期间有高额纳税收入, en: A relative who owes support (in another household) has a high taxable income during the grant}
family: hidden_assets
status: stable
severity: medium
weight: 0.6
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）：认定家庭经济状况时应考虑法定赡养、扶养、抚养
  义务人的负担能力，义务人有能力履行而未履行义务的，应核查其履行情况。《中华人民共和国民法典》
  第一千零五十九条（夫妻相互扶养）、第一千零六十七条（父母抚养子女、成年子女赡养父母）。阈值：
  义务人年收入在扣除本人基本减除费用（六万元，《个人所得税法》第六条）后仍有同等数额，即12万元。
narrative: "申请人的{relation}{relative}（负有赡养/扶养义务、另立户籍、不在保障成员内）在该户{programme}享受期间（{grant_start}起）的纳税年度取得应税收入：{years}，年收入额达到{threshold}元；主要支付单位{payer}。"
evidence: 救助对象 → 亲属关系（一层：配偶、父母、子女，另可按参数加入） → 义务人（不在保障成员内、救助期间不在同一户籍户） → 扣缴义务人（个人所得税申报收入，年度与救助期间重叠）
false_positives:
  - 兄弟姐妹、祖孙仅在特定条件下负扶养义务（《民法典》第1074、1075条），默认不计；需要时加入 duty_kinds
  - 与申请人同一户籍户的亲属属于家庭成员，由成员规则核查，不计入本规则
  - 义务人已按约定支付赡养费并计入申请家庭收入的，核实后可排除
  - 收入年度早于救助开始年度者不计
params:
  as_of: {type: date, zh: 基准日, en: As of}
  min_annual_income: {type: float, default: 120000, zh: 义务人年收入阈值(元), en: Annual income threshold of the relative (CNY)}
  income_types: {type: list, default: [wage, bonus, business, labour], zh: 计入的所得项目, en: Income items counted}
  # 《民法典》第1059条（夫妻）、第1067条（父母子女）；第1074、1075条（祖孙、兄弟姐妹，附条件）。
  duty_kinds: {type: list, default: [spouse, parent, child], zh: 计入的义务人亲属关系, en: Kinds of relative who owe support}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
// WITH keeps the walk starting from the grants: FalkorDB otherwise plans it from every person's kin.
WITH hh, g, h
MATCH p = (g)-[:HELD_BY]->(h)-[k:KIN]-(r:Person)-[t:TAX_INCOME]->(o:Org)
WHERE r <> h AND t.income_type IN $income_types
// What r is to the holder (a directed kind reads from its start node; walked backwards it inverts).
WITH hh, g, h, r, t, o, p, substring(t.start, 0, 4) AS year,
     CASE WHEN startNode(k) = h THEN k.kind
          WHEN k.kind = 'parent' THEN 'child' WHEN k.kind = 'child' THEN 'parent'
          WHEN k.kind = 'grandparent' THEN 'grandchild' WHEN k.kind = 'grandchild' THEN 'grandparent'
          ELSE k.kind END AS duty
WHERE duty IN $duty_kinds
  AND year >= substring(g.start, 0, 4) AND year <= substring(coalesce(g.end, $as_of), 0, 4)
WITH hh, g, h, r, t, o, p, year, duty,
     size([(r)-[m:MEMBER_OF]->(hh) WHERE coalesce(m.start, '') <= coalesce(g.end, $as_of)
           AND (m.end IS NULL OR m.end >= g.start) | m]) AS same_register,
     size([(r)-[b:BENEFICIARY_OF]->(g) | b]) AS covered
WHERE same_register = 0 AND covered = 0
// Each record once, whichever kinship edge reached it; the shortest evidence path first, then the
// earliest record, so the path shown does not depend on the order the engine walked in.
WITH hh, g, h, r, t, o, p, year, duty ORDER BY length(p), t.start
WITH hh, g, h, r, year, collect(DISTINCT t) AS ts, collect(p) AS ps, collect(o.name) AS payers, collect(duty)[0] AS duty
WITH hh, g, h, r, year, ps, payers, duty, reduce(s = 0.0, x IN ts | s + x.income) AS income
WHERE income >= $min_annual_income
WITH hh, g, h, r, year, ps, payers, duty, income ORDER BY income DESC
WITH hh, g, h, r, collect(duty)[0] AS duty,
     collect(year + '年' + toString(toInteger(round(income))) + '元') AS years, max(income) AS top,
     collect(ps[0])[0] AS path, collect(payers[0])[0] AS payer
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       r.citizen_id AS related_id,
       {relative: r.name, duty: duty, years: years, top_income: top, threshold: $min_annual_income,
        payer: payer, programme: g.programme, grant_start: g.start, grant_end: g.end} AS facts,
       [path] AS paths
