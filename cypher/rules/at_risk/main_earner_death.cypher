/*
id: main_earner_death
title: {zh: 主要劳动力死亡、仅余老幼而未获救助, en: The household's earner died, only children or elderly remain, no help}
family: at_risk
status: test
severity: high
weight: 0.8
legal_basis: >
  《社会救助暂行办法》（国务院令第649号）第四十七条：因意外事件等原因导致基本生活暂时出现严重困难的家庭，
  给予临时救助；第九条、第十一条：共同生活的家庭成员人均收入低于当地最低生活保障标准的，给予最低生活保障；
  《关于健全防止返贫动态监测和帮扶机制的指导意见》（2021年）：对因病、因残、因意外事故等导致家庭主要劳动力
  丧失、收入大幅缩减的农户，及时纳入监测、落实帮扶；无劳动能力的老人、未成年人按规定纳入兜底保障。
narrative: "{head}户劳动年龄成员{earner}（{died_aged}岁，{income_zh}）已于{died}死亡，现户内仅余未成年人和老年人{survivors}人，死亡后该户未享受低保、特困供养或临时救助，也未纳入防返贫监测。该户可能符合临时救助、低保条件，建议入户核实后纳入防返贫监测；如未成年人无人抚养，还可能符合事实无人抚养儿童保障。"
evidence: 户 → 户籍成员（死亡，死亡时为劳动年龄） → 财政供养或市场主体身份（死亡时在职/存续）；户内其余在世成员均为未成年人或老年人；死亡后无救助
method: >
  死亡日期在基准日前 years 年内；死亡时年龄在 working_from（含）到 elderly_from（不含）之间；死亡当日仍在财政
  供养（ON_PAYROLL）或为市场主体的法定代表人/经营者、股东、高管（身份起止按 company_role 的口径，无起始日期时
  取成立日期，截止不晚于注销日期）。户内其余在世成员（至少一人）于基准日均未满 working_from 岁或已满
  elderly_from 岁。该户（RECEIVES）或任一在世成员（BENEFICIARY_OF）有所列类别的救助且截止不早于死亡日期的，不标记。
  The clue's subject is the surviving household head, else the eldest survivor.
false_positives:
  - 老年非劳动力成员死亡（已排除：死亡时不在劳动年龄或无收入来源）
  - 户内仍有其他劳动年龄成员（已排除）
  - 死亡后已纳入低保或给予临时救助（已排除）
  - 家庭有抚恤金、工亡补助、商业保险赔付等一次性收入，需核实
  - 子女在外地务工、已分户但实际赡养，户籍未反映
params:
  as_of: {type: date, zh: 基准日, en: As of}
  years: {type: int, default: 2, zh: 死亡发生在基准日前几年内, en: Deaths within this many years before as_of}
  working_from: {type: int, default: 16, zh: 劳动年龄下限（岁）, en: Working age from}
  elderly_from: {type: int, default: 60, zh: 老年起始年龄（岁）, en: Elderly from}
  programmes: {type: list, default: [dibao, destitute, temporary, monitoring], zh: 视为已获帮扶的救助类别, en: Programmes that count as help}
*/
WITH $as_of AS as_of, toString(toInteger(substring($as_of, 0, 4)) - $years) + substring($as_of, 4) AS since
MATCH (e:Person)-[:MEMBER_OF]->(hh:Household)
WHERE e.death_date > since AND e.death_date <= as_of AND e.birth_date IS NOT NULL
WITH hh, e, as_of, toInteger(substring(e.death_date, 0, 4)) - toInteger(substring(e.birth_date, 0, 4))
     - CASE WHEN substring(e.death_date, 5) < substring(e.birth_date, 5) THEN 1 ELSE 0 END AS died_aged
WHERE died_aged >= $working_from AND died_aged < $elderly_from
MATCH p = (hh)<-[:MEMBER_OF]-(e)-[r:ON_PAYROLL|LEGAL_REP|SHAREHOLDER|EXECUTIVE]->(src)
WITH hh, e, as_of, died_aged, r, src, p,
     CASE WHEN src:Company AND (r.start IS NULL OR r.start < src.established) THEN src.established
          ELSE r.start END AS from_date,
     CASE WHEN NOT src:Company OR src.deregistered IS NULL THEN r.end
          WHEN r.end IS NULL OR r.end > src.deregistered THEN src.deregistered
          ELSE r.end END AS to_date
WHERE coalesce(from_date, '') <= e.death_date AND (to_date IS NULL OR to_date >= e.death_date)
WITH hh, e, as_of, died_aged, collect(p) AS income_paths, collect(DISTINCT type(r)) AS income
MATCH (s:Person)-[sm:MEMBER_OF]->(hh)
WHERE s <> e AND (s.death_date IS NULL OR s.death_date > as_of) AND s.birth_date IS NOT NULL
WITH hh, e, as_of, died_aged, income_paths, income, s, sm,
     toInteger(substring(as_of, 0, 4)) - toInteger(substring(s.birth_date, 0, 4))
     - CASE WHEN substring(as_of, 5) < substring(s.birth_date, 5) THEN 1 ELSE 0 END AS age
ORDER BY s.birth_date
WITH hh, e, as_of, died_aged, income_paths, income, collect(s) AS survivors, collect(age) AS ages,
     collect(sm.relation) AS relations
WHERE all(a IN ages WHERE a < $working_from OR a >= $elderly_from)
OPTIONAL MATCH (hh)-[:RECEIVES]->(g:Grant)
WHERE g.programme IN $programmes AND coalesce(g.end, as_of) >= e.death_date AND coalesce(g.start, '') <= as_of
WITH hh, e, as_of, died_aged, income_paths, income, survivors, ages, relations, count(g) AS household_grants
OPTIONAL MATCH (hh)<-[:MEMBER_OF]-(y:Person)-[c:BENEFICIARY_OF]->(mg:Grant)
WHERE y <> e AND mg.programme IN $programmes AND coalesce(c.end, mg.end, as_of) >= e.death_date
  AND coalesce(c.start, mg.start, '') <= as_of
WITH hh, e, died_aged, income_paths, income, survivors, ages, relations, household_grants, count(mg) AS member_grants
WHERE household_grants + member_grants = 0
WITH hh, e, died_aged, income_paths, income, survivors, ages,
     [i IN range(0, size(survivors) - 1) WHERE relations[i] = 'head' | survivors[i]] AS heads
WITH hh, e, died_aged, income_paths, income, survivors, ages, coalesce(heads[0], survivors[0]) AS subject
RETURN subject.citizen_id AS subject_id, hh.household_id AS household_id, null AS grant_id,
       e.citizen_id AS related_id,
       {head: subject.name, earner: e.name, died: e.death_date, died_aged: died_aged, income: income,
        income_zh: CASE WHEN 'ON_PAYROLL' IN income THEN '财政供养人员' ELSE '市场主体经营者/股东' END,
        survivors: size(survivors), survivor_ages: ages,
        entitled: ['临时救助', '低保', '纳入防返贫监测', '事实无人抚养儿童保障（如适用）']} AS facts,
       income_paths AS paths
