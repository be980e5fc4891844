"""Disability certificates (残疾人证) and the two disability subsidies (残疾人两项补贴).

The federation (残联) issues certificates; a certificate is valid from its
issue to the earlier of its expiry and its revocation (注销: re-assessed,
recovered, died). The towns pay 困难残疾人生活补贴 (living) and
重度残疾人护理补贴 (care, grades 1–2) monthly, each record for one month
(补贴月份) and paid on a day (发放日期).

Planted, all in the hidden_assets family with the recipient as subject:
- disability_subsidy_after_death: payments go on after the month of death
  (the register's death file has the death). Decoy: they stop with the month
  of death (that month's payment is lawful).
- disability_subsidy_without_cert: payments go on after the certificate was
  revoked or expired without renewal. Decoys: the certificate expired and
  was renewed (a new certificate, payments go on lawfully); the certificate
  was revoked and payments stopped with that month.
- disability_subsidy_twice: the same subsidy paid twice for the same month
  (two records, often by two towns). Decoys: a back payment (补发) paid in the
  same month as the current one but for a missed earlier month; both
  subsidies (living and care) for the same month.
In the background about 2.5 % of the county holds a certificate; some
expire and are renewed, a few are revoked; payments follow the certificates
exactly and stop with the month of death.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .dates import BASE, HORIZON, NONE, day, month_index, years
from .world import Table, World

FAMILY = "hidden_assets"
AFTER_DEATH, WITHOUT_CERT, TWICE = ("disability_subsidy_after_death", "disability_subsidy_without_cert",
                                    "disability_subsidy_twice")
PAID_FROM = month_index(day(2023, 1, 1))     # the payment extract covers months from here on
AMOUNT = {"living": 90, "care": {1: 100, 2: 80}}
HOLDER_SHARE = 0.025
LIVING_SHARE = 0.4
VALID_YEARS = 10
KIND_ZH = {"living": "生活补贴", "care": "护理补贴"}
KIND_ZH_FULL = {"living": "困难残疾人生活补贴", "care": "重度残疾人护理补贴"}
GRADE_ZH = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
CATEGORY_ZH = {1: "视力", 2: "听力", 3: "言语", 4: "肢体", 5: "智力", 6: "精神", 7: "多重"}


def certs(w: World) -> Table:
    """person, cert (证号), category (1–7), grade (1–4), issued, valid_to, revoked (NONE if not)."""
    return w.tables.setdefault("disability_certs", Table("person", "cert", "category", "grade", "issued",
                                                         "valid_to", "revoked"))


def payments(w: World) -> Table:
    """person, kind, month (month index), amount, paid (day), payer (town), serial."""
    return w.tables.setdefault("disability_pay", Table("person", "kind", "month", "amount", "paid", "payer",
                                                       "serial"))


def add_cert(w: World, rng, x: int, issued: int, valid_to: int, revoked: int = NONE,
             category: int | None = None, grade: int | None = None) -> tuple[int, int]:
    T = certs(w)
    category = int(rng.integers(1, 8)) if category is None else category
    grade = int(rng.choice(4, p=[0.15, 0.25, 0.3, 0.3]) + 1) if grade is None else grade
    seq = T.__dict__.setdefault("seq", {})   # certificates per person so far: a renewal gets the next number
    seq[x] = seq.get(x, 0) + 1
    T.add(person=int(x), cert=f"{w.ids[x]}{category}{grade}{seq[x]:02d}", category=category, grade=grade,
          issued=int(issued), valid_to=int(valid_to), revoked=int(revoked))
    return category, grade


def town_of(w: World, x: int) -> str:
    r = w.regions
    return str(r.town_name[r.village_town[w.hh.village[w.hh.of[x]]]])


def pay(w: World, rng, x: int, kind: str, grade: int, months, payer: str | None = None, paid=None) -> dict:
    """One payment per month in `months` (month indexes), paid on a day of that month unless `paid` says;
    returns {month: day paid}."""
    T = payments(w)
    amount = AMOUNT["living"] if kind == "living" else AMOUNT["care"].get(grade, 80)
    payer = town_of(w, x) if payer is None else payer
    out = {}
    for i, m in enumerate(months):
        d = int(dates.month_first_day(m)) + int(rng.integers(9, 20)) if paid is None else int(paid[i])
        T.add(person=int(x), kind=kind, month=int(m), amount=amount, paid=d, payer=payer,
              serial=f"LX{int(dates.ymd(d)[0])}{len(T) + 1:08d}")
        out[int(m)] = d
    return out


def months(a: int, b: int) -> np.ndarray:
    """Month indexes from the month of day a to the month of day b, within the extract's months."""
    lo, hi = max(int(month_index(a)), PAID_FROM), min(int(month_index(b)), int(month_index(HORIZON)))
    return np.arange(lo, hi + 1)


