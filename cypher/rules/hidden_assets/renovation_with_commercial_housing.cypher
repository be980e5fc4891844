/*
id: renovation_with_commercial_housing
title: {zh: 危房改造补助对象家庭在批准时已有商品住房, en: A renovation subsidy approved for a household that owns commercial housing}
family: hidden_assets
status: stable
severity: high
weight: 0.85
legal_basis: >
  住房和城乡建设部、财政部、民政部、国家乡村振兴局《关于做好农村低收入群体等重点对象住房安全保障
  工作的实施意见》（建村〔2021〕35号）：农村危房改造支持住房不安全的农村低收入群体等重点对象，
  保障其基本住房安全。家庭已拥有城镇商品住房等其他安全住房的，住房安全已有保障，不属于改造支持
  对象；不符合条件而获得补助的，应追回补助资金。
narrative: "{renovation_id}号农村危房改造（{category}，{method}，补助{amount}元）于{approved}批准时，申请人户籍户内成员{owner}名下有商品住房（{cert_no}，{owned_from}登记）。"
evidence: 危改档案 → 申请人 → 户籍户（批准日在册） → 户内成员 → 商品住房（批准日仍持有）
false_positives:
  - 改造批准后才购买的商品住房不计（可另行核查补助后购房）
  - 批准前已转让注销的商品住房不计
  - 宅基地自建房不计；已分户的子女名下住房不属于本户
params:
  as_of: {type: date, zh: 基准日, en: As of}
  property_types: {type: list, default: [commercial], zh: 计入的房屋类型, en: Property types counted}
*/
MATCH p1 = (r:Renovation)<-[:RENOVATION_AID]-(x:Person)-[mx:MEMBER_OF]->(hh:Household)
WHERE coalesce(mx.start, '') <= r.approved AND (mx.end IS NULL OR mx.end >= r.approved)
MATCH p2 = (hh)<-[mm:MEMBER_OF]-(m:Person)-[o:OWNS]->(pr:Property)
WHERE pr.property_type IN $property_types
  AND coalesce(mm.start, '') <= r.approved AND (mm.end IS NULL OR mm.end >= r.approved)
  AND o.start <= r.approved AND (o.end IS NULL OR o.end >= r.approved)
RETURN x.citizen_id AS subject_id, hh.household_id AS household_id, null AS grant_id,
       m.citizen_id AS related_id,
       {renovation_id: r.renovation_id, category: r.category, method: r.method, amount: r.amount,
        approved: r.approved, owner: m.name, cert_no: pr.cert_no, owned_from: o.start, owned_to: o.end} AS facts,
       [p1, p2] AS paths
