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


# Holder H (grant G1, household HH1 with spouse W registered but not listed as
# covered). Relatives in other households: parent P, child K, child D, sibling S.
DUTY_OF_SUPPORT = """
    CREATE (hh:Household {household_id: 'HH1'}), (other:Household {household_id: 'HH2'}),
           (g:Grant {grant_id: 'G1', programme: 'dibao', start: '2022-01-01'}),
           (h:Person {citizen_id: 'H', name: '甲'}), (w:Person {citizen_id: 'W', name: '妻'}),
           (p:Person {citizen_id: 'P', name: '父'}), (k:Person {citizen_id: 'K', name: '子'}),
           (d:Person {citizen_id: 'D', name: '女'}), (s:Person {citizen_id: 'S', name: '兄'}),
           (hh)-[:RECEIVES]->(g), (g)-[:HELD_BY]->(h), (h)-[:BENEFICIARY_OF]->(g),
           (h)-[:MEMBER_OF {relation: 'head'}]->(hh), (w)-[:MEMBER_OF {relation: 'spouse'}]->(hh),
           (p)-[:MEMBER_OF {relation: 'head'}]->(other), (s)-[:MEMBER_OF {relation: 'child'}]->(other),
           (h)-[:KIN {kind: 'spouse'}]->(w), (h)-[:KIN {kind: 'parent'}]->(p), (k)-[:KIN {kind: 'parent'}]->(h),
           (d)-[:KIN {kind: 'parent'}]->(h), (s)-[:KIN {kind: 'sibling'}]->(h),
           (w)-[:OWNS {start: '2023-01-01'}]->(:Vehicle {vin: 'VW', plate: '桂M0000W', vehicle_type: 'car'}),
           (p)-[:OWNS {start: '2023-01-01'}]->(:Vehicle {vin: 'VP', plate: '桂M0000P', vehicle_type: 'car'}),
           (s)-[:OWNS {start: '2023-01-01'}]->(:Vehicle {vin: 'VS', plate: '桂M0000S', vehicle_type: 'car'}),
           (k)-[:OWNS {start: '2020-01-01'}]->(:Property {cert_no: 'CK', property_type: 'commercial'}),
           (d)-[:SHAREHOLDER {share: 0.5}]->(:Company {credit_code: 'CD', name: '某公司', established: '2019-01-01'})
"""


def test_relative_asset_counts_only_relatives_who_owe_support_in_another_household(empty_falkor):
    empty_falkor.write(DUTY_OF_SUPPORT)
    found = {(h.related_id, h.facts["asset_id"]) for h in hits(empty_falkor, "relative_asset")}
    assert found == {("P", "桂M0000P"), ("K", "CK"), ("D", "CD")}, \
        "sibling S owes no support by default; spouse W is in the grant's own register household"
    relation = {h.related_id: kinship(h.paths[0]) for h in hits(empty_falkor, "relative_asset")}
    assert relation == {"P": "父母", "K": "子女", "D": "子女"}
    wider = {h.related_id for h in hits(empty_falkor, "relative_asset",
                                        duty_kinds=["spouse", "parent", "child", "sibling"])}
    assert wider == {"P", "K", "D", "S"}
