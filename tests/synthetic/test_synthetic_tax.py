"""The tax extract is consistent with the deaths register: nobody earns after death."""
from synthetic_data import clean, dataset


def test_no_income_is_declared_for_a_period_after_the_earners_death():
    out = dataset(seed=101)  # a county where a holder's child died long before the grant
    deaths = clean(out, "gongan_siwang.csv")
    died = {x: d for x, d in zip(deaths["身份证号"], deaths["死亡日期"]) if d is not None}
    tax = clean(out, "shuiwu_geshui.csv")
    late = [(x, s) for x, s in zip(tax["纳税人身份证号"], tax["税款所属期起"])
            if x in died and s is not None and s > died[x]]
    assert not late, f"{len(late)} income records after death, e.g. {late[:3]}"
