/*
id: renovation_not_priority_object
title: {zh: 危房改造按低保户/特困户补助但批准时并无相应救助, en: A renovation subsidy granted as to a dibao or destitute household that held no such grant}
family: hidden_assets
status: stable
severity: medium
weight: 0.7
legal_basis: >
  《关于做好农村低收入群体等重点对象住房安全保障工作的实施意见》（建村〔2021〕35号）：农村危房改造
  支持对象为农村低保户、农村分散供养特困人员、低保边缘家庭等重点对象，其身份由民政等部门认定；
  对象身份不实而获得补助的，应追回资金。本规则只核对民政救助台账可核验的类别（低保户、特困人员）。
narrative: "{renovation_id}号农村危房改造（补助{amount}元）按{category}于{approved}批准，但申请人户籍户在批准日及此前{tolerance_months}个月内（{window_from}起）未享受相应救助。"
evidence: 危改档案（对象类别） → 申请人 → 户籍户（批准日在册）；该户及申请人在批准前后均无相应类别的救助记录
false_positives:
  - 批准日前 tolerance_months 个月内仍享受救助的（申请时身份属实）不计
  - 低保边缘家庭、脱贫户、监测对象等类别不在救助台账中，默认不核对
  - 救助台账缺失年份的，需调取纸质档案核实
params:
  as_of: {type: date, zh: 基准日, en: As of}
  checked_categories: {type: list, default: [dibao, destitute], zh: 核对的对象类别, en: Categories checked}
  # Identity is checked at application; approval follows within months.
  tolerance_months: {type: int, default: 6, zh: 批准前容许月数, en: Months before approval still counted}
*/
MATCH p = (r:Renovation)<-[:RENOVATION_AID]-(x:Person)-[mx:MEMBER_OF]->(hh:Household)
WHERE r.category IN $checked_categories
  AND coalesce(mx.start, '') <= r.approved AND (mx.end IS NULL OR mx.end >= r.approved)
WITH r, x, hh, p,
     toInteger(substring(r.approved, 0, 4)) * 12 + toInteger(substring(r.approved, 5, 2)) - 1 - $tolerance_months AS mi
WITH r, x, hh, p, toString(mi / 12) + '-' +
     CASE WHEN mi % 12 < 9 THEN '0' + toString(mi % 12 + 1) ELSE toString(mi % 12 + 1) END + '-01' AS window_from
WITH r, x, hh, p, window_from,
     size([(hh)-[:RECEIVES]->(g:Grant) WHERE g.programme = r.category AND g.start <= r.approved
           AND coalesce(g.end, $as_of) >= window_from | g]) AS household_held,
     size([(x)-[b:BENEFICIARY_OF]->(g:Grant) WHERE g.programme = r.category
           AND coalesce(b.start, g.start) <= r.approved AND coalesce(b.end, g.end, $as_of) >= window_from | g]) AS applicant_held
WHERE household_held = 0 AND applicant_held = 0
RETURN x.citizen_id AS subject_id, hh.household_id AS household_id, null AS grant_id, null AS related_id,
       {renovation_id: r.renovation_id, category: r.category, amount: r.amount, approved: r.approved,
        window_from: window_from, tolerance_months: $tolerance_months} AS facts,
       [p] AS paths
