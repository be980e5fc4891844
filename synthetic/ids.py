"""Identifiers with their national check characters.

GB 11643-1999 citizen ID (18 digits, ISO 7064 MOD 11-2), GB 32100-2015
unified social credit code (18 chars, MOD 31) embedding a GB 11714 org code
(MOD 11), ISO 3779 VIN (17 chars, check digit in position 9, mandatory in
China by GB 16735), plates, property certificate numbers, phones and bank
cards (Luhn). Uniqueness comes from affine bijections of a counter rather
than from sampling without replacement: O(n) memory, no retries, and the
numbers still look scattered.
"""
from __future__ import annotations

import numpy as np

from . import dates

# --- GB 11643 citizen ID -------------------------------------------------
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    s = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS.tolist()))
    return _ID_CHECK[s % 11]


def citizen_id_valid(cid: str) -> bool:
    """Shape, birth date and check digit; upper-case X only (normalise first)."""
    if len(cid) != 18 or not cid[:17].isdigit() or not cid[:17].isascii():
        return False
    try:
        np.datetime64(f"{cid[6:10]}-{cid[10:12]}-{cid[12:14]}", "D")
    except ValueError:
        return False
    return id_check_char(cid[:17]) == cid[17]


def citizen_ids(region6, birth_days, seq) -> np.ndarray:
    """Vectorised IDs. region6: int array; seq: 1..999 (odd = male)."""
    region6 = np.asarray(region6, dtype=np.int64)
    y, m, d = dates.ymd(birth_days)
    body = np.stack(
        [region6 // 10 ** (5 - i) % 10 for i in range(6)]
        + [y // 10 ** (3 - i) % 10 for i in range(4)]
        + [m // 10, m % 10, d // 10, d % 10]
        + [np.asarray(seq) // 100 % 10, np.asarray(seq) // 10 % 10, np.asarray(seq) % 10],
        axis=1,
    )
    check = (body * _ID_WEIGHTS).sum(axis=1) % 11
    chk = np.array(list(_ID_CHECK))[check]
    ymd8 = y * 10000 + m * 100 + d
    return np.array(
        [f"{r:06d}{b:08d}{s:03d}{c}" for r, b, s, c in zip(region6.tolist(), ymd8.tolist(),
                                                          np.asarray(seq).tolist(), chk.tolist())],
        dtype=object,
    )


def wrong_id_check(cid: str) -> str:
    """The same ID with a check digit that is certainly wrong."""
    good = id_check_char(cid[:17].translate(_FULL_TO_HALF).upper())
    alt = "0" if good != "0" else "1"
    return cid[:17] + alt


# --- GB 11714 org code and GB 32100 credit code ---------------------------
_ORG_W = [3, 7, 9, 10, 5, 8, 4, 2]
_USCC_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = [pow(3, i, 31) for i in range(17)]


def org_code(serial8: int) -> str:
    body = f"{serial8:08d}"
    c = 11 - sum(int(ch) * w for ch, w in zip(body, _ORG_W)) % 11
    return body + ("X" if c == 10 else "0" if c == 11 else str(c))


def uscc_check_char(first17: str) -> str:
    s = sum(_USCC_ALPHA.index(ch) * w for ch, w in zip(first17, _USCC_W))
    return _USCC_ALPHA[(31 - s % 31) % 31]


def credit_code_valid(code: str) -> bool:
    if len(code) != 18 or any(ch not in _USCC_ALPHA for ch in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def credit_codes(kinds: list[str], region6: int, start: int) -> list[str]:
    """kinds: '1' enterprise, '2' individual business (registration dept 9 = market regulation)."""
    out = []
    for i, k in enumerate(kinds):
        serial = (start + i) * 7919 % 100_000_000  # bijection mod 10^8 (7919 is prime)
        body = f"9{k}{region6:06d}{org_code(serial)}"
        out.append(body + uscc_check_char(body))
    return out


# --- ISO 3779 VIN ---------------------------------------------------------
_VIN_VAL = {**{str(i): i for i in range(10)},
            **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))),
            "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_W = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
_VIN_ALPHA = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_WMI = ["LSV", "LFV", "LGW", "LZW", "LHG", "LVS", "LGB", "LBE", "LJD", "LS5", "LC0", "LNB"]
_YEAR_CODE = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 2010.. then cycles


def vin_check_char(vin17: str) -> str:
    s = sum(_VIN_VAL[c] * w for c, w in zip(vin17, _VIN_W)) % 11
    return "X" if s == 10 else str(s)


def vin_valid(vin: str) -> bool:
    return len(vin) == 17 and all(c in _VIN_VAL for c in vin) and vin_check_char(vin) == vin[8]


def vins(rng: np.random.Generator, model_years, start: int) -> list[str]:
    n = len(model_years)
    wmi = rng.integers(0, len(_WMI), n)
    vds = rng.integers(0, len(_VIN_ALPHA), (n, 5))
    plant = rng.integers(0, 26, n)
    out = []
    for i in range(n):
        serial = (start + i) * 389_651 % 1_000_000
        head = _WMI[wmi[i]] + "".join(_VIN_ALPHA[j] for j in vds[i])
        yc = _YEAR_CODE[(int(model_years[i]) - 2010) % 30]
        tail = yc + "ABCDEFGHJKLMNPRSTUVWXYZ123"[plant[i]] + f"{serial:06d}"
        v = head + "0" + tail
        out.append(head + vin_check_char(v) + tail)
    return out


# --- plates, certificates, phones, bank cards -------------------------------
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def plates(prefix: str, start: int, n: int) -> list[str]:
    """Unique 5-char plate bodies (letter, two letters-or-digits, two digits)."""
    alnum = _PLATE_LETTERS + "0123456789"
    space = len(_PLATE_LETTERS) * len(alnum) ** 2 * 100
    out = []
    for i in range(start, start + n):
        k = i * 104_729 % space
        a, k = divmod(k, len(alnum) ** 2 * 100)
        b, k = divmod(k, len(alnum) * 100)
        c, k = divmod(k, 100)
        out.append(f"{prefix}{_PLATE_LETTERS[a]}{alnum[b]}{alnum[c]}{k:02d}")
    return out


def property_cert(province: str, year: int, county: str, serial: int) -> str:
    return f"{province}({year}){county}不动产权第{serial:07d}号"


_PHONE_PREFIX = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                 "151", "152", "155", "156", "157", "158", "159", "177", "180", "181",
                 "182", "183", "185", "186", "187", "188", "189", "191", "198", "199"]


def phones(counter: np.ndarray) -> np.ndarray:
    c = np.asarray(counter, dtype=np.int64)
    body = c * 48_271 % 100_000_000
    pre = (c * 7 + c // 1000) % len(_PHONE_PREFIX)
    return np.array([f"{_PHONE_PREFIX[p]}{b:08d}" for p, b in zip(pre.tolist(), body.tolist())],
                    dtype=object)


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        v = int(ch)
        if i % 2 == 0:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return str((10 - total % 10) % 10)


_BINS = ["621799", "622848", "621700", "622202", "623059"]  # rural credit union & big banks


def bank_accounts(counter: np.ndarray) -> np.ndarray:
    c = np.asarray(counter, dtype=np.int64)
    body = c * 1_000_003 % 1_000_000_000_000
    out = []
    for i, b in zip(c.tolist(), body.tolist()):
        s = f"{_BINS[i % len(_BINS)]}{b:012d}"
        out.append(s + _luhn_digit(s))
    return np.array(out, dtype=object)


# --- full-width digits -------------------------------------------------------
_HALF_TO_FULL = str.maketrans("0123456789Xx", "０１２３４５６７８９ＸＸ")
_FULL_TO_HALF = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")


def to_fullwidth(s: str) -> str:
    return s.translate(_HALF_TO_FULL)


def normalise_id(s: str) -> str:
    """What a loader should do before checking: half-width, strip, upper-case."""
    return s.translate(_FULL_TO_HALF).strip().upper()


def assign_citizen_ids(rng: np.random.Generator, origin, birth, sex) -> np.ndarray:
    """Unique IDs: people sharing county, birth day and sex get distinct sequence numbers."""
    origin, birth, sex = (np.asarray(a, dtype=np.int64) for a in (origin, birth, sex))
    order = np.lexsort((rng.random(len(sex)), sex, birth, origin))
    key = (origin[order] * 100_000 + birth[order]) * 4 + sex[order]
    first = np.searchsorted(key, key, side="left")
    rank = np.empty(len(sex), dtype=np.int64)
    rank[order] = np.arange(len(sex)) - first
    if len(rank) and rank.max() > 450:
        raise ValueError("too many people born on one day in one county")
    off = (origin * 31 + birth * 7 + sex) % 40
    seq = np.where(sex == 1, 2 * (off + rank) + 1, 2 * (off + rank + 1))
    return citizen_ids(origin, birth, seq)
