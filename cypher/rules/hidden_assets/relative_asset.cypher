/*
id: relative_asset
title: {zh: 负有赡养/扶养义务的近亲属（另立户）有车、商品房或经营企业, en: A relative who owes support (in another household) holds a car, commercial housing or a business}
family: hidden_assets
status: stable
severity: medium
weight: 0.7
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）规定，认定家庭经济状况时应考虑法定赡养、
  扶养、抚养义务人的负担能力；义务人有车辆、商品住房或经营企业的，应核查其履行义务情况。
narrative: "申请人的{relation}{relative}（负有赡养/扶养义务、不在保障成员内）名下有{asset}（{asset_id}），期间{from_date}至{to_date}，与该户{programme}（{grant_start}起）享受期间重叠。"
evidence: 救助对象 → 亲属关系（一层：配偶、父母、子女，另可按参数加入） → 义务人（不在保障成员内、救助期间不在同一户籍户） → 车辆/商品住房/市场主体（期间与救助重叠）
false_positives:
  - 兄弟姐妹、祖孙仅在特定条件下负扶养义务（《民法典》第1074、1075条），默认不计；需要时加入 duty_kinds
  - 与申请人同一户籍户的亲属属于家庭成员，由成员规则核查，不计入本规则
  - 义务人本身为低收入人口或已履行赡养义务，需核实
params:
  as_of: {type: date, zh: 基准日, en: As of}
  vehicle_types: {type: list, default: [car, truck], zh: 计入的车辆类型, en: Vehicle types counted}
  # 《民法典》第1059条（夫妻）、第1067条（父母子女）；第1074、1075条（祖孙、兄弟姐妹，附条件）。
  # Kinds from the holder's view: spouse, parent, child, sibling, grandparent, grandchild.
  duty_kinds: {type: list, default: [spouse, parent, child], zh: 计入的义务人亲属关系, en: Kinds of relative who owe support}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
// Kin first, then their assets: a plan that starts from the owners scans every person (6× slower at 300 k).
WITH hh, g, h
MATCH (h)-[k:KIN]-(r:Person)
WHERE r <> h
WITH hh, g, h, k, r
MATCH p = (g)-[:HELD_BY]->(h)-[k]-(r)-[o:OWNS|LEGAL_REP|SHAREHOLDER|EXECUTIVE]->(x)
WHERE ((x:Vehicle AND x.vehicle_type IN $vehicle_types) OR (x:Property AND x.property_type = 'commercial') OR x:Company)
// What r is to the holder (a directed kind reads from its start node; walked backwards it inverts),
// and whether r is in the grant household's register during the grant ("another household" if not).
WITH hh, g, h, r, o, x, p,
     CASE WHEN startNode(k) = h THEN k.kind
          WHEN k.kind = 'parent' THEN 'child' WHEN k.kind = 'child' THEN 'parent'
          WHEN k.kind = 'grandparent' THEN 'grandchild' WHEN k.kind = 'grandchild' THEN 'grandparent'
          ELSE k.kind END AS duty,
     size([(r)-[m:MEMBER_OF]->(hh) WHERE coalesce(m.start, '') <= coalesce(g.end, $as_of)
           AND (m.end IS NULL OR m.end >= g.start) | m]) AS same_register,
     size([(r)-[b:BENEFICIARY_OF]->(g) | b]) AS covered
WHERE duty IN $duty_kinds AND same_register = 0 AND covered = 0
// A business role without its own dates spans the company's life.
WITH hh, g, h, r, o, x, p, duty,
     CASE WHEN NOT x:Company THEN o.start
          WHEN o.start IS NULL OR o.start < x.established THEN x.established ELSE o.start END AS from_date,
     CASE WHEN NOT x:Company OR x.deregistered IS NULL THEN o.end
          WHEN o.end IS NULL OR o.end > x.deregistered THEN x.deregistered ELSE o.end END AS to_date
WHERE coalesce(from_date, '') <= coalesce(g.end, $as_of) AND (to_date IS NULL OR to_date >= g.start)
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       r.citizen_id AS related_id,
       {relative: r.name, duty: duty,
        asset: CASE WHEN x:Vehicle THEN '机动车' WHEN x:Property THEN '商品住房' ELSE '市场主体' END,
        asset_id: coalesce(x.plate, x.vin, x.cert_no, x.credit_code), from_date: from_date, to_date: to_date,
        programme: g.programme, grant_start: g.start, grant_end: g.end} AS facts,
       [p] AS paths
