/*
id: pension_above_dibao_line
title: {zh: 保障成员养老金人均超过当地低保标准, en: Covered members' pensions per member exceed the local dibao line}
family: hidden_assets
status: stable
severity: medium
weight: 0.8
legal_basis: >
  《最低生活保障审核确认办法》（民发〔2021〕57号）：共同生活的家庭成员人均收入低于当地最低生活保障标准，
  且财产状况符合规定的，给予最低生活保障；家庭收入包括养老金等转移性收入。
  《社会救助暂行办法》（国务院令第649号）第九条、第十三条：最低生活保障家庭的人口状况、收入状况发生变化的，
  应当及时告知，并相应增发、减发或者停发最低生活保障金。
narrative: "该户{covered}名保障成员中，{pensioners}领取养老金合计{pension_total}元/月，人均{per_capita}元，超过低保标准{dibao_line}元/人·月（{programme}，{grant_start}起）。"
evidence: 救助对象 → 保障成员 → 社保经办机构（养老金领取期间与其保障期间按月重叠）
false_positives:
  - 养老金按保障成员人数人均计算；多人口家庭人均低于标准的不计
  - 城乡居民基本养老金等基础养老金数额低，通常不超标；部分地区将其全部或部分不计入家庭收入，需按当地规定核定
  - 低保标准按县（市）公布的城乡标准设定参数 dibao_line，本规则不区分城乡
params:
  as_of: {type: date, zh: 基准日, en: As of}
  dibao_line: {type: float, default: 700, zh: 当地低保标准(元/人·月), en: Local dibao line (CNY per person per month)}
  programmes: {type: list, default: [dibao], zh: 按收入核定的救助类别, en: Income-tested programmes}
*/
MATCH (hh:Household)-[:RECEIVES]->(g:Grant)-[:HELD_BY]->(h:Person)
WHERE g.programme IN $programmes
MATCH (g)<-[:BENEFICIARY_OF]-(c:Person)
WITH hh, g, h, count(DISTINCT c) AS covered
MATCH p = (g)<-[b:BENEFICIARY_OF]-(m:Person)-[pen:PENSION]->(o:Org)
WITH hh, g, h, covered, m, pen, p,
     substring(coalesce(b.start, g.start), 0, 7) AS cover_from, substring(coalesce(b.end, g.end, $as_of), 0, 7) AS cover_to
WHERE substring(pen.start, 0, 7) <= cover_to AND (pen.end IS NULL OR substring(pen.end, 0, 7) >= cover_from)
WITH hh, g, h, covered, collect(p) AS paths, sum(pen.monthly) AS total,
     collect(m.name + '（' + CASE pen.scheme WHEN 'enterprise' THEN '企业职工养老金' WHEN 'public' THEN '机关事业单位养老金'
                                ELSE '城乡居民养老金' END + toString(pen.monthly) + '元）') AS pensioners
WITH hh, g, h, covered, paths, total, pensioners, total / covered AS per_capita
WHERE per_capita > $dibao_line
RETURN h.citizen_id AS subject_id, hh.household_id AS household_id, g.grant_id AS grant_id, null AS related_id,
       {covered: covered, pensioners: reduce(t = '', s IN pensioners | t + CASE WHEN t = '' THEN '' ELSE '、' END + s),
        pension_total: total, per_capita: round(per_capita), dibao_line: $dibao_line,
        programme: g.programme, grant_start: g.start, grant_end: g.end} AS facts,
       paths
