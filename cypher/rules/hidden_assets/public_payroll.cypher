/*
id: public_payroll
title: {zh: 救助期间家庭成员为财政供养人员, en: A member is on the public payroll during the grant}
family: hidden_assets
status: stable
severity: high
weight: 0.95
legal_basis: >
  《社会救助暂行办法》（国务院令第649号）第六十八条：采取虚报、隐瞒、伪造等手段骗取社会救助资金的，
  停止救助、责令退回；财政供养人员家庭有稳定工资收入，原则上不符合最低生活保障条件。
narrative: "该户成员{member}为财政供养人员（{employer}，{position}），自{payroll_from}起在编，与该户{programme}（{grant_start}起）享受期间重叠。"
evidence: 救助对象 → 保障成员 → 财政供养单位（入编至离退休期间与救助期间重叠）
false_positives:
  - 救助开始前已退休的人员不计（离退休日期早于救助开始）
  - 同名同姓但身份证号不同者不计（按身份证号关联）
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)<-[b:BENEFICIARY_OF]-(m:Person)-[w:ON_PAYROLL]->(o:Org)
WITH hh, g, h, m, w, o, p, coalesce(b.start, g.start) AS cover_from, coalesce(b.end, g.end) AS cover_to
WHERE w.start <= coalesce(cover_to, $as_of)
  AND (w.end IS NULL OR w.end >= cover_from)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       m.citizen_id AS related_id,
       {member: m.name, employer: o.name, position: w.position, payroll_from: w.start, payroll_to: w.end,
        programme: g.programme, grant_start: g.start, grant_end: g.end,
        covered_from: cover_from, covered_to: cover_to} AS facts,
       [p] AS paths
