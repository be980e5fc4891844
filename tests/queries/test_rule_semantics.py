"""Rules on small hand-built graphs whose right answer is known: evidence paths
are the shortest, kinship follows the duty of support, jurisdiction and base
rates decide concentration."""
from __future__ import annotations

from reliefgraph.queries.narrative import kinship
from reliefgraph.queries.rules import load_rules, run_rule

AS_OF = "2026-10-31"


def rule(rule_id: str):
    return next(r for r in load_rules() if r.id == rule_id)


def hits(store, rule_id: str, **params):
    found, _ = run_rule(store, rule(rule_id), AS_OF, params)
    return found


def kin_steps(path: dict) -> int:
    return sum(1 for r in path["relationships"] if r["_type"] == "KIN")


# Cadre C and recipient H are siblings (one recorded KIN edge) and also share
# many recorded parents' spouses / step-parents: a dozen 2-hop routes between them.
SIBLINGS_WITH_DETOURS = """
    CREATE (hh:Household {household_id: 'H1', region_code: '451299101201'}),
           (ch:Household {household_id: 'H2', region_code: '451299101201'}),
           (g:Grant {grant_id: 'G1', programme: 'dibao', start: '2022-01-01', region_code: '451299101201'}),
           (h:Person {citizen_id: 'H', name: '甲'}), (c:Person {citizen_id: 'C', name: '乙'}),
           (o:Org {org_code: '451299101201', region_code: '451299101201', name: '某村委会'}),
           (hh)-[:RECEIVES]->(g), (g)-[:HELD_BY]->(h), (h)-[:BENEFICIARY_OF]->(g),
           (h)-[:MEMBER_OF {relation: 'head'}]->(hh), (c)-[:MEMBER_OF {relation: 'head'}]->(ch),
           (c)-[:HOLDS_POST {start: '2020-01-01', role: 'director'}]->(o),
           (g)-[:APPROVED_BY]->(c)
    WITH h, c
    UNWIND range(1, 12) AS i
    CREATE (x:Person {citizen_id: 'X' + toString(i)}), (h)-[:KIN {kind: 'parent'}]->(x), (c)-[:KIN {kind: 'parent'}]->(x)
    WITH DISTINCT h, c
    CREATE (h)-[:KIN {kind: 'sibling'}]->(c)
"""


def test_evidence_shows_the_one_hop_kinship_not_a_two_hop_detour(empty_falkor):
    empty_falkor.write(SIBLINGS_WITH_DETOURS)
    for rule_id in ("approved_by_relative", "cadre_relative_unfiled"):
        (hit,) = hits(empty_falkor, rule_id)
        assert hit.facts["kin_hops"] == 1, rule_id
        assert kin_steps(hit.paths[0]) == 1, rule_id
        assert kinship(hit.paths[0]) == "兄弟姐妹", rule_id
