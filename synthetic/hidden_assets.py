"""Planted hidden-asset cases (隐性财产) and their lawful look-alikes.

Each case is a dibao grant to a fresh household plus one fact that makes it
ineligible (or, for a decoy, a fact that only looks like it). Assets that
need a second party (a buyer, a company's other owner, a namesake) are made
in `later` callbacks, run once the background grants fix who must stay
clean.
"""
from __future__ import annotations

from . import dates
from .assets import Assets
from .dates import BASE, NONE, day, years
from .planting import Planter, cases

FAMILY = "hidden_assets"


def _truth(pl, pattern, g, decoy, note, related=-1, evidence="", kind=""):
    w = pl.w
    G = w.tables["grants"]
    w.add_truth(FAMILY, pattern, int(G.col("holder")[g]), int(G.col("household")[g]), decoy, note,
                grant=g, related=related, evidence=evidence, kind=kind)


def _owner_case(pl: Planter, lo=22, hi=60, extra=None):
    """A fresh household, a grant, and a member who may hold the asset."""
    h = pl.take_household(lambda h: (extra is None or extra(h)) and any(pl.asset_ok(m, h) for m in pl.adults(h, lo, hi)))
    if h < 0:
        return None
    s = pl.grant_start()
    cands = [m for m in pl.adults(h, lo, hi) if pl.asset_ok(m, h)]
    if not cands:
        return None
    owner = cands[int(pl.rng.integers(len(cands)))]
    g = pl.grant(h, s)
    pl.reserve_asset(owner)
    return h, s, g, owner


def _when(pl: Planter, s: int) -> tuple[int, str]:
    """An acquisition day: before the grant (still held) or during it."""
    if pl.rng.random() < 0.5:
        return s - int(pl.rng.integers(100, 1500)), "before grant, still held 申请前已有且仍持有"
    return s + int(pl.rng.integers(30, max(31, min(BASE - s - 30, 900)))), "during grant 享受期间购置"


def car_during_grant(pl: Planter, a: Assets, n: int, later: list):
    for kind, _ in cases(n, ["sold_before_grant", "disability_vehicle", "farm_tricycle"]):
        c = _owner_case(pl)
        if c is None:
            continue

        def act(allowed, kind=kind, c=c):
            h, s, g, owner = c
            if kind == "sold_before_grant":
                first = s - int(pl.rng.integers(years(2), years(6)))
                sold = s - int(pl.rng.integers(60, 500))
                buyer = pl.third_party(allowed)
                v = a.vehicle("car", first, [(owner, first, sold), (buyer, sold, NONE)])
                note = f"decoy: car sold {dates.iso1(sold)} before grant start 申请前已转让"
            else:
                t, when = _when(pl, s)
                vtype = {"true": "car", "disability_vehicle": "disability", "farm_tricycle": "farm"}[kind]
                v = a.vehicle(vtype, t, [(owner, t, NONE)])
                note = (f"car registered {dates.iso1(t)}, {when}" if kind == "true"
                        else f"decoy: {kind} ({vtype}) 残疾人专用车/农用三轮车不计入")
            _truth(pl, "car_during_grant", g, kind != "true", note, owner, a.vin(v), kind)
        later.append(act)


def housing(pl: Planter, a: Assets, n: int, later: list, pattern: str):
    towns = [v for v in range(pl.w.regions.n_villages) if pl.w.regions.village_urban[v]] or [0]
    for kind, _ in cases(n, ["homestead_only"]):
        c = _owner_case(pl, extra=lambda h: not pl.w.regions.village_urban[pl.w.hh.village[h]])
        if c is None:
            continue
        h, s, g, owner = c
        pl.skip_homestead[h] = True

        def act(allowed, kind=kind, c=c):
            h, s, g, owner = c
            v_home = int(pl.w.hh.village[h])
            if kind == "homestead_only":
                k = a.property(int(pl.w.hh.head[h]), "homestead", v_home, s - int(pl.rng.integers(years(3), years(20))))
                _truth(pl, pattern, g, True, "decoy: one rural homestead only 仅有农村宅基地", -1, a.cert(k), kind)
                return
            t, when = _when(pl, s)
            if pattern == "commercial_housing":
                k = a.property(owner, "commercial", int(pl.rng.choice(towns)), t)
                _truth(pl, pattern, g, False, f"commercial housing in the county town, {when}", owner, a.cert(k))
            else:
                k1 = a.property(owner, "homestead", v_home, s - int(pl.rng.integers(years(3), years(15))))
                other = int(pl.rng.integers(pl.w.regions.n_villages))
                second = "other" if pl.rng.random() < 0.5 else "homestead"
                k2 = a.property(owner, second, other, t)
                _truth(pl, pattern, g, False, f"two properties (homestead + {second}), second {when}",
                       owner, f"{a.cert(k1)};{a.cert(k2)}")
        later.append(act)


