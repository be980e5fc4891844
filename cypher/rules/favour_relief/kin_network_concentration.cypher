/*
id: kin_network_concentration
title: {zh: 干部亲属圈在其辖区内集中享受救助, en: A cadre's kin network in the cadre's jurisdiction holds far more grants than the local rate explains}
family: favour_relief
status: stable
severity: medium
weight: 0.6
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）要求对村干部近亲属享受低保实行备案并重点核查；
  亲属圈集中享受即使均已备案，也是"人情保"的典型信号。
narrative: "{unit}干部{cadre}两层以内的亲属在本辖区共{kin_households}户，按本辖区救助覆盖率{area_rate_pct}%预期约{expected}户享受低保或特困供养，实际{network_grants}户（泊松检验 p<{p_threshold}），本户为其中之一（申请人是其{relation}）。"
evidence: 干部 → 任职（村/镇，辖区）；干部 → 亲属关系（两层以内，跨户） → 各救助对象 → 救助（在其辖区内）；辖区户数与救助户数（覆盖率）
method: >
  只计干部辖区内（任职单位代码为村 12 位或镇 9 位；救助的村代码、无则受助户的村代码以之开头）的救助。
  n = 干部两层以内亲属所在的辖区内户数（不含干部本户），覆盖率 rate = 辖区内享受所列救助的户数 / 辖区户籍户数，
  预期 λ = n × rate。实际享受户数为 k 时，按泊松分布计算 P(X ≥ k | λ)，小于 p_value（且 k ≥ min_grants）即标记。
  默认 p_value = 0.005：辖区覆盖率约 12% 时，亲属 4 户全部享受的尾概率约 0.002（标记），3 户中 2 户约 0.02（不标记）。
  尾概率由有限项求和得到：k > λ 时对 k..k+100 项求和，否则取 1 − Σ_{i<k}；λ 超过 700 时 e^−λ 下溢，不适用。
  Only grants in the cadre's jurisdiction count (grant village, else the receiving household's, starts
  with the post's code). n = the cadre's kin households (two hops, not the cadre's own) in the
  jurisdiction; rate = households there with a grant of the listed programmes / register households
  there; λ = n × rate; flag when the Poisson tail P(X ≥ k | λ) < p_value and k ≥ min_grants.
false_positives:
  - 因灾、因病集中致贫的家族，需核实致贫原因
  - 亲属在其他村、镇享受的不计（不在干部辖区）
  - 覆盖率按户籍户计，家族人口集中的小村预期值偏低，需结合村情核实
params:
  as_of: {type: date, zh: 基准日, en: As of}
  p_value: {type: float, default: 0.005, zh: 显著性阈值（泊松尾概率）, en: Poisson tail threshold}
  min_grants: {type: int, default: 2, zh: 最少救助户数（下限）, en: Minimum grants in the network (floor)}
  programmes: {type: list, default: [dibao, destitute], zh: 计入的救助类别, en: Programmes counted}
*/
// The base rate per jurisdiction is computed once per area code, not once per cadre: households and
// covered households are counted per village by its code, then summed over the area's villages.
MATCH (x:Household)
WITH x.region_code AS village, count(x) AS households
WITH collect([village, households]) AS registered
OPTIONAL MATCH (y:Household)-[:RECEIVES]->(yg:Grant)
WHERE yg.programme IN $programmes
WITH registered, y.region_code AS village, count(DISTINCT y) AS covered
WITH registered, collect([village, covered]) AS covered
MATCH (o:Org)
WHERE size(o.region_code) = 12 OR size(o.region_code) = 9
WITH registered, covered, collect(DISTINCT o.region_code) AS areas
UNWIND areas AS area
WITH area, reduce(t = 0, v IN registered | t + CASE WHEN v[0] STARTS WITH area THEN v[1] ELSE 0 END) AS households,
     reduce(t = 0, v IN covered | t + CASE WHEN v[0] STARTS WITH area THEN v[1] ELSE 0 END) AS covered
WHERE households > 0
WITH collect([area, toFloat(covered) / households]) AS rates
MATCH (c:Person)-[:HOLDS_POST]->(o:Org)
WITH c, o.region_code AS area, o.name AS unit, [r IN rates WHERE r[0] = o.region_code | r[1]] AS rate
WHERE size(rate) > 0
WITH DISTINCT c, area, unit, rate[0] AS rate
OPTIONAL MATCH (c)-[:MEMBER_OF]->(ch:Household)
WITH c, area, unit, rate, collect(ch) AS own
MATCH (c)-[:KIN*1..2]-(h:Person)<-[:HELD_BY]-(g:Grant)<-[:RECEIVES]-(hh:Household)
WHERE h <> c AND g.programme IN $programmes AND NOT hh IN own
  AND coalesce(g.region_code, hh.region_code) STARTS WITH area
WITH c, area, unit, rate, own, collect(DISTINCT hh) AS granted
WHERE size(granted) >= $min_grants
OPTIONAL MATCH (c)-[:KIN*1..2]-(r:Person)-[:MEMBER_OF]->(kh:Household)
WHERE r <> c AND kh.region_code STARTS WITH area AND NOT kh IN own
WITH c, area, unit, rate, granted, collect(DISTINCT kh) AS kin
WITH c, area, unit, rate, granted, size(granted) AS k, size(kin + [x IN granted WHERE NOT x IN kin]) AS n
WITH c, area, unit, rate, granted, k, n, n * rate AS lambda
// Poisson tail P(X >= k | lambda): P(X = k), then the sum upwards (k > lambda) or the complement of the sum below.
WITH c, area, unit, rate, granted, k, n, lambda,
     reduce(t = exp(-lambda), i IN range(1, k) | t * lambda / i) AS pk,
     reduce(a = [exp(-lambda), 0.0], i IN range(0, k - 1) | [a[0] * lambda / (i + 1), a[1] + a[0]])[1] AS below
WITH c, area, unit, rate, granted, k, n, lambda,
     CASE WHEN k > lambda
          THEN reduce(a = [pk, pk], i IN range(k + 1, k + 100) | [a[0] * lambda / i, a[1] + a[0] * lambda / i])[1]
          ELSE 1.0 - below END AS tail
WHERE tail < $p_value
UNWIND granted AS hh
MATCH (hh)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
WHERE h <> c AND g.programme IN $programmes AND coalesce(g.region_code, hh.region_code) STARTS WITH area
MATCH kp = (c)-[:KIN*1..2]-(h)
WITH c, area, unit, rate, k, n, lambda, tail, g, hh, h, kp ORDER BY length(kp)
WITH c, area, unit, rate, k, n, lambda, tail, g, hh, h, collect(kp) AS kin
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id,
       c.citizen_id AS related_id,
       {cadre: c.name, unit: unit, unit_code: area, network_grants: k, kin_households: n,
        area_rate_pct: round(rate * 1000) / 10.0, expected: round(lambda * 100) / 100.0, tail_p: tail,
        p_threshold: $p_value, programme: g.programme, grant_start: g.start,
        kin_kinds: [r IN relationships(kin[0]) | r.kind]} AS facts,
       [kin[0]] AS paths
