"""Planted households whose only working-age member became severely disabled and nobody helps.

A first disability certificate of grade 1 or 2 (重度残疾) issued in the last
year to the household's only member of working age means the household
lost its labour force: children and elderly remain. With no relief and no
monitoring since the certificate, it is at risk (因残). Decoys: another
working-age member remains, the grade is mild (三级/四级), the certificate is
a renewal of an old one (the disability is not new), or dibao followed.

The background issues first certificates only before the rule's window
(see disability.background), so every hit is a planted one.
"""
from __future__ import annotations

from . import dates
from .dates import BASE, NONE, years
from .disability import VALID_YEARS, add_cert
from .grants import DIBAO
from .at_risk import sole_earner
from .planting import Planter, cases

FAMILY = "at_risk"
PATTERN = "disabled_earner"
WINDOW_DAYS = 365


def plant(pl: Planter, n: int) -> None:
    w, rng = pl.w, pl.w.rng("at_risk.disability")
    kinds = ["other_earner_remains", "mild_grade", "renewed_certificate", "relief_after_certificate"]
    for kind, _ in cases(n, kinds):
        issued = BASE - int(rng.integers(30, WINDOW_DAYS - 30))

        def pick(h):
            return sole_earner(pl, h, lambda e: pl.lasting(e) and 25 <= pl.age(e, issued) <= 55
                               and 25 <= pl.age(e) <= 56,
                               other_earner_remains=kind == "other_earner_remains")
        h = pl.take_household(lambda h: pick(h) is not None)
        if h < 0:
            continue
        e = pick(h)
        w.used[pl.members_of(h)] = True
        w.protected[e] = True
        grade = int(rng.integers(3, 5)) if kind == "mild_grade" else int(rng.integers(1, 3))
        if kind == "renewed_certificate":
            old = issued - years(VALID_YEARS) + int(rng.integers(0, 60))
            if old <= int(w.people.birth[e]) + years(3):
                old = int(w.people.birth[e]) + years(4)
            cat, grade = add_cert(w, rng, e, old, issued + int(rng.integers(0, 60)), grade=grade)
            add_cert(w, rng, e, issued, issued + years(VALID_YEARS), category=cat, grade=grade)
        else:
            add_cert(w, rng, e, issued, issued + years(VALID_YEARS), NONE, grade=grade)
        head = int(w.hh.head[h])
        subject = head
        g = -1
        if kind == "relief_after_certificate":
            g = pl.grant(h, min(issued + int(rng.integers(30, 90)), BASE - 5), DIBAO, holder=head)
            note = f"decoy: dibao granted after the certificate of {dates.iso1(issued)} 认定后已纳入低保"
        elif kind == "other_earner_remains":
            note = "decoy: another working-age member remains 仍有其他劳动力"
        elif kind == "mild_grade":
            note = f"decoy: grade {grade} (mild) certificate 轻度残疾"
        elif kind == "renewed_certificate":
            note = "decoy: the certificate renews an old one, the disability is not new 换证"
        else:
            note = (f"only working-age member certified grade {grade} disabled on {dates.iso1(issued)}; "
                    "only children/elderly remain, no relief 主要劳动力新认定重度残疾且未获救助")
        w.add_truth(FAMILY, PATTERN, subject, h, kind != "true", note, grant=g, related=e,
                    kind=kind if kind != "true" else "")
