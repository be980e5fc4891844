/*
id: disaster_no_relief
title: {zh: 因灾房屋倒塌或严重损坏而未获救助、未纳入监测, en: House collapsed or severely damaged in a disaster, household neither helped nor monitored}
family: at_risk
status: test
severity: high
weight: 0.8
legal_basis: >
  《社会救助暂行办法》（国务院令第649号）第二十条至第二十六条（受灾人员救助）：对基本生活受到自然灾害严重影响的
  人员提供生活救助，对住房倒塌或严重损坏的给予恢复重建补助；第四十七条：因自然灾害等导致基本生活暂时出现严重
  困难的家庭给予临时救助；《自然灾害救助条例》第十八条、第十九条：过渡期生活救助和倒损住房恢复重建；
  《关于健全防止返贫动态监测和帮扶机制的指导意见》（2021年）：对因灾等导致基本生活出现严重困难的农户及时纳入
  监测、落实帮扶；《关于加强低收入人口动态监测做好分层分类社会救助工作的意见》（2023年）：受灾人员纳入动态监测
  范围，符合条件的及时给予救助。
narrative: "{head}户在{occurred}的{event}中房屋{damage_zh}（{rooms}间，直接经济损失{loss}元），应急管理部门已登记为受灾户；灾后该户未享受低保、特困供养或临时救助，也未纳入防返贫监测。该户可能符合过渡期生活救助、倒损住房恢复重建补助和临时救助条件，建议入户核实后纳入防返贫监测，基本生活仍有困难的按规定纳入低保。"
evidence: 户 → 户籍成员 → 受灾登记（近12个月，房屋倒塌或严重损坏）；灾后该户及其成员无救助
method: >
  受灾日期在基准日前一年的同日之后至基准日（含），房屋倒损程度属于 damage（默认倒塌、严重损坏；一般损坏与未倒损
  不标记）。受灾登记以户主身份证号关联人员，再经户籍关联到户；同一户多条登记取最早者计算“灾后”。该户（RECEIVES）
  或任一户籍成员（BENEFICIARY_OF）有所列类别的救助且截止不早于受灾日期的，视为已获帮扶，不标记。
  应急管理部门自己的过渡期生活救助和重建补助不在民政救助数据中，核实时应一并查询。
  The window is the year before as_of; damage levels by parameter; any listed grant ending on or after the
  earliest qualifying disaster clears the household. Subject: the household head, else the registered person.
false_positives:
  - 应急管理部门已发放过渡期生活救助或恢复重建补助（不在民政数据中，需向应急管理局核实）
  - 受损房屋为闲置旧房或生产用房，家庭另有住房
  - 家庭收入较高、已自行修缮，基本生活未受严重影响
  - 已给予救助或纳入监测但数据晚于本批次
params:
  as_of: {type: date, zh: 基准日, en: As of}
  damage: {type: list, default: [collapsed, severe], zh: 计入的房屋倒损程度, en: House damage levels that count}
  programmes: {type: list, default: [dibao, destitute, temporary, monitoring], zh: 视为已获帮扶的救助类别, en: Programmes that count as help}
*/
WITH $as_of AS as_of, toString(toInteger(substring($as_of, 0, 4)) - 1) + substring($as_of, 4) AS since
MATCH p = (hh:Household)<-[:MEMBER_OF]-(x:Person)-[:AFFECTED_BY]->(d:DisasterRecord)
WHERE d.occurred > since AND d.occurred <= as_of AND d.damage IN $damage
WITH hh, as_of, x, d, p ORDER BY d.occurred
WITH hh, as_of, collect(p) AS paths, collect(d) AS records
WITH hh, as_of, paths, records, records[0].occurred AS first_hit
OPTIONAL MATCH (hh)-[:RECEIVES]->(g:Grant)
WHERE g.programme IN $programmes AND coalesce(g.end, as_of) >= first_hit AND coalesce(g.start, '') <= as_of
WITH hh, as_of, paths, records, first_hit, count(g) AS household_grants
OPTIONAL MATCH (hh)<-[:MEMBER_OF]-(:Person)-[c:BENEFICIARY_OF]->(mg:Grant)
WHERE mg.programme IN $programmes AND coalesce(c.end, mg.end, as_of) >= first_hit
  AND coalesce(c.start, mg.start, '') <= as_of
WITH hh, paths, records, first_hit, household_grants, count(mg) AS member_grants
WHERE household_grants + member_grants = 0
OPTIONAL MATCH (head:Person)-[:MEMBER_OF {relation: 'head'}]->(hh)
WITH hh, paths, records, first_hit, collect(head) AS heads
WITH hh, paths, records, first_hit, coalesce(heads[0], nodes(paths[0])[1]) AS subject, records[0] AS d
RETURN subject.citizen_id AS subject_id, hh.household_id AS household_id, null AS grant_id,
       nodes(paths[0])[1].citizen_id AS related_id,
       {head: subject.name, occurred: first_hit, event: coalesce(d.event, '自然灾害'), record: d.record_id,
        damage: d.damage, damage_zh: CASE d.damage WHEN 'collapsed' THEN '倒塌' WHEN 'severe' THEN '严重损坏'
                                     WHEN 'moderate' THEN '一般损坏' ELSE d.damage END,
        rooms: coalesce(toInteger(d.rooms), 0), loss: round(coalesce(d.loss, 0.0)), records: size(records),
        entitled: ['过渡期生活救助', '倒损住房恢复重建补助', '临时救助', '纳入防返贫监测', '低保（经收入核查）']} AS facts,
       paths