def company_role(pl: Planter, a: Assets, n: int, later: list):
    roles = ["legal_rep", "shareholder", "executive", "individual_business"]
    for i, (kind, _) in enumerate(cases(n, ["deregistered_before_grant"])):
        c = _owner_case(pl, 22, 60)
        if c is None:
            continue

        def act(allowed, kind=kind, c=c, role=roles[i % 4]):
            h, s, g, owner = c
            v = int(pl.w.hh.village[h])
            if kind != "true":
                est = s - int(pl.rng.integers(years(3), years(8)))
                dereg = s - int(pl.rng.integers(60, 700))
                if role in ("individual_business", "executive"):
                    k = a.company("individual_business", owner, v, est, dereg)
                else:
                    k = a.company("enterprise", owner, v, est, dereg, [(owner, 100.0, est, dereg)])
                _truth(pl, "company_role", g, True,
                       f"decoy: business deregistered {dates.iso1(dereg)} before grant 申请前已注销", owner, a.code(k), kind)
                return
            est, when = _when(pl, s)
            if role == "individual_business":
                k = a.company("individual_business", owner, v, est)
            elif role == "legal_rep":
                k = a.company("enterprise", owner, v, est, NONE, [(owner, 100.0, est, NONE)])
            else:
                rep = pl.third_party(allowed)
                sh = [(rep, 70.0, est, NONE)]
                ex = [(rep, "执行董事", est, NONE)]
                if role == "shareholder":
                    sh.append((owner, 30.0, est, NONE))
                else:
                    ex.append((owner, "监事", est, NONE))
                k = a.company("enterprise", rep, v, est, NONE, sh, ex)
            _truth(pl, "company_role", g, False, f"{role}, {when}", owner, a.code(k))
        later.append(act)


def public_payroll(pl: Planter, a: Assets, n: int, later: list):
    p = pl.w.people
    for kind, _ in cases(n, ["retired_before_grant", "namesake_on_payroll"]):
        if kind == "retired_before_grant":
            c = _owner_case(pl, 63, 75)
        else:
            c = _owner_case(pl, 25, 52)
        if c is None:
            continue

        def act(allowed, kind=kind, c=c):
            h, s, g, owner = c
            town = pl.w.town_of_village(int(pl.w.hh.village[h]))
            if kind == "namesake_on_payroll":
                x = int(pl.w.tables["grants"].col("holder")[g])
                z = pl.third_party(allowed, 25, 55, lambda z: p.sex[z] == p.sex[x] and p.surname[z] == p.surname[x]
                                   and pl.w.hh.village[pl.w.hh.of[z]] != pl.w.hh.village[h], required=False)
                if z < 0:
                    return
                p.given[z] = p.given[x]
                start = int(p.birth[z]) + years(23)
                a.payroll(z, "school", a.employer("school", town), start, a.retirement(z))
                _truth(pl, "public_payroll", g, True, "decoy: namesake with another ID on payroll 同名不同人", z, "", kind)
                return
            kind_job = ["school", "hospital", "government"][int(pl.rng.integers(3))]
            start = max(int(p.birth[owner]) + years(22), day(1985, 1, 1))
            if kind == "retired_before_grant":
                end = int(p.birth[owner]) + years(60 if p.sex[owner] == 1 else 55)
                if end >= s:
                    end = s - 200
                a.payroll(owner, kind_job, a.employer(kind_job, town), start, end, "退休")
                _truth(pl, "public_payroll", g, True, f"decoy: retired {dates.iso1(end)} before grant 申请前已退休", owner, kind=kind)
                return
            t, when = _when(pl, s)
            t = max(t, start)
            a.payroll(owner, kind_job, a.employer(kind_job, town), t, NONE)
            _truth(pl, "public_payroll", g, False, f"on payroll from {dates.iso1(t)}, {when}", owner)
        later.append(act)


def paid_after_death(pl: Planter, a: Assets, n: int, later: list):
    p = pl.w.people
    kin = pl.kin
    for kind, _ in cases(n, ["paid_in_death_month"]):
        d = BASE - int(pl.rng.integers(45, 420))
        h = pl.take_household(lambda h: 55 <= pl.age(int(pl.w.hh.head[h])) <= 80 and all(
            p.birth[k] < d for k in kin.children(int(pl.w.hh.head[h]))))
        if h < 0:
            continue
        s = pl.grant_start(day(2019, 1, 1), min(d - 200, day(2024, 6, 1)))
        x = int(pl.w.hh.head[h])
        if kind == "true":
            g = pl.grant(h, s, paid_through=True)
            note = f"holder died {dates.iso1(d)}; payments continue 死亡后仍发放"
        else:
            g = pl.grant(h, s, end=d)
            note = f"decoy: holder died {dates.iso1(d)}; last payment in the month of death 死亡当月发放"
        p.death[x] = d
        _truth(pl, "paid_after_death", g, kind != "true", note, kind=kind)


