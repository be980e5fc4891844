/*
id: derive.beneficiaries_from_register
title: {zh: 由户籍成员补充救助保障成员, en: Grant beneficiaries from the household register}
description: >
  保障成员（谁享受该项救助）只有一个定义：BENEFICIARY_OF。救助台账只列申请人和户号时
  （映射声明 beneficiaries: from_register，救助节点带 beneficiaries = 'from_register'），
  或根本没有导入保障成员名单时，保障成员即救助期间该户户籍成员；起止日期取户籍登记与救助期间的交集。
  已列明的保障成员不被覆盖。
  Who a grant covers has one definition, BENEFICIARY_OF. When the grant extract lists only the
  applicant and the household number (the mapping declares `beneficiaries: from_register`, so the
  Grant carries that property), or no member list was loaded for the grant at all, the
  beneficiaries are the register members of the grant's household during the grant, with start
  and end clipped to the overlap of membership and grant. Listed beneficiaries are never changed.
provenance: >
  src_agency = derived, src_file = beneficiaries_from_register (the register's MEMBER_OF);
  re-running MERGEs the same facts (and refreshes their dates), so nothing is doubled.
  The companion file beneficiaries_from_register_retract removes those that no longer hold.
params:
  batch: {type: string, default: derive.beneficiaries_from_register, zh: 派生批次, en: Derivation batch}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)
WITH hh, g, size([(:Person)-[l:BENEFICIARY_OF]->(g) WHERE coalesce(l.src_agency, '') <> 'derived' | l]) AS listed
WHERE g.beneficiaries = 'from_register' OR listed = 0
MATCH (x:Person)-[m:MEMBER_OF]->(hh)
WHERE coalesce(m.start, '') <= coalesce(g.end, '9999-12-31') AND (m.end IS NULL OR m.end >= coalesce(g.start, ''))
WITH g, x, m,
     CASE WHEN m.start IS NOT NULL AND (g.start IS NULL OR m.start > g.start) THEN m.start ELSE g.start END AS s,
     CASE WHEN m.end IS NOT NULL AND (g.end IS NULL OR m.end < g.end) THEN m.end ELSE g.end END AS e
MERGE (x)-[b:BENEFICIARY_OF]->(g)
ON CREATE SET b.src_agency = 'derived', b.src_file = 'beneficiaries_from_register', b.src_batch = $batch,
              b.relation = m.relation, b.start = s, b.end = e
ON MATCH SET b.start = CASE WHEN b.src_agency = 'derived' THEN s ELSE b.start END,
             b.end = CASE WHEN b.src_agency = 'derived' THEN e ELSE b.end END,
             b.relation = CASE WHEN b.src_agency = 'derived' THEN m.relation ELSE b.relation END
