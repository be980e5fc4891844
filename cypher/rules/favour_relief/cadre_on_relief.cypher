/*
id: cadre_on_relief
title: {zh: 村干部或经办人员本人在任期间享受救助, en: A cadre or handler is covered by a grant while in post}
family: favour_relief
status: stable
severity: medium
weight: 0.6
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）：乡镇（街道）经办人员和村（居）民委员会成员
  近亲属申请最低生活保障的，应当单独登记备案；经办人员和村干部本人及其家庭申请的，更应回避
  并从严审核。《社会救助暂行办法》（国务院令第649号）第六十六条：违反规定使不符合条件的申请人
  获得救助的，对直接负责的主管人员和其他直接责任人员依法给予处分。
narrative: "{cadre}在任{unit}{cadre_role}（{post_from}起）期间，本人计入该户{programme}（{covered_from}起）。"
evidence: 救助对象 → 保障成员（即干部/经办人员本人） → 任职单位（任职期间与其保障期间重叠）
false_positives:
  - 卸任后才享受救助（任职结束早于其保障开始）者不计
  - 同名同姓但身份证号不同者不计（按身份证号关联）
  - 家庭确属困难、已按规定单独备案并经乡镇复核的，需核查备案和回避材料，不宜直接认定违规
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)<-[b:BENEFICIARY_OF]-(c:Person)-[hp:HOLDS_POST]->(o:Org)
WITH hh, g, h, c, hp, o, p, coalesce(b.start, g.start) AS cover_from, coalesce(b.end, g.end) AS cover_to
WHERE hp.start <= coalesce(cover_to, $as_of)
  AND (hp.end IS NULL OR hp.end >= cover_from)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       c.citizen_id AS related_id,
       {cadre: c.name, cadre_role: hp.role, unit: o.name, post_from: hp.start, post_to: hp.end,
        programme: g.programme, grant_start: g.start, grant_end: g.end,
        covered_from: cover_from, covered_to: cover_to} AS facts,
       [p] AS paths
