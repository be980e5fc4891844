"""truth.csv is complete, clean and grounded in the extracts."""
import re

import pytest

import reference_rules as rr
from synthetic_data import clean, dataset, truth

FAMILIES = {"hidden_assets", "favour_relief", "cadre_conflict", "at_risk"}
PATTERNS = {
    "hidden_assets": {"car_during_grant", "commercial_housing", "multiple_properties", "company_role",
                      "public_payroll", "paid_after_death", "double_enrolment", "relative_asset",
                      "member_in_custody", "paid_after_cremation", "housing_fund_during_grant",
                      "disability_subsidy_after_death", "disability_subsidy_without_cert",
                      "disability_subsidy_twice", "pension_above_dibao_line", "public_pension_member",
                      "taxable_wage_income", "business_income_member", "kin_high_income",
                      "employee_insurance_during_grant", "flexible_high_base",
                      "renovation_with_commercial_housing", "renovation_twice", "renovation_not_priority_object",
                      "cross_county_enrolment", "student_aid_twice", "student_aid_basis_lapsed"},
    "favour_relief": {"cadre_relative_unfiled", "approved_by_relative", "kin_network_concentration",
                      "shared_contact_hidden_tie", "cadre_on_relief"},
    "cadre_conflict": {"relative_company_project", "relative_welfare_post", "cadre_shareholder_funded"},
    "at_risk": {"large_medical_bill", "main_earner_death", "welfare_job_lost",
                "disaster_no_relief", "disabled_earner", "ill_after_dibao_exit",
                "earner_in_custody"},
}
# Patterns about money another agency pays (no civil-affairs grant): the subject is its recipient.
PAID_BY_OTHERS = {"disability_subsidy_after_death", "disability_subsidy_without_cert", "disability_subsidy_twice",
                  "student_aid_twice", "student_aid_basis_lapsed"}


def test_every_pattern_has_cases_and_decoys():
    t = truth(dataset())
    assert list(t.columns[:6]) == ["family", "pattern", "subject_id", "household_id", "is_decoy", "note"]
    for fam, pats in PATTERNS.items():
        assert set(t.loc[t.family == fam, "pattern"]) == pats
    for pat, g in t.groupby("pattern"):
        assert re.fullmatch(r"[a-z_]+", pat)
        assert (g.is_decoy == "0").sum() >= 10, pat
        assert (g.is_decoy == "1").sum() >= 4, pat
    assert not t.duplicated(["pattern", "subject_id", "is_decoy", "grant_id"]).any()


def test_truth_rows_point_at_records_in_the_extracts():
    out = dataset()
    t = truth(out)
    reg = clean(out, "gongan_huji.csv")
    household = dict(zip(reg["公民身份号码"], reg["户号"]))
    grants = clean(out, "minzheng_jiuzhu.xlsx")
    holder = dict(zip(grants["救助编号"], grants["申请人身份证号"]))
    found = {"vin": set(clean(out, "gongan_jidongche.csv")["车辆识别代号"]),
             "cert": set(clean(out, "budongchan.csv")["不动产权证号"]),
             "code": set(clean(out, "shichang_zhuti.csv")["统一社会信用代码"]),
             "project": set(clean(out, "xiangcun_xiangmu.xlsx")["项目编号"]), "grant": set(holder)}
    cadres = set(clean(out, "zuzhi_ganbu.xlsx")["身份证号"])
    paid = {"disability": set(clean(out, "canlian_liangxiang.csv")["身份证号"]),
            "student_aid": set(clean(out, "jiaoyu_zizhu.csv")["身份证件号"])}
    for r in t.to_dict("records"):
        assert household[r["subject_id"]] == r["household_id"], r
        if r["family"] == "cadre_conflict":
            assert r["subject_id"] in cadres
        elif r["grant_id"]:  # at_risk cases have no grant, its decoys the household head's
            assert holder[r["grant_id"]] == r["subject_id"], r
        else:  # renovation subsidies name their applicant, not a grant
            assert r["family"] == "at_risk" or r["pattern"] in PAID_BY_OTHERS or r["pattern"].startswith("renovation_"), r
        if r["pattern"] in PAID_BY_OTHERS:
            assert r["subject_id"] in paid["student_aid" if r["pattern"].startswith("student_aid") else "disability"], r
        if r["related_id"]:
            assert r["related_id"] in household
        for ev in filter(None, r["evidence"].split(";")):
            kind = ("project" if ev.startswith("XM") else "grant" if re.fullmatch(r"(DB|TK|LS)\d{15}", ev) else
                    "vin" if re.fullmatch(r"[A-Z0-9]{17}", ev) else "cert" if "不动产权" in ev else
                    "code" if len(ev) == 18 else None)
            if kind:
                assert ev in found[kind], (r["pattern"], ev)
            else:
                assert ev in ("phone", "address", "account")


@pytest.fixture(scope="module")
def hits():
    k = rr.County(dataset())
    found = {}
    for rules in (rr.hidden_assets, rr.favour_relief, rr.cadre_conflict, rr.at_risk_all, rr.disability, rr.pensions,
                  rr.cross_county, rr.student_aid):
        found.update(rules(k))
    return found


@pytest.mark.parametrize("pattern", sorted(set().union(*PATTERNS.values())))
def test_reference_rules_find_exactly_the_true_cases(hits, pattern):
    t = truth(dataset())
    g = t[t.pattern == pattern]
    true, decoy = set(g.loc[g.is_decoy == "0", "subject_id"]), set(g.loc[g.is_decoy == "1", "subject_id"])
    flagged = hits.get(pattern, set())
    assert true <= flagged, f"missed {sorted(true - flagged)[:5]}"
    assert not (decoy & flagged), f"decoys flagged {sorted(decoy & flagged)[:5]}"
    # A true case of another pattern of the family may match this one too (a public-staff pension is
    # also above the dibao line): what must never be flagged is a subject nobody planted.
    planted = set(t.loc[(t.family == g.family.iloc[0]) & (t.is_decoy == "0"), "subject_id"])
    assert not (flagged - planted), f"unplanted hits {sorted(flagged - planted)[:5]}"
