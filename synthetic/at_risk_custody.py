"""Planted households whose only working-age member was taken into custody and nobody helps.

When the one adult of working age goes to prison or is held on remand,
children and elderly are left without an earner (and children may be
事实无人抚养). With no relief or monitoring since the custody began, the
household is at risk. Decoys: another working-age member remains, temporary
relief followed the custody, or the member was released again.

The background's custody spells and custody's relative decoys begin before
the rule's window (see custody.WINDOW_START), so every hit is a planted one.
"""
from __future__ import annotations

from . import custody, dates
from .dates import BASE, NONE
from .grants import TEMPORARY
from .at_risk import sole_earner
from .planting import Planter, cases

FAMILY = "at_risk"
PATTERN = "earner_in_custody"
WINDOW_DAYS = 365


def plant(pl: Planter, n: int) -> None:
    w, rng = pl.w, pl.w.rng("at_risk.custody")
    custody.table(w)
    kinds = ["other_earner_remains", "relief_after_custody", "released"]
    for kind, _ in cases(n, kinds):
        start = BASE - int(rng.integers(60, WINDOW_DAYS - 30))

        def pick(h):
            return sole_earner(pl, h, lambda e: pl.lasting(e) and 22 <= pl.age(e, start) <= 55
                               and pl.asset_ok(e, h)
                               and not (kind == "relief_after_custody" and e == int(w.hh.head[h])),
                               other_earner_remains=kind == "other_earner_remains")
        h = pl.take_household(lambda h: pick(h) is not None)
        if h < 0:
            continue
        e = pick(h)
        w.used[pl.members_of(h)] = True
        pl.reserve_asset(e)
        end = start + int(rng.integers(20, 45)) if kind == "released" else NONE
        custody.add(w, rng, e, start, end)
        head = int(w.hh.head[h])
        g = -1
        if kind == "relief_after_custody":
            # Temporary relief, not dibao: where the grant roll lists no members, the register's members are
            # covered, the person in custody among them, and member_in_custody would rightly fire.
            g = pl.grant(h, min(start + int(rng.integers(30, 90)), BASE - 5), TEMPORARY, holder=head,
                         members=[int(m) for m in pl.members_of(h) if int(m) != e])
            note = f"decoy: temporary relief granted after the custody of {dates.iso1(start)} 羁押后已给予临时救助"
        elif kind == "other_earner_remains":
            note = "decoy: another working-age member remains 仍有其他劳动力"
        elif kind == "released":
            note = f"decoy: released {dates.iso1(end)} 已释放"
        else:
            note = (f"only working-age member in custody since {dates.iso1(start)}; only children/elderly remain, "
                    "no relief 唯一劳动力被羁押且未获救助")
        w.add_truth(FAMILY, PATTERN, head, h, kind != "true", note, grant=g, related=e,
                    kind=kind if kind != "true" else "")
