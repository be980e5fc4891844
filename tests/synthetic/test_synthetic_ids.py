"""National check characters and ID assignment."""
import numpy as np

from reliefgraph.synthetic import dates, ids


def test_gb11643_published_example_and_defects():
    assert ids.citizen_id_valid("11010519491231002X")  # the standard's own example
    assert not ids.citizen_id_valid("110105194912310021")  # wrong check character
    assert not ids.citizen_id_valid("11010519490230002X")  # 30 February
    assert not ids.citizen_id_valid("11010519491231002x")  # must be normalised first
    assert ids.citizen_id_valid(ids.normalise_id("１１０１０５１９４９１２３１００２ｘ "))


def test_wrong_check_is_always_wrong():
    rng = np.random.default_rng(0)
    birth = rng.integers(dates.day(1930), dates.day(2020), 500)
    got = ids.assign_citizen_ids(rng, np.full(500, 451299), birth, rng.integers(1, 3, 500))
    for cid in got:
        assert ids.citizen_id_valid(cid)
        assert not ids.citizen_id_valid(ids.wrong_id_check(cid))


def test_assigned_ids_unique_and_carry_birth_and_sex():
    rng = np.random.default_rng(1)
    n = 1200  # hundreds share a birth day: sequence numbers must still differ
    birth = np.full(n, dates.day(1980, 5, 17))
    birth[::2] = dates.day(1980, 5, 18)
    sex = rng.integers(1, 3, n)
    got = ids.assign_citizen_ids(rng, np.full(n, 451299), birth, sex)
    assert len(set(got)) == n
    for cid, b, s in zip(got, birth, sex):
        assert cid[6:14] == str(np.datetime64(int(b), "D")).replace("-", "")
        assert int(cid[16]) % 2 == (1 if s == 1 else 0)


def test_credit_codes_vins_and_bank_cards():
    codes = ids.credit_codes(["1", "2"] * 200, 451299, 0)
    assert len(set(codes)) == 400
    for c in codes:
        assert ids.credit_code_valid(c) and c[:2] in ("91", "92") and c[2:8] == "451299"
        bad = c[:-1] + ("0" if c[-1] != "0" else "1")
        assert not ids.credit_code_valid(bad)
    assert ids.vin_valid("1M8GDM9AXKP042788")  # ISO 3779 textbook example
    vins = ids.vins(np.random.default_rng(2), [2015] * 300, 0)
    assert len(set(vins)) == 300 and all(ids.vin_valid(v) for v in vins)

    def luhn(s):
        total = 0
        for i, ch in enumerate(reversed(s)):
            v = int(ch) * (2 if i % 2 else 1)
            total += v - 9 if v > 9 else v
        return total % 10 == 0
    acc = ids.bank_accounts(np.arange(1000))
    assert len(set(acc)) == 1000 and all(luhn(a) and len(a) == 19 for a in acc)
    ph = ids.phones(np.arange(1000))
    assert len(set(ph)) == 1000 and all(len(p) == 11 and p[0] == "1" for p in ph)
    assert len(set(ids.plates("桂M", 0, 5000))) == 5000
