/*
id: derive.beneficiaries_from_register_retract
title: {zh: 撤销不再成立的派生保障成员, en: Retract derived beneficiaries that no longer hold}
description: >
  派生的保障成员在以下情况删除：该救助此后导入了列明的保障成员名单（且未声明 from_register），
  或该人在救助期间已不是该户户籍成员（户籍变更后的新一期数据）。只删除派生事实，列明的从不删除。
  A derived beneficiary is removed when the grant has since received a listed member file (and is
  not declared from_register), or when the person is no longer a register member of the grant's
  household during the grant. Only derived facts are ever removed.
provenance: removes only BENEFICIARY_OF with src_agency = derived and src_file = beneficiaries_from_register
params: {}
*/
// The listed members are counted once per grant, before its derived beneficiaries are walked:
// counted per derived fact they took 0.4 s at 300 k persons.
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)
WITH hh, g, coalesce(g.beneficiaries, '') = 'from_register' AS declared,
     size([(:Person)-[l:BENEFICIARY_OF]->(g) WHERE coalesce(l.src_agency, '') <> 'derived' | l]) AS listed
MATCH (g)<-[b:BENEFICIARY_OF {src_agency: 'derived', src_file: 'beneficiaries_from_register'}]-(x:Person)
WITH b, declared, listed,
     size([(x)-[m:MEMBER_OF]->(hh) WHERE coalesce(m.start, '') <= coalesce(g.end, '9999-12-31')
           AND (m.end IS NULL OR m.end >= coalesce(g.start, '')) | m]) AS member
WHERE (listed > 0 AND NOT declared) OR member = 0
DELETE b
