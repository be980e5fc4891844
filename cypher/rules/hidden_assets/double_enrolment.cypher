/*
id: double_enrolment
title: {zh: 同一人员同时重复享受低保或特困供养, en: The same person enrolled twice at the same time}
family: hidden_assets
status: stable
severity: high
weight: 0.9
legal_basis: >
  《社会救助暂行办法》（国务院令第649号）：最低生活保障与特困人员供养以家庭/个人为单位，
  不得在两地或两户重复享受；重复领取属于骗取社会救助资金（第六十八条）。
narrative: "{person}同时享受两项救助：{first_grant}（{first_village}，{first_start}起）与{second_grant}（{second_village}，{second_start}起），期间重叠。"
evidence: 人员 → 两项救助（保障期间重叠）及各自所属户、村
false_positives:
  - 同名同姓但身份证号不同者不计（按身份证号关联）
  - 户籍迁移期间新旧两地交接重叠一个月以内，需核实停发时间
params:
  as_of: {type: date, zh: 基准日, en: As of}
  programmes: {type: list, default: [dibao, destitute], zh: 计入的救助类别, en: Programmes counted}
*/
MATCH p1 = (x:Person)-[b1:BENEFICIARY_OF]->(g1:Grant)
MATCH p2 = (x)-[b2:BENEFICIARY_OF]->(g2:Grant)
WHERE g1.grant_id < g2.grant_id
  AND g1.programme IN $programmes AND g2.programme IN $programmes
  AND coalesce(b1.start, g1.start) <= coalesce(b2.end, g2.end, $as_of)
  AND coalesce(b2.start, g2.start) <= coalesce(b1.end, g1.end, $as_of)
OPTIONAL MATCH (x)-[:MEMBER_OF]->(hh:Household)
RETURN x.citizen_id AS subject_id, hh.household_id AS household_id, g1.grant_id AS grant_id,
       x.citizen_id AS related_id,
       {person: x.name, first_grant: g1.grant_id, first_village: g1.region_code, first_start: g1.start,
        second_grant: g2.grant_id, second_village: g2.region_code, second_start: g2.start} AS facts,
       [p1, p2] AS paths