def double_enrolment(pl: Planter, a: Assets, n: int, later: list):
    w, p = pl.w, pl.w.people
    for kind, _ in cases(n, ["namesake_other_id"]):
        h = pl.take_household()
        if h < 0:
            continue
        x = int(w.hh.head[h])
        s1 = pl.grant_start()
        g1 = pl.grant(h, s1)
        town = w.town_of_village(int(w.hh.village[h]))
        if kind == "true":
            h2 = pl.take_household(lambda k: w.town_of_village(int(w.hh.village[k])) != town)
            if h2 < 0:
                continue
            s2 = s1 + int(pl.rng.integers(0, max(1, min(600, BASE - s1 - 90))))
            g2 = pl.grant(h2, s2, holder=x, members=[x])
            pl.member[pl.members_of(h2)] = True  # h2 reads as a recipient household: keep it clean
            _truth(pl, "double_enrolment", g1, False,
                   f"same ID also holds {pl.gid(g2)} in another town 同一身份证两地享受", evidence=pl.gid(g2))
        else:
            h3 = pl.take_household(lambda k: w.town_of_village(int(w.hh.village[k])) != town and
                                   p.sex[w.hh.head[k]] == p.sex[x] and p.surname[w.hh.head[k]] == p.surname[x])
            if h3 < 0:
                continue
            y = int(w.hh.head[h3])
            p.given[y] = p.given[x]
            g3 = pl.grant(h3, pl.grant_start())
            w.protected[y] = True
            _truth(pl, "double_enrolment", g1, True,
                   f"decoy: namesake with another ID holds {pl.gid(g3)} 同名不同身份证", y, pl.gid(g3), kind)


def relative_asset(pl: Planter, a: Assets, n: int, later: list):
    w, kin = pl.w, pl.kin

    def duty(h):
        """Everyone owing support to some member of h (parents, children, spouses)."""
        out = set()
        for m in pl.members_of(h):
            out.update(kin.neighbours(int(m)))
        return out

    def relatives(h, label):
        x = int(w.hh.head[h])
        rel = kin.close_relatives(x)
        rs = [r for r, lab in rel.items() if lab == label and w.hh.of[r] != h and pl.lasting(r)
              and 25 <= pl.age(r) <= 60 and not w.used[r] and not pl.cadre[r]
              and not w.hh_used[w.hh.of[r]]]
        if label == "sibling":  # a decoy must not also be some other member's child or parent
            d = duty(h)
            rs = [r for r in rs if r not in d]
        return rs

    for kind, _ in cases(n, ["sibling_no_duty"]):
        label = "child" if kind == "true" else "sibling"
        h = pl.take_household(lambda h: any(pl.asset_ok(r, h) for r in relatives(h, label)))
        if h < 0:
            continue
        s = pl.grant_start()
        g = pl.grant(h, s)
        rs = [r for r in relatives(h, label) if pl.asset_ok(r, h)]
        if not rs:
            continue
        r = rs[0]
        pl.reserve_asset(r)
        w.hh_used[w.hh.of[r]] = True

        def act(allowed, kind=kind, g=g, s=s, r=r, h=h):
            t, when = _when(pl, s)
            what = "car" if kind != "true" else ["car", "car", "commercial", "company"][int(pl.rng.integers(4))]
            if what == "car":
                ev = a.vin(a.vehicle("car", t, [(r, t, NONE)]))
            elif what == "commercial":
                towns = [v for v in range(w.regions.n_villages) if w.regions.village_urban[v]] or [0]
                ev = a.cert(a.property(r, "commercial", int(pl.rng.choice(towns)), t))
            else:
                ev = a.code(a.company("enterprise", r, int(w.hh.village[w.hh.of[r]]), t, NONE, [(r, 100.0, t, NONE)]))
            note = (f"holder's child in household {w.hh.number[w.hh.of[r]]} owns {what} ({when}); owes support 赡养义务人有财产"
                    if kind == "true" else "decoy: a sibling (no duty of support) owns a car 兄弟姐妹无赡养义务")
            _truth(pl, "relative_asset", g, kind != "true", note, r, ev, kind)
        later.append(act)


def plant(pl: Planter, a: Assets, n: int, later: list):
    car_during_grant(pl, a, n, later)
    housing(pl, a, n, later, "commercial_housing")
    housing(pl, a, n, later, "multiple_properties")
    company_role(pl, a, n, later)
    public_payroll(pl, a, n, later)
    paid_after_death(pl, a, n, later)
    double_enrolment(pl, a, n, later)
    relative_asset(pl, a, n, later)