def _person(pl, pred) -> int:
    """A person no case uses, not a cadre, without grant ties, satisfying pred."""
    w = pl.w
    if not hasattr(pl, "_disability_order"):
        pl._disability_order = w.rng("disability.order").permutation(w.people.n)
        pl._disability_from = 0

    def taken(x: int) -> bool:   # for good: these marks are only ever set
        return w.used[x] or pl.cadre[x] or pl.member[x] or pl.no_grant[x] or pl.near_cadre[x]
    order, i = pl._disability_order, pl._disability_from
    while i < len(order) and taken(int(order[i])):
        i += 1
    pl._disability_from = i
    for x in order[i:]:
        x = int(x)
        if taken(x):
            continue
        if pred(x):
            w.used[x] = True
            return x
    return -1


def plant(pl, n: int) -> None:
    from .planting import cases
    w, rng = pl.w, pl.w.rng("disability.plant")
    certs(w), payments(w)
    p = w.people

    def truth(pattern, x, kind, note):
        w.add_truth(FAMILY, pattern, x, int(w.hh.of[x]), kind != "true", note, related=x, kind=kind)

    # --- paid after death: a registered death since mid-2023 -------------------------------
    for kind, _ in cases(n, ["stopped_in_death_month"]):
        x = _person(pl, lambda x: day(2023, 6, 1) <= p.death[x] <= BASE - 100 and pl.age(x, int(p.death[x])) >= 10)
        if x < 0:
            continue
        d = int(p.death[x])
        issued = int(rng.integers(BASE - years(VALID_YEARS - 1), day(2022, 6, 1)))   # valid through the data
        _, grade = add_cert(w, rng, x, issued, issued + years(VALID_YEARS), grade=int(rng.integers(1, 3)))
        subsidy = "care" if rng.random() < 0.6 else "living"
        if kind == "true":
            extra = int(rng.integers(2, 9))
            last = min(int(month_index(d)) + extra, int(month_index(BASE)))
            note = f"died {dates.iso1(d)}; {KIND_ZH[subsidy]} paid through {dates.iso1(int(dates.month_first_day(last)))[:7]} 死亡后仍发放"
        else:
            last = int(month_index(d))
            note = f"decoy: died {dates.iso1(d)}; payments stopped with the month of death 死亡当月停发"
        pay(w, rng, x, subsidy, grade, np.arange(max(PAID_FROM, int(month_index(issued))), last + 1))
        truth(AFTER_DEATH, x, kind, note)

    # --- paid without a valid certificate ------------------------------------------------
    alive = (lambda x: pl.lasting(x) and 18 <= pl.age(x) <= 75)
    for kind, _ in cases(n, ["renewed_on_expiry", "stopped_on_revocation"]):
        x = _person(pl, alive)
        if x < 0:
            continue
        subsidy = "care" if rng.random() < 0.5 else "living"
        grade = int(rng.integers(1, 3))
        end_m = int(month_index(BASE))
        if kind == "true":
            cut = int(rng.integers(day(2023, 6, 1), BASE - 150))
            if rng.random() < 0.5:
                issued = cut - years(VALID_YEARS)
                add_cert(w, rng, x, issued, cut, grade=grade)
                note = f"certificate expired {dates.iso1(cut)}, not renewed; still paid 证件过期未换领仍发放"
            else:
                issued = cut - int(rng.integers(years(2), years(VALID_YEARS - 1)))
                add_cert(w, rng, x, issued, issued + years(VALID_YEARS), revoked=cut, grade=grade)
                note = f"certificate revoked {dates.iso1(cut)}; still paid 证件注销后仍发放"
        elif kind == "renewed_on_expiry":
            cut = int(rng.integers(day(2023, 6, 1), BASE - 150))
            issued = cut - years(VALID_YEARS)
            cat, _ = add_cert(w, rng, x, issued, cut, grade=grade)
            add_cert(w, rng, x, cut - int(rng.integers(0, 40)), cut + years(VALID_YEARS), category=cat, grade=grade)
            note = f"decoy: certificate expired {dates.iso1(cut)} and was renewed 到期换领新证，继续发放"
        else:
            cut = int(rng.integers(day(2023, 6, 1), BASE - 150))
            issued = cut - int(rng.integers(years(2), years(VALID_YEARS - 1)))
            add_cert(w, rng, x, issued, issued + years(VALID_YEARS), revoked=cut, grade=grade)
            end_m = int(month_index(cut))
            note = f"decoy: certificate revoked {dates.iso1(cut)}; payments stopped that month 注销当月停发"
        # Never paid before the first certificate: that would be a true case of its own.
        pay(w, rng, x, subsidy, grade, np.arange(max(PAID_FROM, int(month_index(issued))), end_m + 1))
        truth(WITHOUT_CERT, x, kind, note)

    # --- paid twice for the same month ---------------------------------------------------
    for kind, _ in cases(n, ["back_payment", "both_subsidies"]):
        x = _person(pl, alive)
        if x < 0:
            continue
        issued = int(rng.integers(BASE - years(VALID_YEARS - 1), day(2022, 6, 1)))   # valid through the data
        _, grade = add_cert(w, rng, x, issued, issued + years(VALID_YEARS), grade=int(rng.integers(1, 3)))
        subsidy = "care" if rng.random() < 0.5 else "living"
        all_m = np.arange(PAID_FROM, int(month_index(BASE)) + 1)
        if kind == "true":
            pay(w, rng, x, subsidy, grade, all_m)
            twice = np.sort(rng.choice(all_m[:-1], int(rng.integers(1, 4)), replace=False))
            other = [t for t in w.regions.town_name if t != town_of(w, x)]
            payer = str(other[int(rng.integers(len(other)))]) if other and rng.random() < 0.7 else None
            pay(w, rng, x, subsidy, grade, twice, payer=payer)
            note = (f"{KIND_ZH[subsidy]} paid twice for {len(twice)} month(s) from "
                    f"{dates.iso1(int(dates.month_first_day(twice[0])))[:7]} 同月重复发放")
        elif kind == "back_payment":
            k = int(rng.integers(3, len(all_m) - 3))
            late = int(k + rng.integers(1, 3))
            regular = np.delete(all_m, k)
            paid = pay(w, rng, x, subsidy, grade, regular)
            pay(w, rng, x, subsidy, grade, [all_m[k]], paid=[paid[int(all_m[late])]])
            note = "decoy: a missed month paid later (补发), in the same month as that month's payment 补发不算重复"
        else:
            pay(w, rng, x, "living", grade, all_m)
            pay(w, rng, x, "care", grade, all_m)
            note = "decoy: living and care subsidy for the same months (两项补贴可同时享受)"
        truth(TWICE, x, kind, note)


