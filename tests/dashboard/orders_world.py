"""Three units, their people and a few clues: the world the order tests act in."""
from __future__ import annotations

from reliefgraph.dashboard import accounts, units
from reliefgraph.dashboard.permissions import Viewer
from reliefgraph.queries import clues

JW, MZ, TOWN, OTHER_TOWN = "county_jw", "county_mz", "town_a", "town_b"
ID_A = "52010119800101123X"
ID_B = "520101198502020021"

# user name → (role, unit)
PEOPLE = {
    "disp": ("dispatcher", JW),        # county discipline commission: dispatches
    "rev": ("reviewer", JW),           # and reviews
    "rev2": ("reviewer", JW),
    "ana": ("analyst", JW),
    "mzdisp": ("dispatcher", MZ),
    "mzver": ("verifier", MZ),
    "ver": ("verifier", TOWN),         # the town verifies
    "ver2": ("verifier", TOWN),
    "towndisp": ("dispatcher", TOWN),  # the town's lead, who hands work out
    "townrev": ("reviewer", TOWN),
    "farver": ("verifier", OTHER_TOWN),
    "boss": ("admin", None),
    "loner": ("dispatcher", None),     # in no unit
}


def viewer(name: str, clear: frozenset[str] = frozenset()) -> Viewer:
    role, unit = PEOPLE[name]
    return Viewer(name, role, clear, unit)


def make_world(engine, n_clues: int = 3) -> list[str]:
    for unit_id, name, kind in ((JW, "某县纪委监委", "discipline"), (MZ, "某县民政局", "civil_affairs"),
                                (TOWN, "某某镇人民政府", "town"), (OTHER_TOWN, "另一镇人民政府", "town")):
        units.add_unit(engine, unit_id, name, kind)
    # Straight into the table: Argon2 at full strength costs 0.2 s a user.
    with engine.begin() as conn:
        for name, (role, unit) in PEOPLE.items():
            conn.execute(accounts.users.insert().values(username=name, display_name=name, role=role, unit_id=unit,
                                                        password_hash="-", active=True, created="2026-11-01"))
    return [add_clue(engine, f"c{i}", severity=("high", "medium", "low")[i % 3]) for i in range(n_clues)]


def add_clue(engine, cid: str, severity: str = "high", rule_ids=("car_during_grant",), subject: str = ID_A,
             evidence: dict | None = None, active: bool = True) -> str:
    with engine.begin() as conn:
        conn.execute(clues.clues.insert().values(
            clue_id=cid, family="hidden_assets", subject_id=subject, subject_name="张三", score=0.8,
            severity=severity, rule_ids=list(rule_ids), summary="…", status="new", active=active,
            first_seen="2026-11-01", last_seen="2026-11-01"))
        conn.execute(clues.findings.insert().values(
            clue_id=cid, rule_id=rule_ids[0], facts={}, narrative="…", run_id=1,
            evidence=evidence or {"nodes": [], "relationships": []}))
    return cid
