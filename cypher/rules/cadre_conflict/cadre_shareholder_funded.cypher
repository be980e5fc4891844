/*
id: cadre_shareholder_funded
title: {zh: 干部本人为中标企业股东, en: The cadre is a shareholder of a funded company}
family: cadre_conflict
status: stable
severity: high
weight: 0.9
legal_basis: >
  《中国共产党纪律处分条例》关于违规经商办企业、利用职权谋取利益的规定；
  干部在任期内持股的企业承接项目资金，应核查是否利用职务影响。
narrative: "干部本人持有{company}{share}%股份（{share_from}起），该企业于{awarded}中标项目“{project}”，在其任期内。"
evidence: 干部 → 任职（任期）；干部 → 股东（持股期间） → 企业 → 中标项目（中标日期在任期与持股期内）
false_positives:
  - 中标前已退出股份的不计
  - 中标早于任期的不计
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (c:Person)-[post:HOLDS_POST]->(o:Org)
WHERE size(o.region_code) = 12 OR size(o.region_code) = 9
MATCH p = (c)-[sh:SHAREHOLDER]->(co:Company)-[:AWARDED]->(pj:Project)
WHERE post.start <= pj.awarded AND (post.end IS NULL OR pj.awarded <= post.end)
  AND sh.start <= pj.awarded AND (sh.end IS NULL OR pj.awarded <= sh.end)
OPTIONAL MATCH (c)-[:MEMBER_OF]->(hh:Household)
RETURN c.citizen_id AS subject_id, hh.household_id AS household_id, null AS grant_id,
       c.citizen_id AS related_id,
       {company: co.name, credit_code: co.credit_code, share: round(sh.share * 1000) / 10.0, share_from: sh.start, share_to: sh.end,
        project: pj.name, project_id: pj.project_id, awarded: pj.awarded, unit: o.name,
        term_start: post.start, term_end: post.end} AS facts,
       [p] AS paths
