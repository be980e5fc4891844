"""Student aid (教育局 学生资助) and the planted education-aid cases.

Schools pay aid per term (学期: 1 autumn from September, 2 spring from March)
to students certified as in financial need (家庭经济困难学生认定) on a basis:
a dibao or destitute-support household, a household lifted out of poverty,
disability, or other hardship. Kinds by school stage: 学前教育资助 (3–5),
义务教育生活补助 (6–14), 普通高中国家助学金 and 普通高中免学杂费 (15–17);
the last two may lawfully be combined in one term.

Planted (hidden_assets, subject the student, no grant of their own):
- student_aid_twice: the same kind of aid paid twice for one term (two
  schools, or twice by one). Decoy: combinable_programmes — 国家助学金 and
  免学杂费 in the same term.
- student_aid_basis_lapsed: aid certified on the dibao basis after the
  household's dibao grant had ended, with no grant since. Decoy:
  certified_before_grant_ended — the last aid on that basis was certified the
  term before the grant ended.
Background: every student of a household on dibao or destitute support is
certified on that basis while the grant runs; a few other students on other
bases. The background never pays twice and never certifies on a lapsed basis.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .dates import BASE, HORIZON, NONE, day
from .world import Table, World

FAMILY = "hidden_assets"
TWICE, LAPSED = "student_aid_twice", "student_aid_basis_lapsed"
KIND_CODE = {"preschool": "01", "compulsory": "02", "grant": "03", "fee": "05"}
KIND_ZH = {"preschool": "学前教育资助", "compulsory": "义务教育家庭经济困难学生生活补助",
           "grant": "普通高中国家助学金", "fee": "普通高中免学杂费"}
AMOUNT = {"preschool": 500, "compulsory": 625, "grant": 1000, "fee": 800}
BASIS_CODE = {"dibao": "1", "destitute": "2", "poverty": "3", "disability": "4", "other": "9"}
BASIS_ZH = {"dibao": "低保家庭", "destitute": "特困供养", "poverty": "脱贫家庭", "disability": "残疾学生",
            "other": "其他经济困难"}
OTHER_SHARE = 0.03


def terms() -> list[tuple[str, int, int]]:
    """(term code like 2024-2025-1, school year start, term start day), autumn 2022 to the horizon."""
    out = []
    for y in range(2022, 2028):
        for sem, start in ((2, day(y, 3, 1)), (1, day(y, 9, 1))):
            sy = y if sem == 1 else y - 1
            if day(2022, 9, 1) <= start <= HORIZON:
                out.append((f"{sy}-{sy + 1}-{sem}", sy, start))
    return sorted(out, key=lambda t: t[2])


def table(w: World) -> Table:
    """person, kind, term (code), basis, certified (day), paid (day), school, serial."""
    return w.tables.setdefault("student_aid", Table("person", "kind", "term", "basis", "certified", "paid",
                                                    "school", "serial"))


def kinds_at(age: int) -> list[str]:
    return ["preschool"] if 3 <= age <= 5 else ["compulsory"] if 6 <= age <= 14 else \
        ["grant", "fee"] if 15 <= age <= 17 else []


def school_of(w: World, x: int, kind: str, other: bool = False) -> str:
    r = w.regions
    t = int(r.village_town[w.hh.village[w.hh.of[x]]])
    if other:
        t = (t + 1) % len(r.town_name)
    town = str(r.town_name[t])
    return f"青禾县{town}{'中心幼儿园' if kind == 'preschool' else '中心学校' if kind == 'compulsory' else '中学'}" \
        if kind != "grant" and kind != "fee" else f"青禾县第{t % 3 + 1}中学"


def pay(w: World, rng, x: int, kind: str, term: tuple, basis: str, school: str | None = None,
        certified: int | None = None) -> None:
    T = table(w)
    code, _, start = term
    cert = start + int(rng.integers(3, 25)) if certified is None else certified
    paid = cert + int(rng.integers(25, 60))
    T.add(person=int(x), kind=kind, term=code, basis=basis, certified=int(cert), paid=int(paid),
          school=school_of(w, x, kind) if school is None else school,
          serial=f"ZZ{code[:4]}{code[-1]}{len(T) + 1:07d}")


def _age(birth: int, when: int) -> int:
    """Whole years, to the day or so: enough to place a student in a school stage."""
    return int((when - birth) // 365.25)


def _children(pl, h: int, lo: int, hi: int, when: int = BASE) -> list[int]:
    return [int(m) for m in pl.members_of(h) if lo <= pl.age(int(m), when) <= hi and pl.lasting(int(m))]


def plant(pl, n: int) -> None:
    from .planting import cases
    w, rng = pl.w, pl.w.rng("education.plant")
    table(w)
    planted = w.__dict__.setdefault("student_aid_planted", set())
    TS = [t for t in terms() if t[2] + 90 <= BASE]

    def truth(pattern, x, g, kind, note):
        w.add_truth(FAMILY, pattern, x, int(w.hh.of[x]), kind != "true", note, related=x, kind=kind)

    for kind, _ in cases(n, ["combinable_programmes"]):
        lo, hi = (15, 16) if kind == "combinable_programmes" else (7, 13)
        h = pl.take_household(lambda h: bool(_children(pl, h, lo, hi)))
        if h < 0:
            continue
        s = pl.grant_start(hi=day(2023, 6, 1))
        g = pl.grant(h, s)
        x = _children(pl, h, lo, hi)[0]
        planted.add(x)
        term = TS[int(rng.integers(len(TS) - 2, len(TS)))]   # a recent term: the student is still of that stage
        if kind == "true":
            k = "compulsory"
            two_schools = rng.random() < 0.6
            pay(w, rng, x, k, term, "dibao")
            pay(w, rng, x, k, term, "dibao", school=school_of(w, x, k, other=two_schools))
            note = (f"{KIND_ZH[k]} paid twice for term {term[0]} "
                    f"{'by two schools 两校重复' if two_schools else 'by one school 同校重复'}")
        else:
            pay(w, rng, x, "grant", term, "dibao")
            pay(w, rng, x, "fee", term, "dibao")
            note = f"decoy: 国家助学金 and 免学杂费 in term {term[0]}, which may be combined 可同时享受"
        truth(TWICE, x, g, kind, note)

    for kind, _ in cases(n, ["certified_before_grant_ended"]):
        h = pl.take_household(lambda h: bool(_children(pl, h, 7, 12)))
        if h < 0:
            continue
        # the grant ends between two terms that both lie in the data
        i = int(rng.integers(1, len(TS) - 1))
        prev, nxt = TS[i - 1], TS[i]
        e = nxt[2] - int(rng.integers(30, 100))
        s = pl.grant_start(hi=min(prev[2] - 60, day(2023, 1, 1)))
        g = pl.grant(h, s, end=e)
        x = _children(pl, h, 7, 12)[0]
        planted.add(x)
        pay(w, rng, x, "compulsory", prev, "dibao")
        if kind == "true":
            pay(w, rng, x, "compulsory", nxt, "dibao")
            note = f"dibao grant ended {dates.iso1(e)}; aid for term {nxt[0]} still certified on the dibao basis 低保已停仍按低保认定"
        else:
            note = f"decoy: aid for term {prev[0]} certified before the grant ended {dates.iso1(e)} 停保前认定"
        truth(LAPSED, x, g, kind, note)


def background(w: World) -> None:
    """Students of households on dibao or destitute support, certified on that basis while the grant runs."""
    rng = w.rng("education.background")
    p, G = w.people, w.tables["grants"]
    planted = w.__dict__.get("student_aid_planted", set())
    by_hh: dict[int, list[tuple[str, int, int]]] = {}
    for h, prog, s, e in zip(G.col("household").astype(np.int64).tolist(), G.col("programme").tolist(),
                             G.col("start").astype(np.int64).tolist(), G.col("end").astype(np.int64).tolist()):
        if prog in ("1", "2"):
            by_hh.setdefault(h, []).append(("dibao" if prog == "1" else "destitute", s, e))
    members = w.hh.members()
    order, start = members
    TS = terms()
    for h, spells in by_hh.items():
        kids = [int(x) for x in order[start[h]:start[h + 1]] if int(x) not in planted]
        for x in kids:
            for term in TS:
                cert = term[2] + int(rng.integers(3, 25))
                basis = next((b for b, s, e in spells if s <= cert <= e), None)
                age = _age(int(p.birth[x]), cert)
                if basis is None or p.death[x] <= cert or not kinds_at(age):
                    continue
                for k in kinds_at(age):
                    pay(w, rng, x, k, term, basis, certified=cert)
    # a few students certified on other bases
    in_grant = np.zeros(p.n, dtype=bool)
    in_grant[w.tables["members"].col("person").astype(np.int64)] = True
    age = dates.age_on(p.birth, np.full(p.n, BASE))
    cand = np.flatnonzero(~in_grant & (age >= 4) & (age <= 17) & (p.death > HORIZON))
    cand = np.array([x for x in cand.tolist() if x not in planted and w.hh.of[x] not in by_hh], dtype=np.int64)
    pick = cand[rng.random(len(cand)) < OTHER_SHARE]
    for x in pick.tolist():
        basis = ["poverty", "disability", "other"][int(rng.integers(3))]
        for term in TS[-4:]:
            cert = term[2] + int(rng.integers(3, 25))
            for k in kinds_at(_age(int(p.birth[x]), cert)):
                pay(w, rng, x, k, term, basis, certified=cert)


# --- extracts ----------------------------------------------------------------------
def extract(ctx):
    """教育局 学生资助发放信息 (layout a): codes for kind and basis, 学年 and 学期 apart."""
    from .extracts import frame
    from .mess import Spec
    T = table(ctx.w)
    k = ctx.known(T, "paid")
    spec = Spec(
        file="jiaoyu_zizhu.csv", agency="教育局(学生资助管理中心)", title="学生资助发放信息",
        title_en="student aid payments", encoding="utf-8-sig",
        columns=["发放流水号", "学年", "学期", "学校名称", "资助项目代码", "学生姓名", "身份证件号", "认定类型",
                 "认定日期", "资助金额(元)", "发放日期"],
        id_cols=["身份证件号"], date_cols=["认定日期", "发放日期"], key_cols=["发放流水号"],
        text_cols=["学生姓名", "学校名称"], date_style="iso",
        notes="One row per term's payment. 学期 1 秋季 / 2 春季; 资助项目代码 01 学前教育资助, 02 义务教育生活补助, "
              "03 普通高中国家助学金, 05 普通高中免学杂费 (03 and 05 may be combined); 认定类型 1 低保家庭, 2 特困供养, "
              "3 脱贫家庭, 4 残疾学生, 9 其他经济困难.")
    x = T.col("person").astype(np.int64)[k]
    term = T.col("term")[k]
    df = frame(**{"发放流水号": T.col("serial")[k], "学年": np.array([t[:9] for t in term], dtype=object),
                  "学期": np.array([t[-1] for t in term], dtype=object), "学校名称": T.col("school")[k],
                  "资助项目代码": np.array([KIND_CODE[v] for v in T.col("kind")[k]], dtype=object),
                  "学生姓名": ctx.nm(x), "身份证件号": ctx.cid(x),
                  "认定类型": np.array([BASIS_CODE[v] for v in T.col("basis")[k]], dtype=object),
                  "认定日期": T.col("certified").astype(np.int64)[k],
                  "资助金额(元)": np.array([str(AMOUNT[v]) for v in T.col("kind")[k]], dtype=object),
                  "发放日期": T.col("paid").astype(np.int64)[k], "_protected": ctx.protected(x)})
    return spec, iter([df]), "学生姓名"


def extract_b(ctx):
    """The schools' payment roll (layout b): Excel, kind and basis in words, 秋季/春季学期, 年月日 dates."""
    from .extracts_b import relayout
    inv_kind = {v: k for k, v in KIND_CODE.items()}
    inv_basis = {v: k for k, v in BASIS_CODE.items()}
    build = relayout(extract, "学生资助发放名单.xlsx", {
        "学校": "学校名称", "学生姓名": "学生姓名", "证件号码": "身份证件号",
        "学年度": "学年",
        "学期": lambda d, c: np.array(["秋季学期" if s == "1" else "春季学期" for s in d["学期"]], dtype=object),
        "资助项目": lambda d, c: np.array([KIND_ZH[inv_kind[v]] for v in d["资助项目代码"]], dtype=object),
        "困难类型": lambda d, c: np.array([BASIS_ZH[inv_basis[v]] for v in d["认定类型"]], dtype=object),
        "认定时间": "认定日期", "金额": "资助金额(元)", "发放时间": "发放日期", "批次流水号": "发放流水号"},
        "student_aid_b", encoding="xlsx", crlf=False, date_style="cn",
        notes="The schools' roll; 资助项目 and 困难类型 in words; 学年度 like 2024-2025; 学期 秋季学期/春季学期.")
    return build(ctx)
