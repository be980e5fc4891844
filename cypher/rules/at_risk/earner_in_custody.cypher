/*
id: earner_in_custody
title: {zh: 唯一劳动力被羁押服刑、仅余老幼而未获救助, en: The only working-age member in custody, only children or elderly remain, no help}
family: at_risk
status: test
severity: medium
weight: 0.6
legal_basis: >
  《社会救助暂行办法》（国务院令第649号）第九条、第四十七条：共同生活的家庭成员人均收入低于当地最低生活保障标准的，
  给予最低生活保障；基本生活暂时出现严重困难的，给予临时救助；《关于进一步加强事实无人抚养儿童保障工作的意见》
  （民发〔2019〕62号）：父母一方服刑在押或强制隔离戒毒、另一方死亡、重残、失联等的儿童，纳入保障范围；
  《关于健全防止返贫动态监测和帮扶机制的指导意见》（2021年）：对家庭主要劳动力丧失、收入大幅缩减的农户及时纳入
  监测；《关于加强低收入人口动态监测做好分层分类社会救助工作的意见》（2023年）：对收入骤减的家庭及时预警、
  分类救助。（服刑人员本人不计入低保家庭成员，见 member_in_custody。）
narrative: "{head}户劳动年龄成员{detained}自{since}起{custody_zh}（{facility}），户内其余成员均为未成年人或老年人（{others}人），此后该户未享受低保、特困供养或临时救助，也未纳入防返贫监测。该户可能符合低保、临时救助条件；如有未成年人且父母另一方死亡、重残或失联，还可能符合事实无人抚养儿童保障。建议入户核实后纳入防返贫监测。"
evidence: 户 → 户籍成员（劳动年龄） → 在押服刑（近12个月开始，基准日仍在押）；户内无其他劳动年龄成员；此后无救助
method: >
  入监（所）日期在基准日前一年的同日之后至基准日（含），基准日仍在押（无出监日期或晚于基准日），入监时年龄在
  working_from（含）到 elderly_from（不含）之间。户内其余在世成员至少一人，且于基准日均未满 working_from 岁或已满
  elderly_from 岁。该户（RECEIVES）或任一户籍成员（BENEFICIARY_OF）有所列类别的救助且截止不早于入监日期的，视为已获
  帮扶，不标记。
  Custody that began in the year before as_of and lasts past it, of a member of working age at admission; at
  least one other living member and all of them under working_from or from elderly_from at as_of; no listed
  grant ending on or after the admission. Subject: the household head (who may be the person in custody).
false_positives:
  - 短期拘留后已释放但出所记录未报送（需向看守所核实）
  - 家庭另有外出务工成员收入，户籍未反映
  - 已申请救助正在审核中（下月数据可消除）
params:
  as_of: {type: date, zh: 基准日, en: As of}
  working_from: {type: int, default: 16, zh: 劳动年龄下限（岁）, en: Working age from}
  elderly_from: {type: int, default: 60, zh: 老年起始年龄（岁）, en: Elderly from}
  programmes: {type: list, default: [dibao, destitute, temporary, monitoring], zh: 视为已获帮扶的救助类别, en: Programmes that count as help}
*/
// The detained first, found from the custody places (an unlabelled x keeps FalkorDB from scanning every person).
MATCH (:Org)<-[:IN_CUSTODY]-(x)
WITH DISTINCT x
WITH x, $as_of AS as_of, toString(toInteger(substring($as_of, 0, 4)) - 1) + substring($as_of, 4) AS since
MATCH p = (hh:Household)<-[:MEMBER_OF]-(x:Person)-[r:IN_CUSTODY]->(f:Org)
WHERE r.start > since AND r.start <= as_of AND (r.end IS NULL OR r.end > as_of) AND x.birth_date IS NOT NULL
WITH hh, as_of, x, r, f, p, toInteger(substring(r.start, 0, 4)) - toInteger(substring(x.birth_date, 0, 4))
     - CASE WHEN substring(r.start, 5) < substring(x.birth_date, 5) THEN 1 ELSE 0 END AS aged
WHERE aged >= $working_from AND aged < $elderly_from
MATCH (s:Person)-[:MEMBER_OF]->(hh)
WHERE s <> x AND (s.death_date IS NULL OR s.death_date > as_of) AND s.birth_date IS NOT NULL
WITH hh, as_of, x, r, f, p,
     collect(toInteger(substring(as_of, 0, 4)) - toInteger(substring(s.birth_date, 0, 4))
             - CASE WHEN substring(as_of, 5) < substring(s.birth_date, 5) THEN 1 ELSE 0 END) AS ages
WHERE all(a IN ages WHERE a < $working_from OR a >= $elderly_from)
WITH hh, as_of, x, r, f, p, ages ORDER BY r.start
WITH hh, as_of, collect(p) AS paths, collect(x) AS detained, collect(r) AS spells, collect(f) AS places,
     collect(ages)[0] AS ages
WITH hh, as_of, paths, detained, spells, places, ages, spells[0].start AS first_in
OPTIONAL MATCH (hh)-[:RECEIVES]->(g:Grant)
WHERE g.programme IN $programmes AND coalesce(g.end, as_of) >= first_in AND coalesce(g.start, '') <= as_of
WITH hh, as_of, paths, detained, spells, places, ages, first_in, count(g) AS household_grants
OPTIONAL MATCH (hh)<-[:MEMBER_OF]-(:Person)-[c:BENEFICIARY_OF]->(mg:Grant)
WHERE mg.programme IN $programmes AND coalesce(c.end, mg.end, as_of) >= first_in
  AND coalesce(c.start, mg.start, '') <= as_of
WITH hh, paths, detained, spells, places, ages, first_in, household_grants, count(mg) AS member_grants
WHERE household_grants + member_grants = 0
OPTIONAL MATCH (head:Person)-[:MEMBER_OF {relation: 'head'}]->(hh)
WITH hh, paths, detained, spells, places, ages, first_in, collect(head) AS heads
WITH hh, paths, detained, spells, places, ages, first_in, coalesce(heads[0], detained[0]) AS subject
RETURN subject.citizen_id AS subject_id, hh.household_id AS household_id, null AS grant_id,
       detained[0].citizen_id AS related_id,
       {head: subject.name, detained: detained[0].name, since: first_in, facility: coalesce(places[0].name, '羁押场所'),
        custody_type: spells[0].custody_type,
        custody_zh: CASE spells[0].custody_type WHEN 'remand' THEN '被羁押' ELSE '在监狱服刑' END,
        others: size(ages), other_ages: ages,
        entitled: ['低保', '临时救助', '纳入防返贫监测', '事实无人抚养儿童保障（如适用）']} AS facts,
       paths
