"""The README.md written next to the extracts (中文 + English)."""
from __future__ import annotations

from .dates import STYLES

_STYLE_EXAMPLE = {"iso": "2020-01-05", "slash": "2020/1/5", "cn": "2020年1月5日", "compact": "20200105"}
_ENC = {"gbk": "GBK CSV (CRLF)", "utf-8": "UTF-8 CSV", "utf-8-sig": "UTF-8 CSV with BOM", "xlsx": "Excel .xlsx (one sheet, all cells text)"}

PATTERNS = """\
| family | pattern | 真实线索 true case | 干扰项 decoys (is_decoy=1, note names the kind) |
|---|---|---|---|
| hidden_assets | car_during_grant | 成员在享受期间名下有汽车 a member owns a car during the grant | sold_before_grant, disability_vehicle, farm_tricycle; background: car_sold_before_grant, namesake_same_town |
| hidden_assets | commercial_housing | 成员在县城有商品房 commercial housing in the county town | homestead_only |
| hidden_assets | multiple_properties | 成员有两处以上不动产 two or more properties | homestead_only |
| hidden_assets | company_role | 成员为法定代表人/股东/高管或经营个体户 legal rep, shareholder, executive, individual business | deregistered_before_grant; background: deregistered_business |
| hidden_assets | public_payroll | 成员为财政供养人员 a member on the public payroll | retired_before_grant, namesake_on_payroll; background: retired_public_staff |
| hidden_assets | paid_after_death | 申请人死亡后仍发放 paid after the holder's death month | paid_in_death_month |
| hidden_assets | double_enrolment | 同一身份证号两地享受 the same ID holds two grants | namesake_other_id |
| hidden_assets | relative_asset | 有赡养义务的子女(另立户)有车/商品房/公司 a child in another household owns a car, flat or company | sibling_no_duty; background: kin_car_no_duty |
| hidden_assets | member_in_custody | 保障成员在救助期间在押服刑 a covered member in custody during the grant | released_before_grant, non_member_relative |
| hidden_assets | paid_after_cremation | 已火化(户籍无死亡)仍发放 paid after the payee's cremation month, no registered death | stopped_in_death_month |
| hidden_assets | housing_fund_during_grant | 成员在救助期间缴存住房公积金 a member contributes to the housing fund during the grant | sealed_before_grant |
| hidden_assets | disability_subsidy_after_death | 残疾人死亡后仍发放两项补贴 a disability subsidy paid for months after the recipient's death (subject: the recipient, no grant) | stopped_in_death_month |
| hidden_assets | disability_subsidy_without_cert | 残疾人证注销或过期未换领后仍发放 paid in months without a valid disability certificate | renewed_on_expiry, stopped_on_revocation; background: renewals, revocations |
| hidden_assets | disability_subsidy_twice | 同一补贴同月发放两次 the same subsidy paid twice for one month | back_payment (补发 for a missed month), both_subsidies (living and care) |
| hidden_assets | pension_above_dibao_line | 保障成员养老金人均超过低保标准(700元) covered members' pensions per member above the dibao line | shared_by_large_household; background: residents' pensions (150–300元) of every member aged 60+ |
| hidden_assets | public_pension_member | 保障成员领取机关事业单位养老金 a covered member draws a public-staff pension | parent_in_other_household, pension_after_grant |
| hidden_assets | taxable_wage_income | 成员救助期间年度工资薪金收入 ≥ 6万元 a member's annual wages reach the tax deduction during the grant | income_under_threshold, income_before_grant; background: small wages of ordinary members |
| hidden_assets | business_income_member | 成员救助期间年度经营所得 ≥ 6万元 a member's annual business income reaches the deduction during the grant | business_income_small, business_before_grant |
| hidden_assets | kin_high_income | 另立户的父母/子女年收入 ≥ 12万元 a parent or child in another household earns ≥ 120 000 a year during the grant | sibling_high_income, kin_income_under_threshold; background: modest wages of ordinary holders' children |
| hidden_assets | employee_insurance_during_grant | 成员救助期间以在职职工身份缴纳职工养老保险 a member pays employees' pension insurance as an employee during the grant | stopped_before_grant, resident_insurance; background: residents' scheme for ordinary members |
| hidden_assets | flexible_high_base | 成员救助期间以灵活就业身份按 ≥ 6000 元/月基数缴费 a member pays as a flexible worker on a base ≥ 6 000 | flexible_minimum_base, high_base_before_grant; background: lowest base for a few ordinary members |
| hidden_assets | renovation_with_commercial_housing | 危房改造批准时户内成员有商品房 a renovation subsidy to a household owning commercial housing | bought_after_renovation, sold_before_renovation |
| hidden_assets | renovation_twice | 同一户十年内两次危改补助 one household subsidised twice within ten years (subject: the second applicant) | disaster_rebuild, repeat_after_window |
| hidden_assets | renovation_not_priority_object | 按低保户补助但批准时无低保 subsidised as a dibao household without dibao | dibao_ended_after_approval, dibao_ended_before_approval |
| hidden_assets | cross_county_enrolment | 保障成员同时在外县享受低保/特困(月份重叠) a covered member is on a neighbouring county's roll in the same months | moved_between_counties (ended before the grant began), namesake (same name and sex, another ID); background: residents enrolled only in the other county |
| hidden_assets | student_aid_twice | 同一学生同一学期同一资助项目发放两次 the same student aid paid twice for one term (subject: the student, no grant) | combinable_programmes (国家助学金 + 免学杂费) |
| hidden_assets | student_aid_basis_lapsed | 家庭低保已停保仍按低保认定学生资助 aid certified on the dibao basis after the household's grant ended (subject: the student) | certified_before_grant_ended; background: students of enrolled households certified while the grant runs |
| favour_relief | cadre_relative_unfiled | 本村干部或本镇经办人员的近亲属享受且未备案 unfiled close relative of the village's cadre or town's handler | filed_properly, other_village_cadre, before_term |
| favour_relief | approved_by_relative | 审核人或审批人是申请人的近亲属 assessed/approved by a relative | approver_same_surname (no kinship) |
| favour_relief | kin_network_concentration | 村干部亲属在本村享受户数显著超出本村覆盖率 a village cadre's kin hold ≥4 grants in the cadre's village, more than its coverage explains (Poisson tail < 0.005) | small_network (2 grants), within_base_rate (as many grants as the village's coverage explains), kin_in_other_villages (5 grants, all in other villages) |
| favour_relief | shared_contact_hidden_tie | 与干部共用电话/住址/账户且无亲属关系 shares phone/address/account with a cadre, no kinship | kin recorded and filed |
| favour_relief | cadre_on_relief | 村干部本人在任期间为保障成员 a village cadre covered by the household's grant during the term | post_ended_before_grant |
| cadre_conflict | relative_company_project | 干部亲属控制的公司在其辖区任期内中标 relative's company won funds in the jurisdiction during the term | outside_jurisdiction, outside_term |
| cadre_conflict | relative_welfare_post | 干部亲属在本村任期内获公益性岗位 relative given a welfare post in the cadre's village during the term | other_village, before_term |
| cadre_conflict | cadre_shareholder_funded | 干部本人为中标公司股东 cadre is a shareholder of a funded company | exited_before_award, award_before_term |
| at_risk | large_medical_bill | 无救助的户近12个月医保个人自付 ≥2万元 a household without relief paid ≥ 20 000 yuan out of pocket in the last year | on_dibao, temporary_relief_given, reimbursed_by_insurance (large total, small 个人自付) |
| at_risk | main_earner_death | 有工资或经营收入的劳动年龄成员死亡，仅余老幼，无救助 the earner died, only children/elderly remain, no relief | elderly_non_earner, other_earner_remains, relief_after_death |
| at_risk | welfare_job_lost | 公益性岗位近12个月离岗，户内无其他收入，无救助 a public-welfare post ended in the last year, no other income, no relief | new_post (转岗), other_earner (payroll), relief_after_loss |
| at_risk | disaster_no_relief | 近12个月因灾房屋倒塌或严重损坏，无救助 house collapsed or severely damaged in a disaster in the last year, no relief | moderate_damage (一般损坏), relief_after_disaster, on_dibao |
| at_risk | disabled_earner | 唯一劳动年龄成员近12个月首次认定一、二级残疾，无救助 the only working-age member first certified grade 1–2 disabled in the last year, no relief | other_earner_remains, mild_grade (三/四级), renewed_certificate (换证), relief_after_certificate |
| at_risk | ill_after_dibao_exit | 近2年退出低保，退保后近12个月医保个人自付 ≥1万元，无救助 left dibao in the last 2 years, then ≥ 10 000 yuan out of pocket, no relief | bills_before_exit, relief_after_bills, small_bills |
| at_risk | earner_in_custody | 唯一劳动年龄成员近12个月入监（所）且仍在押，仅余老幼，无救助 the only working-age member taken into custody in the last year, only children/elderly remain, no relief | other_earner_remains, relief_after_custody (temporary relief), released |
"""