def background(w: World, allowed: np.ndarray) -> None:
    """Certificates for a share of the county, renewals and revocations, and the payments they support."""
    rng = w.rng("disability.background")
    p = w.people
    alive_2023 = p.death >= day(2023, 1, 1)
    cand = np.flatnonzero(allowed & ~w.used & alive_2023 & (p.birth <= BASE - years(6)))
    k = rng.choice(cand, min(len(cand), int(p.n * HOLDER_SHARE)), replace=False) if len(cand) else cand
    for x in np.sort(k):
        x = int(x)
        lo = max(int(p.birth[x]) + years(3), day(2008, 1, 1))
        # A first certificate within the last year would be a disabled_earner case (at_risk): older only.
        if lo >= BASE - years(1) - 40:
            continue
        issued = int(rng.integers(lo, BASE - years(1) - 40))
        valid = issued + years(VALID_YEARS)
        spells = []
        revoked = int(rng.integers(issued + 30, BASE)) if rng.random() < 0.03 else NONE
        cat, grade = add_cert(w, rng, x, issued, valid, revoked)
        spells.append((issued, min(valid, revoked)))
        if valid < BASE and revoked >= NONE and rng.random() < 0.85:
            renewed = valid - int(rng.integers(0, 60))
            add_cert(w, rng, x, renewed, renewed + years(VALID_YEARS), category=cat, grade=grade)
            spells.append((renewed, renewed + years(VALID_YEARS)))
        kinds = (["living"] if rng.random() < LIVING_SHARE else []) + (["care"] if grade <= 2 else [])
        death_m = int(month_index(min(int(p.death[x]), HORIZON)))
        covered = set()
        for a, b in spells:
            covered.update(int(m) for m in months(a, b))
        ms = np.array(sorted(m for m in covered if m <= death_m), dtype=np.int64)
        for kind in kinds:
            pay(w, rng, x, kind, grade, ms)


