/*
id: disability_subsidy_without_cert
title: {zh: 残疾人证注销或过期后仍发放两项补贴, en: Disability subsidies paid without a valid certificate}
family: hidden_assets
status: stable
severity: medium
weight: 0.8
legal_basis: >
  《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）：
  补贴对象为持有第二代《中华人民共和国残疾人证》的残疾人；残疾人证注销、残疾等级变更不再符合条件的，
  应当及时停发或调整补贴。《残疾人证管理办法》（残联发〔2017〕32号）：残疾人证有效期满未换领的失效。
narrative: "{recipient}的{subsidy_zh}在其残疾人证无效的{months_without}个月（{months}）仍在发放，合计{amount}元；{cert_state}。"
evidence: 两项补贴发放记录（补贴月份内该人没有任何有效的残疾人证） → 补贴对象 → 其残疾人证（发证、有效期至、注销日期）
false_positives:
  - 到期前后换领新证的（新证发证月份不晚于补贴月份）不计
  - 注销当月、到期当月的补贴不计（当月证件有效）
  - 残联证件库与发放系统证件号不一致（录入错误）时，需核对纸质证件
params:
  as_of: {type: date, zh: 基准日, en: As of}
*/
// A recipient's months are checked against the certificates once each, not once per payment;
// only the payments of months without a valid certificate are read again. SUBSIDY_TO ends at a
// Person by the schema; leaving the label off spares FalkorDB a label test per payment.
MATCH (s:SubsidyPayment)-[:SUBSIDY_TO]->(x)
WITH x, collect(s.month) AS months
WITH x, [m IN months WHERE x.death_date IS NULL OR m <= substring(x.death_date, 0, 7)] AS months
OPTIONAL MATCH (x)-[:HAS_DISABILITY_CERT]->(c:DisabilityCert)
WITH x, months, collect(c) AS certs
WITH x, [m IN months WHERE none(v IN certs WHERE substring(v.issued, 0, 7) <= m
                            AND (v.valid_to IS NULL OR substring(v.valid_to, 0, 7) >= m)
                            AND (v.revoked IS NULL OR substring(v.revoked, 0, 7) >= m))] AS bare
WHERE size(bare) > 0
MATCH ps = (s:SubsidyPayment)-[:SUBSIDY_TO]->(x)
WHERE s.month IN bare
WITH x, s, ps ORDER BY s.month
WITH x, collect(ps) AS pay_paths, collect(DISTINCT s.month) AS months, sum(s.amount) AS amount,
     collect(DISTINCT s.kind) AS kinds
OPTIONAL MATCH pc = (x)-[:HAS_DISABILITY_CERT]->(c:DisabilityCert)
WITH x, pay_paths, months, amount, kinds, pc, c ORDER BY c.issued DESC
WITH x, pay_paths, months, amount, kinds, collect(pc) AS cert_paths, collect(c)[0] AS last
OPTIONAL MATCH (x)-[m:MEMBER_OF]->(hh:Household)
WITH x, pay_paths, months, amount, kinds, cert_paths, last, hh ORDER BY coalesce(m.end, '9999-12-31') DESC
WITH x, pay_paths, months, amount, kinds, cert_paths, last, collect(hh.household_id)[0] AS household_id
RETURN x.citizen_id AS subject_id, household_id, null AS grant_id, null AS related_id,
       {recipient: x.name, subsidy: kinds,
        subsidy_zh: reduce(t = '', k IN kinds | t + CASE WHEN t = '' THEN '' ELSE '、' END +
                           CASE k WHEN 'living' THEN '困难残疾人生活补贴' ELSE '重度残疾人护理补贴' END),
        months_without: size(months), months: months, amount: amount,
        cert_no: last.cert_no, cert_issued: last.issued, cert_valid_to: last.valid_to, cert_revoked: last.revoked,
        cert_state: CASE WHEN last IS NULL THEN '残联无其残疾人证记录'
                         WHEN last.revoked IS NOT NULL THEN '残疾人证' + last.cert_no + '已于' + last.revoked + '注销'
                         ELSE '残疾人证' + last.cert_no + '有效期至' + coalesce(last.valid_to, '（未登记）') + '，未换领' END}
         AS facts,
       pay_paths[0..3] + cert_paths AS paths
