/*
id: public_pension_member
title: {zh: 保障成员领取机关事业单位养老金, en: A covered member draws a public-staff pension}
family: hidden_assets
status: stable
severity: medium
weight: 0.8
legal_basis: >
  《国务院关于机关事业单位工作人员养老保险制度改革的决定》（国发〔2015〕2号）：机关事业单位退休人员按月领取基本养老金，
  属稳定收入。《最低生活保障审核确认办法》（民发〔2021〕57号）：家庭收入包括养老金；申请和享受期间应如实申报。
  隐瞒收入骗取救助的，依《社会救助暂行办法》（国务院令第649号）第六十八条停止救助、责令退回。
narrative: "该户保障成员{member}领取机关事业单位养老金{monthly}元/月（{pension_from}起，{agency}），与其{programme}保障期间（{covered_from}起）重叠。"
evidence: 救助对象 → 保障成员 → 机关事业单位养老保险经办机构（领取期间与其保障期间按月重叠）
false_positives:
  - 领取人不是保障成员（如另立户的父母）不计：赡养能力由 relative_asset 等规则另行判断
  - 退保后才开始领取的不计
  - 同名同姓但身份证号不同者不计（按身份证号关联）
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)<-[b:BENEFICIARY_OF]-(m:Person)-[pen:PENSION {scheme: 'public'}]->(o:Org)
WITH hh, g, h, m, pen, o, p, coalesce(b.start, g.start) AS cover_from, coalesce(b.end, g.end) AS cover_to
WHERE substring(pen.start, 0, 7) <= substring(coalesce(cover_to, $as_of), 0, 7)
  AND (pen.end IS NULL OR substring(pen.end, 0, 7) >= substring(cover_from, 0, 7))
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       m.citizen_id AS related_id,
       {member: m.name, monthly: pen.monthly, pension_from: pen.start, pension_to: pen.end, agency: o.name,
        programme: g.programme, grant_start: g.start, grant_end: g.end,
        covered_from: cover_from, covered_to: cover_to} AS facts,
       [p] AS paths
