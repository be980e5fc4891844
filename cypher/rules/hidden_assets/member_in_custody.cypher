/*
id: member_in_custody
title: {zh: 救助期间保障成员在押服刑, en: A covered member is in custody during the grant}
family: hidden_assets
status: stable
severity: medium
weight: 0.7
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）：在监狱内服刑、在戒毒所强制隔离戒毒或者
  宣告失踪的人员不计入共同生活的家庭成员；《特困人员认定办法》（民发〔2021〕43号）：特困人员被判处
  有期徒刑、无期徒刑且在监狱服刑的，终止救助供养。在押服刑期间仍计为保障成员领取救助金的，
  属《社会救助暂行办法》（国务院令第649号）第六十八条所称虚报、隐瞒情形，应核减或停发并追回。
narrative: "保障成员{member}在{facility}（{facility_type}）{custody_type}，{custody_from}至{custody_to}，其间仍计入该户{programme}（{grant_start}起）。"
evidence: 救助对象 → 保障成员 → 监狱/看守所（收押至释放期间与其保障期间重叠）
false_positives:
  - 救助开始前已刑满释放（释放日期早于其保障开始）者不计
  - 在押的是不在保障名单内的亲属（另户居住、未计入救助）者不计
  - 看守所短期羁押后取保候审、不起诉的，应核实羁押时长；救助金按户计发的，只核减在押成员份额
  - 同名同姓但身份证号不同者不计（按身份证号关联）
params:
  as_of: {type: date, zh: 基准日, en: As of}
  programmes: {type: list, default: [dibao, destitute], zh: 计入的救助类别, en: Programmes counted}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
WHERE g.programme IN $programmes
MATCH p = (g)<-[b:BENEFICIARY_OF]-(m:Person)-[c:IN_CUSTODY]->(o:Org)
WITH hh, g, h, m, c, o, p, coalesce(b.start, g.start) AS cover_from, coalesce(b.end, g.end) AS cover_to
WHERE c.start <= coalesce(cover_to, $as_of)
  AND (c.end IS NULL OR c.end >= cover_from)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       m.citizen_id AS related_id,
       {member: m.name, facility: o.name, facility_type: o.org_type, custody_type: c.custody_type,
        custody_from: c.start, custody_to: coalesce(c.end, '今'), release_reason: c.release_reason,
        programme: g.programme, grant_start: g.start, grant_end: g.end,
        covered_from: cover_from, covered_to: cover_to} AS facts,
       [p] AS paths
