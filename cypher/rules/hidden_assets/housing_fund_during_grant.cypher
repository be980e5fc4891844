/*
id: housing_fund_during_grant
title: {zh: 救助期间家庭成员缴存住房公积金, en: A member contributes to the housing provident fund during the grant}
family: hidden_assets
status: stable
severity: medium
weight: 0.8
legal_basis: >
  《住房公积金管理条例》（国务院令第262号）第十五条、第十六条：单位录用职工须为其办理住房公积金
  缴存，缴存基数为职工本人上一年度月平均工资——在缴即表明有正式用工和稳定工资收入。
  《最低生活保障审核确认办法》（民发〔2021〕57号）：家庭收入包括工资性收入，申请和享受期间应如实
  申报；隐瞒收入骗取救助的，依《社会救助暂行办法》（国务院令第649号）第六十八条停止救助、责令退回。
narrative: "该户成员{member}在{employer}缴存住房公积金（缴存基数{base}元/月），自{fund_from}起，与其{programme}保障期间（{covered_from}起）重叠。"
evidence: 救助对象 → 保障成员 → 缴存单位（公积金开户至封存期间与其保障期间重叠）
false_positives:
  - 救助开始前已封存停缴（离职）者不计
  - 缴存基数低于当地低保标准换算的家庭收入线时，需核实工资收入是否已如实申报计入
  - 同名同姓但身份证号不同者不计（按身份证号关联）
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)<-[b:BENEFICIARY_OF]-(m:Person)-[f:HOUSING_FUND]->(o:Org)
WITH hh, g, h, m, f, o, p, coalesce(b.start, g.start) AS cover_from, coalesce(b.end, g.end) AS cover_to
WHERE f.start <= coalesce(cover_to, $as_of)
  AND (f.end IS NULL OR f.end >= cover_from)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       m.citizen_id AS related_id,
       {member: m.name, employer: o.name, base: f.base, fund_from: f.start, fund_to: f.end,
        programme: g.programme, grant_start: g.start, grant_end: g.end,
        covered_from: cover_from, covered_to: cover_to} AS facts,
       [p] AS paths
