"""Property-based fuzzing of the loader's cell-level code: normalisation and
validation of whatever an agency extract may hold.

Nothing may raise on bad data; blanks come out as NA, never ''; every kind
of corrupted citizen ID or credit code is caught with the right reason; every
date shape the extracts use parses to the same ISO date, and impossible dates
never roll over into real ones.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fuzzing import SCALES, fuzz_settings
from loader_support import FULL_ID, FULL_PHONE
from reliefgraph.loaders import normalise, validate
from reliefgraph.loaders.validate import CREDIT_ALPHABET, MASK_MAX, credit_check_char

AS_OF = dt.date(2026, 10, 31)
PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
             53, 54, 61, 62, 63, 64, 65, 71, 81, 82]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

# Text as hostile as a clerk's spreadsheet gets: any code point (controls,
# invisible and full-width characters, RTL marks, emoji), and the lone
# surrogates a file decoded with errors="surrogateescape" leaves behind.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
lone_surrogate = st.sampled_from(["\ud800", "\udfff", "ab\udc80cd"])
cell = st.one_of(
    st.none(), any_text, lone_surrogate,
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20),
    st.datetimes(min_value=dt.datetime(1, 1, 1)), st.dates(), st.binary(max_size=20), st.just(pd.NaT),
    st.sampled_from(["", " ", "\u3000", "\u200b", "-", "－", "\ufeff", "NULL", "nan", "=1+1", "@A1"]),
)


def _series(values) -> pd.Series:
    return pd.Series(values, index=pd.RangeIndex(7, 7 + len(values)), dtype=object)


def _no_blank_strings(s: pd.Series) -> None:
    assert not (s.dropna().astype(str) == "").any(), "a blank must be NA, never ''"


# ---------------------------------------------------------------- nothing raises, blanks are NA

@pytest.mark.parametrize("scale", SCALES)
def test_normalisers_take_any_cell_without_raising(scale):
    @fuzz_settings(60, scale)
    @given(st.lists(cell, max_size=12))
    def check(values):
        s = _series(values)
        for fn in (normalise.text, normalise.name, normalise.identifier, normalise.phone):
            out = fn(s)
            assert out.index.equals(s.index)
            _no_blank_strings(out)
        for fn in (normalise.date, normalise.month, normalise.number,
                   lambda v: normalise.mapped(v, {"1": "M", "02": "F"})):
            out, bad = fn(s)
            assert out.index.equals(s.index) and bad.index.equals(s.index) and bad.dtype == bool
            if out.dtype != "float64":
                _no_blank_strings(out)
        assert normalise.formula_like(s).dtype == bool

    check()


@pytest.mark.parametrize("scale", SCALES)
def test_validators_take_any_identifier_without_raising(scale):
    @fuzz_settings(80, scale)
    @given(st.lists(st.one_of(cell, st.from_regex(r"[0-9]{15,19}[0-9Xx]?", fullmatch=True)), max_size=12))
    def check(values):
        ids = normalise.identifier(_series(values))
        for reasons in (validate.citizen_id(ids, AS_OF), validate.credit_code(ids), validate.plate(ids),
                        validate.vin(ids), validate.phone(normalise.phone(_series(values)))):
            assert reasons.index.equals(ids.index)
            assert set(reasons.dropna()) <= set(validate.REASONS)
            # A blank is the mapping file's business: never a validator reason.
            assert reasons[ids.isna()].isna().all()

    check()


# ---------------------------------------------------------------- shortcuts change nothing

plain_ascii = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20)


@pytest.mark.parametrize("scale", SCALES)
def test_a_plain_ascii_column_is_cleaned_as_any_other(scale):
    # A column of printable ASCII without spaces skips the cleaning steps; one
    # other cell in it makes the whole column take them all.
    @fuzz_settings(80, scale)
    @given(st.lists(st.one_of(st.none(), plain_ascii), min_size=1, max_size=12))
    def check(values):
        alone = _series(values)
        mixed = _series([*values, "Ａ\u200b é"])
        for fn in (normalise.text, normalise.name, normalise.identifier, normalise.phone):
            assert fn(alone).tolist() == fn(mixed).iloc[:len(values)].tolist()

    check()


@pytest.mark.parametrize("scale", SCALES)
def test_the_formula_check_of_cleaned_text_need_not_clean_it_again(scale):
    @fuzz_settings(80, scale)
    @given(st.lists(cell, max_size=12))
    def check(values):
        for clean in (normalise.text, normalise.name):
            cleaned = clean(_series(values))
            assert (normalise.formula_like(cleaned, cleaned=True).tolist()
                    == normalise.formula_like(cleaned).tolist())

    check()


# ---------------------------------------------------------------- citizen IDs

def id_check(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


@st.composite
def citizen_ids(draw) -> str:
    region = f"{draw(st.sampled_from(PROVINCES)):02d}{draw(st.integers(0, 9999)):04d}"
    born = draw(st.dates(dt.date(1900, 1, 1), AS_OF))
    first17 = f"{region}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + id_check(first17)


def _id_reason(value: str):
    return validate.citizen_id(normalise.identifier(pd.Series([value])), AS_OF).iloc[0]


@pytest.mark.parametrize("scale", SCALES)
def test_valid_ids_pass_however_they_are_typed(scale):
    fullwidth = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")

    @fuzz_settings(100, scale)
    @given(citizen_ids(), st.sampled_from(["plain", "lower", "fullwidth", "spaced", "dashed", "padded"]))
    def check(cid, typed):
        shown = {"plain": cid, "lower": cid.lower(), "fullwidth": cid.translate(fullwidth),
                 "spaced": f"{cid[:6]} {cid[6:14]} {cid[14:]}", "dashed": f"{cid[:6]}-{cid[6:14]}-{cid[14:]}",
                 "padded": f"\u3000{cid}\u200b "}[typed]
        assert normalise.identifier(pd.Series([shown])).iloc[0] == cid
        assert _id_reason(shown) is None

    check()


@pytest.mark.parametrize("scale", SCALES)
def test_every_wrong_check_digit_is_caught(scale):
    @fuzz_settings(100, scale)
    @given(citizen_ids())
    def check(cid):
        for wrong in "0123456789X":
            if wrong != cid[-1]:
                assert _id_reason(cid[:-1] + wrong) == "id_checksum", cid[:-1] + wrong

    check()


@pytest.mark.parametrize("scale", SCALES)
def test_every_single_typo_and_swap_in_an_id_is_caught(scale):
    """GB 11643's weights are non-zero and pairwise different modulo 11, so
    every one-digit typo and every swap of two neighbouring digits changes
    the check digit: each must be rejected (for its region, date or checksum)."""
    @fuzz_settings(60, scale)
    @given(citizen_ids(), st.integers(0, 16), st.integers(1, 9))
    def check(cid, pos, shift):
        typo = cid[:pos] + str((int(cid[pos]) + shift) % 10) + cid[pos + 1:]
        assert _id_reason(typo) in {"id_checksum", "id_region", "id_birth_date"}, typo
        if pos < 16 and cid[pos] != cid[pos + 1]:
            swap = cid[:pos] + cid[pos + 1] + cid[pos] + cid[pos + 2:]
            assert _id_reason(swap) in {"id_checksum", "id_region", "id_birth_date"}, swap

    check()


@pytest.mark.parametrize("scale", SCALES)
def test_ids_of_the_wrong_shape_get_the_shape_reason(scale):
    @fuzz_settings(100, scale)
    @given(citizen_ids(), st.sampled_from(["short", "long", "letter", "legacy", "x_inside"]))
    def check(cid, kind):
        bad = {"short": cid[:-2], "long": cid + "1", "letter": cid[:5] + "A" + cid[6:],
               "legacy": cid[:6] + cid[8:17], "x_inside": cid[:10] + "X" + cid[11:]}[kind]
        assert _id_reason(bad) == ("id_legacy_15" if kind == "legacy" else "id_format")

    check()


@pytest.mark.parametrize("scale", SCALES)
def test_impossible_birth_dates_in_ids_are_caught(scale):
    @fuzz_settings(100, scale)
    @given(citizen_ids(), st.one_of(
        st.tuples(st.integers(0, 1899), st.integers(1, 12), st.integers(1, 28)),
        st.tuples(st.integers(2027, 9999), st.integers(1, 12), st.integers(1, 28)),
        st.tuples(st.integers(1900, 2026), st.sampled_from([0, 13, 19, 99]), st.integers(1, 28)),
        st.tuples(st.integers(1900, 2026), st.integers(1, 12), st.sampled_from([0, 32, 99])),
        st.tuples(st.sampled_from([1900, 1999, 2001, 2023]), st.just(2), st.just(29)),
        st.tuples(st.integers(1900, 2026), st.sampled_from([4, 6, 9, 11]), st.just(31))))
    def check(cid, ymd):
        y, m, d = ymd
        first17 = f"{cid[:6]}{y:04d}{m:02d}{d:02d}{cid[14:17]}"
        assert _id_reason(first17 + id_check(first17)) == "id_birth_date", first17

    check()


# ---------------------------------------------------------------- credit codes

@st.composite
def credit_codes(draw) -> str:
    first17 = "".join(draw(st.lists(st.sampled_from(CREDIT_ALPHABET), min_size=17, max_size=17)))
    return first17 + credit_check_char(first17)


def _credit_reason(value: str):
    return validate.credit_code(normalise.identifier(pd.Series([value]))).iloc[0]


@pytest.mark.parametrize("scale", SCALES)
def test_credit_codes_catch_every_wrong_check_character_typo_and_swap(scale):
    @fuzz_settings(60, scale)
    @given(credit_codes(), st.integers(0, 16), st.integers(1, 30))
    def check(code, pos, shift):
        assert _credit_reason(code) is None and _credit_reason(code.lower()) is None
        wrong = CREDIT_ALPHABET[(CREDIT_ALPHABET.index(code[-1]) + shift) % 31]
        assert _credit_reason(code[:-1] + wrong) == "credit_checksum"
        typo = code[:pos] + CREDIT_ALPHABET[(CREDIT_ALPHABET.index(code[pos]) + shift) % 31] + code[pos + 1:]
        assert _credit_reason(typo) == "credit_checksum"
        if pos < 16 and code[pos] != code[pos + 1]:
            assert _credit_reason(code[:pos] + code[pos + 1] + code[pos] + code[pos + 2:]) == "credit_checksum"
        for letter in "IOSVZ":
            assert _credit_reason(code[:pos] + letter + code[pos + 1:]) == "credit_format"

    check()


# ---------------------------------------------------------------- dates

DATE_SHAPES = ["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日", "{y}{m:02d}{d:02d}",
               "{y}-{m:02d}-{d:02d} 00:00:00", "{y}-{m:02d}-{d:02d}T08:30:00+08:00", "{y} 年 {m} 月 {d} 日",
               "　{y}／{m}／{d}　"]


@pytest.mark.parametrize("scale", SCALES)
def test_every_date_shape_parses_to_the_same_iso_date(scale):
    @fuzz_settings(150, scale)
    @given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), st.sampled_from(DATE_SHAPES))
    def check(day, shape):
        typed = shape.format(y=day.year, m=day.month, d=day.day)
        iso, bad = normalise.date(pd.Series([typed]))
        assert (iso.iloc[0], bool(bad.iloc[0])) == (day.isoformat(), False), typed

    check()


@pytest.mark.parametrize("scale", SCALES)
def test_deeply_wrong_dates_are_bad_and_never_roll_over(scale):
    @fuzz_settings(150, scale)
    @given(st.one_of(
        st.tuples(st.integers(0, 1899), st.integers(1, 12), st.integers(1, 28)),
        st.tuples(st.integers(2101, 9999), st.integers(1, 12), st.integers(1, 28)),
        st.tuples(st.integers(1900, 2100), st.sampled_from([0, 13, 20, 99]), st.integers(1, 28)),
        st.tuples(st.integers(1900, 2100), st.integers(1, 12), st.sampled_from([0, 32, 40, 99])),
        st.tuples(st.integers(1900, 2100), st.just(2), st.just(30)),
        st.tuples(st.integers(1900, 2100).filter(lambda y: y % 4 or (y % 100 == 0 and y % 400)), st.just(2),
                  st.just(29))), st.sampled_from(DATE_SHAPES))
    def check(ymd, shape):
        y, m, d = ymd
        typed = shape.format(y=f"{y:04d}", m=m, d=d)
        iso, bad = normalise.date(pd.Series([typed]))
        assert iso.isna().iloc[0] and bool(bad.iloc[0]), (typed, iso.iloc[0])

    check()


@pytest.mark.parametrize("scale", SCALES)
def test_garbage_dates_are_bad_not_guessed(scale):
    @fuzz_settings(200, scale)
    @given(any_text)
    def check(text):
        iso, bad = normalise.date(_series([text]))
        if pd.notna(iso.iloc[0]):
            # Whatever parsed must read back as a real date found in the cell's digits.
            parsed = dt.date.fromisoformat(iso.iloc[0])
            digits = "".join(c for c in normalise.text(_series([text])).iloc[0] if c.isdigit())
            assert str(parsed.year) in digits
        else:
            assert bool(bad.iloc[0]) == pd.notna(normalise.text(_series([text])).iloc[0])

    check()


# ---------------------------------------------------------------- masks in reject files

@pytest.mark.parametrize("scale", SCALES)
def test_a_masked_value_is_short_and_holds_no_whole_id_or_phone(scale):
    @fuzz_settings(200, scale)
    @given(st.one_of(any_text, citizen_ids(), st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
                     st.text("0123456789X", min_size=10, max_size=5000)))
    def check(value):
        masked = validate.mask(value)
        assert len(masked) <= MASK_MAX
        assert not FULL_ID.search(masked) and not FULL_PHONE.search(masked), masked

    check()
