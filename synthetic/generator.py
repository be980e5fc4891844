"""The whole run: build the county, plant the cases, write extracts and answers.

Order matters for cleanliness: planted grants first, then background
grants away from planted assets and cadres, then the "allowed" mask (no
grant member within two kin hops), then planted assets needing third
parties, then the background economy inside that mask.
"""
from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import (background, cadre_conflict, cadres, dates, extracts, extracts_b, favour_relief, hidden_assets, households, ids, kin_networks, lookalikes, mashan, names,
               population, readme, regions, truth)
from . import at_risk, at_risk_jobs, cadre_self, disaster, custody, extracts_quhua, extracts_yibao, funeral, housing_fund
from . import at_risk_custody, at_risk_disability, at_risk_exit, disability, pension
from . import contributions, renovation, tax
from . import cross_county, education
from .assets import Assets
from .dates import NONE, day
from .grants import GrantBook, background as background_grants
from .kinship import Kin
from .mess import Report
from .planting import Planter, PopulationTooSmall, case_counts
from .world import World

SCENARIOS = ("standard", "mashan")
MIN_PERSONS = 1_000


class GenerateError(ValueError):
    """A user error; the message is bilingual and says what to do."""


@dataclass
class Result:
    out: Path
    files: list           # (spec, rows)
    truth: dict
    persons: int
    as_of: str


def build_world(persons: int, seed: int, scenario: str):
    ss = np.random.SeedSequence(seed)

    def rng(k: int):
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, k])))
    regs = regions.build(rng(1), persons)
    clans = names.village_clans(rng(2), regs.n_villages)
    people = population.build(rng(3), persons, regs, clans)
    hh = households.build(rng(4), people, regs)
    w = World(seed=seed, scenario=scenario, rng_seed=ss, regions=regs, people=people, hh=hh, kin=Kin(people))
    w.ids = ids.assign_citizen_ids(rng(5), people.origin, people.birth, people.sex)
    w.ethnic = _ethnic(rng(6), people)
    return w


def _ethnic(rng, p) -> np.ndarray:
    codes = np.array(["08", "01", "06", "12"], dtype=object)
    eth = codes[rng.choice(4, p.n, p=[0.6, 0.33, 0.05, 0.02])]
    for g in range(1, int(p.gen.max(initial=0)) + 1):  # children follow the father
        k = np.flatnonzero((p.gen == g) & (p.father >= 0))
        eth[k] = eth[p.father[k]]
    return eth


def plant_and_fill(w: World, persons: int):
    cad = cadres.build(w)
    book = GrantBook(w, cad)
    pl = Planter(w, cad, book)
    a = Assets(w)
    n_true, _ = case_counts(persons)
    later: list = []
    hidden_assets.plant(pl, a, n_true, later)
    fav = favour_relief.plant(pl, n_true)
    custody.plant(pl, n_true)
    funeral.plant(pl, n_true)
    housing_fund.plant(pl, n_true)
    tax.plant(pl, n_true)
    contributions.plant(pl, n_true)
    renovation.plant(pl, a, n_true)
    cadre_self.plant(pl, n_true)
    at_risk.plant(pl, a, n_true)
    at_risk_jobs.plant(pl, a, n_true)
    disaster.plant(pl, n_true)
    disability.plant(pl, n_true)
    pension.plant(pl, n_true)
    at_risk_disability.plant(pl, n_true)
    at_risk_exit.plant(pl, n_true)
    at_risk_custody.plant(pl, n_true)
    cross_county.plant(pl, n_true)
    education.plant(pl, n_true)
    n_planted_grants = len(w.tables["grants"])
    on_roster = mashan.roster(pl) if w.scenario == "mashan" else np.zeros(w.people.n, dtype=bool)

    hh_bad = np.zeros(w.hh.n, dtype=bool)
    np.logical_or.at(hh_bad, w.hh.of, pl.no_grant | pl.near_cadre | pl.cadre | w.used)
    background_grants(book, ~hh_bad)
    M = w.tables["members"]
    pl.member[M.col("person").astype(np.int64)] = True
    allowed = ~w.kin.expand(pl.member, 2) & ~on_roster
    for act in later:
        act(allowed)
    cadre_conflict.plant(fav, a, n_true, allowed)
    mashan_people = mashan.plant(pl, a, allowed, on_roster) if w.scenario == "mashan" else None

    lookalikes.plant(w, pl, a, allowed, n_planted_grants, on_roster)
    bg = allowed & ~w.used
    custody.background(w, bg)
    funeral.background(w)
    disaster.background(w, ~w.used)
    background.vehicles(w, a, bg)
    before = np.full(w.hh.n, NONE)
    before[pl.skip_homestead] = day(1900, 1, 1)
    R = w.tables["roster"]
    if len(R):
        before[R.col("household").astype(np.int64)] = R.col("entry").astype(np.int64) - 30
    background.properties(w, a, bg, before)
    background.companies(w, a, bg)
    background.payroll(w, a, bg)
    housing_fund.background(w, bg)
    disability.background(w, bg)
    pension.background(w, bg)
    tax.background(w, pl, bg, n_planted_grants)
    contributions.background(w, bg, n_planted_grants)
    renovation.background(w, pl, n_planted_grants)
    cross_county.background(w, bg)
    education.background(w)
    C, Ro = w.tables["companies"], w.tables["roles"]
    dirty = pl.near_cadre | w.used
    clean = ~dirty[C.col("rep").astype(np.int64)]
    if len(Ro):
        bad = np.zeros(len(C), dtype=bool)
        np.logical_or.at(bad, Ro.col("company").astype(np.int64), dirty[Ro.col("person").astype(np.int64)])
        clean &= ~bad
    background.projects(w, a, clean, 3 * w.regions.n_villages)
    background.welfare_posts(w, ~pl.near_cadre & ~w.used & ~on_roster)
    at_risk.background_bills(pl)
    kin_networks.settle(fav, fav.networks)
    order = w.rng("contacts").permutation(w.people.n)
    w.phone = ids.phones(order)
    w.account = ids.bank_accounts(order[::-1].copy())
    return cad, n_planted_grants, mashan_people