# --- extracts ----------------------------------------------------------------------
def cert_extract(ctx):
    """残疾人联合会 残疾人证信息 (layout a)."""
    from .extracts import frame
    from .mess import Spec
    T = certs(ctx.w)
    spec = Spec(
        file="canlian_canjizheng.csv", agency="残疾人联合会", title="残疾人证信息", title_en="disability certificates",
        encoding="utf-8",
        columns=["残疾人证号", "姓名", "身份证号", "残疾类别", "残疾等级", "发证日期", "有效期至", "证件状态", "注销日期"],
        id_cols=["身份证号"], date_cols=["发证日期", "有效期至", "注销日期"], key_cols=["残疾人证号"],
        text_cols=["姓名"], date_style="iso", invalid=0.0005,
        notes="One row per certificate (a renewed or re-assessed person has several; 证号 is the citizen ID, "
              "category, grade and a sequence). 残疾类别 GB/T 26341 codes 1 视力 … 7 多重; 残疾等级 一级…四级; "
              "证件状态 正常/过期/注销.")
    issued = T.col("issued").astype(np.int64)
    k = np.flatnonzero(issued <= ctx.as_of)
    k = k[np.argsort(issued[k], kind="stable")]
    x = T.col("person").astype(np.int64)[k]
    revoked = T.col("revoked").astype(np.int64)[k]
    revoked = np.where(revoked <= ctx.as_of, revoked, NONE)
    valid = T.col("valid_to").astype(np.int64)[k]
    status = np.where(revoked < NONE, "注销", np.where(valid < ctx.as_of, "过期", "正常"))
    df = frame(**{"残疾人证号": T.col("cert")[k], "姓名": ctx.nm(x), "身份证号": ctx.cid(x),
                  "残疾类别": T.col("category")[k].astype(str),
                  "残疾等级": np.array([GRADE_ZH[int(g)] for g in T.col("grade")[k]], dtype=object),
                  "发证日期": issued[k], "有效期至": valid, "证件状态": status, "注销日期": revoked,
                  "_protected": ctx.protected(x)})
    return spec, iter([df]), "姓名"


