/*
id: disabled_earner
title: {zh: 唯一劳动力新认定重度残疾而未获救助、未纳入监测, en: The household's only working-age member newly severely disabled, no help}
family: at_risk
status: test
severity: high
weight: 0.8
legal_basis: >
  《关于健全防止返贫动态监测和帮扶机制的指导意见》（2021年）：对因病、因残、因灾、因意外事故等导致家庭主要劳动力
  丧失、收入大幅缩减的农户，及时纳入监测、落实帮扶；《关于加强低收入人口动态监测做好分层分类社会救助工作的意见》
  （2023年）：重度残疾人等特殊困难人员纳入动态监测，符合条件的纳入低保或特困供养；《最低生活保障审核确认办法》
  （民发〔2021〕57号）第十条：中重度残疾人可参照“单人户”提出低保申请；《国务院关于全面建立困难残疾人生活补贴和
  重度残疾人护理补贴制度的意见》（国发〔2015〕52号）：低保家庭中的残疾人给予生活补贴，一级、二级重度残疾人给予
  护理补贴；《社会救助暂行办法》（国务院令第649号）第四十七条：基本生活暂时出现严重困难的家庭给予临时救助。
narrative: "{head}户劳动年龄成员{disabled}（{aged}岁）于{issued}首次取得残疾人证（{grade_zh}），户内其余成员均为未成年人或老年人（{others}人），认定后该户未享受低保、特困供养或临时救助，也未纳入防返贫监测。该户可能符合低保（重度残疾人可单独申请）、重度残疾人护理补贴和临时救助条件，建议入户核实后纳入防返贫监测。"
evidence: 户 → 户籍成员（劳动年龄） → 残疾人证（近12个月首次发证，一级或二级）；户内无其他劳动年龄成员；认定后无救助
method: >
  发证日期在基准日前一年的同日之后至基准日（含），等级属于 grades（默认一级、二级），证件基准日未注销，持证人此前无
  任何残疾人证（换证、重新评定不计）、发证时年龄在 working_from（含）到 elderly_from（不含）之间、基准日在世。
  户内其余在世成员于基准日均未满 working_from 岁或已满 elderly_from 岁（单人户亦计）。该户（RECEIVES）或任一户籍
  成员（BENEFICIARY_OF）有所列类别的救助且截止不早于最早发证日期的，视为已获帮扶，不标记。
  A first certificate (no earlier one for the person) of a listed grade issued in the year before as_of to a
  member of working age, no other living member of working age at as_of, and no listed grant ending on or
  after the certificate. Subject: the household head, else the certificate holder.
false_positives:
  - 残疾人领取工伤保险伤残津贴、商业保险赔付等，需核实
  - 子女在外地工作并实际赡养，户籍未反映
  - 已申请救助正在审核中（下月数据可消除）
  - 证件由外县迁入换发，本县数据未见旧证
params:
  as_of: {type: date, zh: 基准日, en: As of}
  grades: {type: list, default: ['1', '2'], zh: 计入的残疾等级, en: Grades that count}
  working_from: {type: int, default: 16, zh: 劳动年龄下限（岁）, en: Working age from}
  elderly_from: {type: int, default: 60, zh: 老年起始年龄（岁）, en: Elderly from}
  programmes: {type: list, default: [dibao, destitute, temporary, monitoring], zh: 视为已获帮扶的救助类别, en: Programmes that count as help}
*/
WITH $as_of AS as_of, toString(toInteger(substring($as_of, 0, 4)) - 1) + substring($as_of, 4) AS since
// The year's certificates first (an index on the issue date), then their holders: FalkorDB otherwise
// walks from every person.
MATCH (c:DisabilityCert)
WHERE c.issued > since AND c.issued <= as_of AND toString(c.grade) IN $grades
  AND (c.revoked IS NULL OR c.revoked > as_of)
WITH as_of, since, c
MATCH p = (hh:Household)<-[:MEMBER_OF]-(x:Person)-[:HAS_DISABILITY_CERT]->(c)
WHERE (x.death_date IS NULL OR x.death_date > as_of) AND x.birth_date IS NOT NULL
WITH hh, as_of, x, c, p, toInteger(substring(c.issued, 0, 4)) - toInteger(substring(x.birth_date, 0, 4))
     - CASE WHEN substring(c.issued, 5) < substring(x.birth_date, 5) THEN 1 ELSE 0 END AS aged
WHERE aged >= $working_from AND aged < $elderly_from
OPTIONAL MATCH (x)-[:HAS_DISABILITY_CERT]->(c0:DisabilityCert)
WHERE c0.issued < c.issued
WITH hh, as_of, x, c, p, aged, count(c0) AS earlier
WHERE earlier = 0
OPTIONAL MATCH (s:Person)-[:MEMBER_OF]->(hh)
WHERE s <> x AND (s.death_date IS NULL OR s.death_date > as_of) AND s.birth_date IS NOT NULL
WITH hh, as_of, x, c, p, aged,
     collect(toInteger(substring(as_of, 0, 4)) - toInteger(substring(s.birth_date, 0, 4))
             - CASE WHEN substring(as_of, 5) < substring(s.birth_date, 5) THEN 1 ELSE 0 END) AS ages
WHERE all(a IN ages WHERE a < $working_from OR a >= $elderly_from)
WITH hh, as_of, x, c, p, aged, ages ORDER BY c.issued
WITH hh, as_of, collect(p) AS paths, collect(x) AS holders, collect(c) AS certs, collect(aged) AS ageds,
     collect(ages)[0] AS ages
WITH hh, as_of, paths, holders, certs, ageds, ages, certs[0].issued AS first_cert
OPTIONAL MATCH (hh)-[:RECEIVES]->(g:Grant)
WHERE g.programme IN $programmes AND coalesce(g.end, as_of) >= first_cert AND coalesce(g.start, '') <= as_of
WITH hh, as_of, paths, holders, certs, ageds, ages, first_cert, count(g) AS household_grants
OPTIONAL MATCH (hh)<-[:MEMBER_OF]-(:Person)-[m:BENEFICIARY_OF]->(mg:Grant)
WHERE mg.programme IN $programmes AND coalesce(m.end, mg.end, as_of) >= first_cert
  AND coalesce(m.start, mg.start, '') <= as_of
WITH hh, paths, holders, certs, ageds, ages, first_cert, household_grants, count(mg) AS member_grants
WHERE household_grants + member_grants = 0
OPTIONAL MATCH (head:Person)-[:MEMBER_OF {relation: 'head'}]->(hh)
WITH hh, paths, holders, certs, ageds, ages, first_cert, collect(head) AS heads
WITH hh, paths, holders, certs, ageds, ages, first_cert, coalesce(heads[0], holders[0]) AS subject
RETURN subject.citizen_id AS subject_id, hh.household_id AS household_id, null AS grant_id,
       holders[0].citizen_id AS related_id,
       {head: subject.name, disabled: holders[0].name, aged: ageds[0], issued: first_cert,
        cert: certs[0].cert_no, grade: toString(certs[0].grade),
        grade_zh: CASE toString(certs[0].grade) WHEN '1' THEN '一级' WHEN '2' THEN '二级' WHEN '3' THEN '三级'
                  WHEN '4' THEN '四级' ELSE toString(certs[0].grade) END,
        others: size(ages), other_ages: ages,
        entitled: ['低保（重度残疾人可单独申请）', '重度残疾人护理补贴', '困难残疾人生活补贴', '临时救助', '纳入防返贫监测']} AS facts,
       paths