def generate(persons: int = 20_000, seed: int = 1, out: str | Path = "./data/extracts",
             scenario: str = "standard", month: int = 1, layout: str = "a") -> Result:
    """layout: "a" (the first layout of every agency), "b" (the second) or "mixed" (one of the two per
    extract, chosen from the seed). The county and truth.csv do not depend on it."""
    if layout not in extracts_b.LAYOUTS:
        raise GenerateError(f"未知版式 {layout}，可选 a、b 或 mixed / unknown layout {layout!r}: use a, b or mixed")
    if scenario not in SCENARIOS:
        raise GenerateError(f"未知情景 {scenario}，可选 standard 或 mashan / unknown scenario {scenario!r}: "
                            "use standard or mashan")
    if persons < MIN_PERSONS:
        raise GenerateError(f"人口至少 {MIN_PERSONS} 人 / --persons must be at least {MIN_PERSONS}")
    if scenario == "mashan" and persons < mashan.MIN_PERSONS:
        raise GenerateError(f"马山情景至少需要 {mashan.MIN_PERSONS} 人，请加 --persons {mashan.MIN_PERSONS} / "
                            f"the mashan scenario needs --persons {mashan.MIN_PERSONS} or more")
    if not 1 <= month <= dates.MAX_MONTH:
        raise GenerateError(f"月份应为 1 到 {dates.MAX_MONTH} / --month must be 1..{dates.MAX_MONTH}")
    as_of = dates.as_of(month)
    w = build_world(persons, seed, scenario)
    try:
        cad, n_planted, mashan_people = plant_and_fill(w, persons)
    except PopulationTooSmall as e:
        raise GenerateError(str(e)) from e

    out = Path(out)
    if (out / truth.TRUTH_DIR).exists():
        shutil.rmtree(out / truth.TRUTH_DIR)
    out.mkdir(parents=True, exist_ok=True)
    truth_grants = np.zeros(len(w.tables["grants"]), dtype=bool)
    truth_grants[:n_planted] = True
    ctx = extracts.Ctx(w=w, as_of=as_of, fullname=_fullnames(w), truth_grants=truth_grants, cadre_posts=cad.posts)
    builders, chosen = extracts_b.choose(layout, scenario == "mashan", w.rng("layout.mixed"))
    medical, chosen["medical"] = extracts_yibao.choose(layout, w.rng("layout.mixed.medical"))
    disasters, chosen["disaster"] = disaster.choose(layout, w.rng("layout.mixed.disaster"))
    builders = builders + medical + disasters + [extracts_quhua.region_table]
    report = Report()
    written = extracts.write_all(ctx, builders, out, seed, report)
    # A file an earlier run left in the same folder (the other layout, a mashan roster) would be read as data.
    names = {s.file for s, _ in written}
    for f in extracts_b.FILES["a"] + extracts_b.FILES["b"]:
        if f not in names:
            (out / f).unlink(missing_ok=True)
    params = dict(scenario=scenario, seed=seed, persons=int(w.people.n), month=month, as_of=dates.iso1(as_of),
                  towns=len(w.regions.town_code), villages=int(w.regions.n_villages), layout=layout,
                  layouts=chosen)
    files = [dict(file=s.file, agency=s.agency, title=s.title, title_en=s.title_en, encoding=s.encoding, rows=r,
                  sha256=hashlib.sha256((out / s.file).read_bytes()).hexdigest(), columns=s.columns,
                  id_cols=s.id_cols, code_cols=s.code_cols, date_cols=s.date_cols, month_cols=s.month_cols,
                  key_cols=s.key_cols, idless_col=s.idless_col) for s, r in written]
    summary = truth.write(w, out, report, mashan_people, params, files)
    (out / "README.md").write_text(readme.render(params, written, summary), encoding="utf-8")
    return Result(out=out, files=written, truth=summary, persons=int(w.people.n), as_of=dates.iso1(as_of))


def _fullnames(w: World) -> np.ndarray:
    s = np.array(names.SURNAMES, dtype=object)[w.people.surname]
    return s + w.people.given