def render(params: dict, written: list, summary: dict) -> str:
    L = ["# 青禾县(虚构)跨部门数据抽取 / Synthetic county extracts", "",
         "全部数据均为合成数据，不含任何真实个人信息。All data here are synthetic; no real person is in them.", "",
         f"- 情景 scenario: `{params['scenario']}`; 随机种子 seed: {params['seed']}; 人口 persons: {params['persons']}",
         f"- 数据月份 data month: {params['month']}; 截至 data as of: {params['as_of']} (同一种子的第 2 月 = 一个月后的同一个县 / "
         "month 2 with the same seed is the same county one month later: a few grants closed, new deaths, one more payment month)",
         f"- 行政区划: 青禾县 451299 (虚构, fictional), {params['towns']} 个乡镇 towns, {params['villages']} 个村(社区) villages/communities",
         f"- 版式 layout: `{params['layout']}` (a = 第一种版式 first layout, b = 第二种版式 second real-world layout, "
         "mixed = 每个抽取二选一 one of the two per extract; 县和答案与版式无关 the county and the answers do not "
         "depend on it). 第二种版式: 救助花名册只列申请人和户号(无成员表), 车辆档案 2018 年前无车架号, 任期届满日期可在将来, "
         "持股比例带 %, 项目金额以万元计, 干部名册只有单位代码(名称见 单位名录.csv), 死亡汇总有 来源部门 列, "
         "亲属信息从任一方写关系. Second layout: grant roll with applicants and 户号 only (no member file), vehicles "
         "without VIN before 2018, planned term ends in the future, shares as 60%, project funds in 万元, cadre "
         "roll with unit codes only (names in 单位名录.csv), a merged death file with a source column, kinship "
         "stated from either side.",
         "", "## 文件 Files", "",
         "抽取文件在本目录；答案在 `_truth/`，加载器应只读本目录的抽取文件。"
         "Extracts sit in this folder; answers are in `_truth/`, which a loader must not read as data.", "",
         "| file | 部门 agency | 内容 content | format | rows |", "|---|---|---|---|---:|"]
    for spec, rows in written:
        L.append(f"| `{spec.file}` | {spec.agency} | {spec.title} ({spec.title_en}) | {_ENC[spec.encoding]} | {rows} |")
    L += ["", "## 各文件字段 Columns and code tables", ""]
    for spec, rows in written:
        L += [f"### `{spec.file}` — {spec.title} / {spec.title_en}", "",
              f"- 编码 format: {_ENC[spec.encoding]}; 主要日期格式 main date style: `{_STYLE_EXAMPLE[spec.date_style]}`",
              f"- 字段 columns: {', '.join(spec.columns)}",
              f"- 身份证号字段 citizen-ID columns: {', '.join(spec.id_cols) or '—'}; 主键 key: {', '.join(spec.key_cols) or '—'}"]
        if spec.code_cols:
            L.append(f"- 统一社会信用代码 credit-code columns: {', '.join(spec.code_cols)}")
        if spec.idless_col:
            L.append(f"- 无身份证号行 rows without ID: ~{spec.idless:.0%} blank `{spec.idless_col}` (listed in `_truth/idless_rows.csv`)")
        L += [f"- 说明 notes: {spec.notes}", ""]
    L += ["## 数据问题 The mess (as in real extracts)", "",
          "- 中文表头, 各部门字段名与代码表各不相同 Chinese headers; every agency its own names and codes.",
          "- 编码: GBK 与 UTF-8 (一个带 BOM) 混用; GBK 文件用 CRLF 换行. Encodings GBK and UTF-8 (one with BOM).",
          "- 日期格式混用 mixed date formats: " + ", ".join(f"`{_STYLE_EXAMPLE[s]}`" for s in STYLES) +
          "; each file has a main style and ~12 % of rows in the others. 年月 fields likewise (`202401`, `2024-01`, `2024/1`, `2024年1月`).",
          "- 全角数字 full-width digits in some phone and amount cells (`１３９…`).",
          "- 身份证号末位小写 `x` in about 30 % of IDs that end in X.",
          "- 完全重复行 exact duplicate rows (~0.4 %), directly after the original.",
          "- 姓名/地址末尾空格 trailing spaces in some names and addresses.",
          "- 无身份证号的行 rows without a citizen ID (name + birth date + village only) in the grant-member, "
          "marriage (pre-1995) and welfare-post files: `_truth/idless_rows.csv` gives the true ID for each.",
          "- 无效行 invalid rows (~0.2 %): copies of a valid row with one defect — `bad_check_digit` (GB 11643 "
          "or GB 32100 check character wrong), `impossible_date` (e.g. 2021-02-30), `missing_key` (all key "
          "columns blank). A loader must reject them; the valid original is elsewhere in the file. "
          "`_truth/invalid_rows.csv` lists file, row, field, reason.",
          "- 同名同姓 many people share a name, also inside one village (clan surnames).",
          "", "行号 Row numbers: 1 = the first data row after the header, counting every row in the file "
          "(duplicates and invalid rows included); CSV line = row + 1, xlsx sheet row = row + 1.", "",
          "## 答案文件 Answer files (`_truth/`)", "",
          "- `truth.csv`: family, pattern, subject_id (grant holder's ID for hidden_assets and favour_relief, "
          "the cadre's ID for cadre_conflict, the household head's for at_risk), household_id (户号), is_decoy (1 = lawful look-alike that must "
          "not be flagged), note, grant_id (blank for at_risk's true cases: they have none), related_id (owner / cadre / relative / namesake / patient / deceased earner), evidence (VIN, "
          "certificate, credit code, project id, or the shared contact kind). A subject may appear in "
          "several rows. decoy_kind names a decoy's look-alike kind (blank for a true case).",
          "- `truth_summary.md`: counts per pattern. `invalid_rows.csv`, `idless_rows.csv`: see above.",
          "- `manifest.json`: parameters and, per file, encoding, rows, SHA-256 and the role of each column "
          "(citizen-ID, credit-code, date, month and key columns; the column that may lack an ID).",
          "- mashan scenario: `mashan_expected.csv` (the table) and `mashan_people.csv` (the people behind it).",
          "", "### 预置模式 Planted patterns", "", PATTERNS,
          "背景中的合法相似情形按常见比例出现并记为干扰项: 申请人兄弟姐妹(另立户)有车 (约 1/10 户), 申请前已卖车 (1/30), "
          "申请前已注销的个体户 (1/60), 同镇同名者有车 (1/40), 已退休的财政供养人员 (1/150), 村干部亲属在外村享受。"
          "Lawful look-alikes sit in the background at realistic rates and are decoys in truth.csv (decoy_kind): "
          "a car of the applicant's sibling in another household (about 1 grant in 10), a car sold before the "
          "application (1 in 30), an individual business deregistered before it (1 in 60), a same-name adult with a "
          "car in the same town (1 in 40), a member retired from the public payroll (1 in 150), village cadres whose "
          "kin hold many grants in other villages; small counties get at least 4 of each. Otherwise the background "
          "is clean: nobody else within two kin hops of a grant member holds a car, commercial housing, a company "
          "role or payroll, and no background grant goes within three kin hops of a cadre; so every hit on these "
          "patterns is in truth.csv. A single rural homestead, motorcycles of non-recipients and a relative's "
          "payroll are lawful and not planted.", "",
          f"预置线索 {summary['truth_rows']} 行; 无效行 {summary['invalid']}; 无身份证号行 {summary['idless']}.", "",
          "规模 Scale: true cases per pattern grow as 10 x (persons / 20 000)^0.6 (10 at 20 000, about 50 at "
          "300 000, 200 at 3 000 000), decoys about half as many; below about 20 000 persons some patterns get "
          "fewer cases. The mashan scenario needs at least 100 000 persons.", "",
          "月份 Months: every month is a full snapshot as of its last day. Deaths and grant ends were drawn up "
          "to a year ahead, so month 2 reveals the ones that fall in it; people, IDs and planted cases do not "
          "change, and loading month 2 after month 1 must update, not duplicate.", ""]
    return "\n".join(L)
