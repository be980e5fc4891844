/*
id: person_household
title: {zh: 人员所在户、家庭成员及救助情况, en: "A person's household, members and grants"}
description: >
  输入或选择身份证号，列出其所在户的全部成员（与户主关系）以及该户享受的救助。
  Lists every member of the person's household and the household's grants.
audience: [verifier, dispatcher, reviewer, analyst]
returns: table
params:
  citizen_id:
    type: string
    required: true
    zh: 身份证号
    en: Citizen ID
    example: "451299198001010000"
    choices:
      names: person
      open: true
      query: >
        MATCH (g:Grant)-[:HELD_BY]->(p:Person)
        RETURN p.citizen_id, p.name ORDER BY p.name, p.citizen_id LIMIT 500
columns:
  household_id: 户号
  citizen_id: 身份证号
  name: 姓名
  relation_to_head: {zh: 与户主关系, names: relation}
  grants: 享受救助
*/
MATCH (p:Person {citizen_id: $citizen_id})-[:MEMBER_OF]->(h:Household)
MATCH (m:Person)-[rel:MEMBER_OF]->(h)
OPTIONAL MATCH (h)-[:RECEIVES]->(g:Grant)
RETURN h.household_id AS household_id,
       m.citizen_id AS citizen_id,
       m.name AS name,
       rel.relation AS relation_to_head,
       collect(DISTINCT g.grant_id) AS grants
ORDER BY household_id, relation_to_head, name
