/*
id: company_role
title: {zh: 救助期间家庭成员为市场主体法定代表人、股东或高管, en: A member runs, owns or manages a business during the grant}
family: hidden_assets
status: stable
severity: high
weight: 0.85
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）规定核查家庭成员经营性收入与财产，
  担任企业法定代表人、股东、高管或经营个体工商户的，应核实其经营收入。
narrative: "该户成员{member}为{company}（{credit_code}，{company_type}，{status}）的{role}，期间{role_from}至{role_to}，与该户{programme}（{grant_start}起）享受期间重叠。"
evidence: 救助对象 → 保障成员 → 法定代表人/股东/高管 → 市场主体（存续期间与任职期间、救助期间重叠）
false_positives:
  - 申请前已注销的企业或个体户不计
  - 挂名法定代表人、被冒用身份登记的情形，需核实
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
MATCH p = (g)<-[b:BENEFICIARY_OF]-(m:Person)-[role:LEGAL_REP|SHAREHOLDER|EXECUTIVE]->(c:Company)
WITH hh, g, h, m, role, c, p, coalesce(b.start, g.start) AS cover_from, coalesce(b.end, g.end) AS cover_to,
     CASE WHEN role.start IS NULL OR role.start < c.established THEN c.established ELSE role.start END AS from_date,
     CASE WHEN c.deregistered IS NULL THEN role.end
          WHEN role.end IS NULL OR role.end > c.deregistered THEN c.deregistered
          ELSE role.end END AS to_date
WHERE coalesce(from_date, '') <= coalesce(cover_to, $as_of)
  AND (to_date IS NULL OR to_date >= cover_from)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       m.citizen_id AS related_id,
       {member: m.name, role: type(role), company: c.name, credit_code: c.credit_code,
        company_type: c.company_type, status: c.status, role_from: from_date, role_to: to_date,
        programme: g.programme, grant_start: g.start, grant_end: g.end,
        covered_from: cover_from, covered_to: cover_to} AS facts,
       [p] AS paths