def cert_extract_b(ctx):
    """The federation's issuing ledger (layout b): Excel, category in words, grade as a digit, compact dates."""
    from .extracts_b import relayout
    build = relayout(cert_extract, "残疾人证核发台账.xlsx", {
        "持证人": "姓名", "公民身份号码": "身份证号", "证号": "残疾人证号",
        "类别": lambda d, c: np.array([CATEGORY_ZH[int(v)] for v in d["残疾类别"]], dtype=object),
        "等级": lambda d, c: np.array([str({v: k for k, v in GRADE_ZH.items()}[g]) for g in d["残疾等级"]],
                                     dtype=object),
        "核发时间": "发证日期", "有效截止": "有效期至", "状态": "证件状态", "注销时间": "注销日期"},
        "disability_certs_b", encoding="xlsx", crlf=False, date_style="compact",
        notes="The issuing ledger; 类别 in words (视力 … 多重), 等级 1–4; dates like 20240105.")
    return build(ctx)


def pay_extract(ctx):
    """残疾人两项补贴发放信息 (layout a)."""
    from .extracts import frame
    from .mess import Spec
    T = payments(ctx.w)
    spec = Spec(
        file="canlian_liangxiang.csv", agency="残疾人联合会", title="残疾人两项补贴发放信息",
        title_en="disability subsidy payments", encoding="utf-8",
        columns=["发放流水号", "姓名", "身份证号", "残疾人证号", "补贴类别", "补贴月份", "发放金额(元)", "发放日期", "发放乡镇"],
        id_cols=["身份证号"], date_cols=["发放日期"], month_cols=["补贴月份"], key_cols=["发放流水号"],
        text_cols=["姓名"], date_style="iso",
        notes="One row per monthly payment from January 2023: 补贴类别 生活补贴 (困难残疾人生活补贴) / 护理补贴 "
              "(重度残疾人护理补贴); 补贴月份 is the month paid for, 发放日期 the day paid (补发 is paid later).")
    paid = T.col("paid").astype(np.int64)
    k = np.flatnonzero(paid <= ctx.as_of)
    k = k[np.lexsort((T.col("person").astype(np.int64)[k], paid[k]))]
    x = T.col("person").astype(np.int64)[k]
    C = certs(ctx.w)
    last_cert = dict(zip(C.col("person").astype(np.int64).tolist(), C.col("cert").tolist()))
    df = frame(**{"发放流水号": T.col("serial")[k], "姓名": ctx.nm(x), "身份证号": ctx.cid(x),
                  "残疾人证号": np.array([last_cert.get(int(v), "") for v in x], dtype=object),
                  "补贴类别": np.array([KIND_ZH[v] for v in T.col("kind")[k]], dtype=object),
                  "补贴月份": T.col("month").astype(np.int64)[k], "发放金额(元)": T.col("amount")[k].astype(str),
                  "发放日期": paid[k], "发放乡镇": T.col("payer")[k], "_protected": ctx.protected(x)})
    return spec, iter([df]), "姓名"


def pay_extract_b(ctx):
    """The towns' payment roll (layout b): GBK, the subsidy named in full, 年月日 dates."""
    from .extracts_b import relayout
    build = relayout(pay_extract, "残疾人两项补贴花名册.csv", {
        "乡镇(街道)": "发放乡镇", "流水号": "发放流水号", "补贴对象": "姓名", "身份证号码": "身份证号",
        "补贴类型": lambda d, c: np.array([KIND_ZH_FULL[{v: k for k, v in KIND_ZH.items()}[s]]
                                          for s in d["补贴类别"]], dtype=object),
        "所属年月": "补贴月份", "金额(元)": "发放金额(元)", "发放时间": "发放日期"},
        "disability_pay_b", encoding="gbk", crlf=True, date_style="cn",
        notes="The towns' roll; 补贴类型 困难残疾人生活补贴/重度残疾人护理补贴; 所属年月 the month paid for.")
    return build(ctx)
