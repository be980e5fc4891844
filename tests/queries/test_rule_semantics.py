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


def village(store, code: str, households: int, granted: int) -> None:
    """A village register of `households` households, `granted` of them on dibao."""
    store.write("UNWIND range(1, $n) AS i CREATE (:Household {household_id: $code + '-' + toString(i), "
                "region_code: $code})", {"code": code, "n": households})
    store.write("""
        UNWIND range(1, $granted) AS i
        MATCH (x:Household {household_id: $code + '-' + toString(i)})
        CREATE (x)-[:RECEIVES]->(:Grant {grant_id: 'G' + x.household_id, programme: 'dibao', start: '2021-01-01',
                                         region_code: x.region_code})-[:HELD_BY]->
               (:Person {citizen_id: 'P' + x.household_id})
    """, {"code": code, "granted": granted})


def cadre_with_kin(store, cadre: str, post_code: str, kin_code: str, kin: int, granted: int) -> None:
    """Cadre of `post_code` with `kin` children, each heading a household in `kin_code`;
    the first `granted` of those households are on dibao."""
    store.write("""
        CREATE (c:Person {citizen_id: $cadre, name: '干部'})-[:HOLDS_POST {start: '2018-01-01', role: 'director'}]->
               (:Org {org_code: $post, region_code: $post, name: '村委会'}),
               (c)-[:MEMBER_OF {relation: 'head'}]->(:Household {household_id: $cadre + '-own', region_code: $post})
        WITH c
        UNWIND range(1, $kin) AS i
        CREATE (r:Person {citizen_id: $cadre + '-K' + toString(i)})-[:KIN {kind: 'parent'}]->(c),
               (r)-[:MEMBER_OF {relation: 'head'}]->(:Household {household_id: $cadre + '-KH' + toString(i),
                                                                 region_code: $kin_code})
    """, {"cadre": cadre, "post": post_code, "kin_code": kin_code, "kin": kin})
    store.write("""
        UNWIND range(1, $granted) AS i
        MATCH (r:Person {citizen_id: $cadre + '-K' + toString(i)})-[:MEMBER_OF]->(x:Household)
        CREATE (x)-[:RECEIVES]->(g:Grant {grant_id: 'G' + x.household_id, programme: 'dibao', start: '2021-01-01',
                                          region_code: x.region_code})-[:HELD_BY]->(r),
               (r)-[:BENEFICIARY_OF]->(g)
    """, {"cadre": cadre, "granted": granted})


def test_kin_concentration_is_judged_against_the_village_base_rate(empty_falkor):
    """Six of twenty kin households on dibao: a signal where 4 % of households
    are (expected 0.75), ordinary where a third are (expected 6.6)."""
    village(empty_falkor, "451299101201", 300, 6)
    cadre_with_kin(empty_falkor, "LOW", "451299101201", "451299101201", 20, 6)
    village(empty_falkor, "451299101202", 300, 100)
    cadre_with_kin(empty_falkor, "HIGH", "451299101202", "451299101202", 20, 6)
    found = hits(empty_falkor, "kin_network_concentration")
    assert {h.related_id for h in found} == {"LOW"}
    assert len(found) == 6 and all(h.subject_id.startswith("LOW-K") for h in found)
    facts = found[0].facts
    assert (facts["network_grants"], facts["kin_households"]) == (6, 20)
    assert facts["expected"] == round(20 * 12 / 321, 2) and facts["tail_p"] < 0.001
    looser = hits(empty_falkor, "kin_network_concentration", p_value=0.9)
    assert {h.related_id for h in looser} == {"LOW", "HIGH"}, "the threshold is the declared p, nothing else"


def test_kin_concentration_counts_only_grants_in_the_cadres_jurisdiction(empty_falkor):
    """The cadre of village 201 has eight relatives on dibao, all in village 203."""
    village(empty_falkor, "451299101201", 300, 6)
    village(empty_falkor, "451299101203", 300, 6)
    cadre_with_kin(empty_falkor, "AWAY", "451299101201", "451299101203", 20, 8)
    assert hits(empty_falkor, "kin_network_concentration") == []
    assert hits(empty_falkor, "kin_network_concentration", p_value=1.0) == []


def test_kin_outside_the_register_still_count_by_their_grants(empty_falkor):
    """Kin known only from the grant file (no register entry): their granted
    households are the kin households the rule knows of."""
    village(empty_falkor, "451299101201", 300, 6)
    cadre_with_kin(empty_falkor, "UNREG", "451299101201", "451299101201", 6, 6)
    empty_falkor.write("MATCH (r:Person)-[m:MEMBER_OF]->() WHERE r.citizen_id STARTS WITH 'UNREG-K' DELETE m")
    found = hits(empty_falkor, "kin_network_concentration")
    assert {h.related_id for h in found} == {"UNREG"} and found[0].facts["kin_households"] == 6
