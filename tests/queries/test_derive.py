"""Derived facts: who a grant covers when the grant extract lists only the applicant."""
from __future__ import annotations

from reliefgraph.queries.detect import derive

GRANTS = """
    CREATE (ha:Household {household_id: 'HA'}), (hb:Household {household_id: 'HB'}), (hc:Household {household_id: 'HC'}),
           (ga:Grant {grant_id: 'GA', programme: 'dibao', start: '2021-01-01', end: '2025-12-31',
                      beneficiaries: 'from_register'}),
           (gb:Grant {grant_id: 'GB', programme: 'dibao', start: '2022-01-01'}),
           (gc:Grant {grant_id: 'GC', programme: 'dibao', start: '2022-01-01'}),
           (ha)-[:RECEIVES]->(ga), (hb)-[:RECEIVES]->(gb), (hc)-[:RECEIVES]->(gc),
           (a1:Person {citizen_id: 'A1'}), (a2:Person {citizen_id: 'A2'}), (a3:Person {citizen_id: 'A3'}),
           (b1:Person {citizen_id: 'B1'}), (b2:Person {citizen_id: 'B2'}),
           (c1:Person {citizen_id: 'C1'}), (c2:Person {citizen_id: 'C2'}),
           (a1)-[:MEMBER_OF {relation: 'head'}]->(ha),
           (a2)-[:MEMBER_OF {relation: 'child', start: '2023-05-01'}]->(ha),
           (a3)-[:MEMBER_OF {relation: 'child', end: '2020-01-01'}]->(ha),
           (b1)-[:MEMBER_OF {relation: 'head'}]->(hb),
           (b2)-[:MEMBER_OF {relation: 'spouse', end: '2024-06-30'}]->(hb),
           (c1)-[:MEMBER_OF {relation: 'head'}]->(hc), (c2)-[:MEMBER_OF {relation: 'child'}]->(hc),
           (a1)-[:BENEFICIARY_OF {src_agency: 'civil_affairs', src_file: 'm.csv', src_row: 2, relation: '本人'}]->(ga),
           (c1)-[:BENEFICIARY_OF {src_agency: 'civil_affairs', src_file: 'm.csv', src_row: 3, relation: '本人'}]->(gc)
"""
COVERED = ("MATCH (x:Person)-[b:BENEFICIARY_OF]->(g:Grant) "
           "RETURN g.grant_id, x.citizen_id, b.src_agency, b.start, b.end ORDER BY g.grant_id, x.citizen_id, b.src_agency")


def covered(store):
    return [tuple(r) for r in store.read(COVERED).rows]


def test_beneficiaries_come_from_the_register_over_the_grants_dates(empty_falkor):
    empty_falkor.write(GRANTS)
    derive(empty_falkor)
    assert covered(empty_falkor) == [
        ("GA", "A1", "civil_affairs", None, None),          # listed: left as listed
        ("GA", "A2", "derived", "2023-05-01", "2025-12-31"),  # declared from_register: joined during the grant
        ("GB", "B1", "derived", "2022-01-01", None),         # nothing listed: the register decides
        ("GB", "B2", "derived", "2022-01-01", "2024-06-30"),  # left the household during the grant
        ("GC", "C1", "civil_affairs", None, None),          # a member file lists GC: C2 is not covered
    ], "A3 left the household before the grant"
    derived = empty_falkor.read("MATCH ()-[b:BENEFICIARY_OF {src_agency: 'derived'}]->() "
                                "RETURN DISTINCT b.src_file, b.src_batch").rows
    assert [tuple(r) for r in derived] == [("beneficiaries_from_register", "derive.beneficiaries_from_register")]


def test_derivation_is_idempotent_and_follows_newer_data(empty_falkor):
    empty_falkor.write(GRANTS)
    derive(empty_falkor)
    first = covered(empty_falkor)
    derive(empty_falkor)
    assert covered(empty_falkor) == first, "re-running detect must not double or change facts"
    # A member file for GB arrives; a newer register shows A2 left before the grant began.
    empty_falkor.write("MATCH (b1:Person {citizen_id: 'B1'}), (gb:Grant {grant_id: 'GB'}) "
                       "CREATE (b1)-[:BENEFICIARY_OF {src_agency: 'civil_affairs', src_file: 'm2.csv', src_row: 2}]->(gb)")
    empty_falkor.write("MATCH (:Person {citizen_id: 'A2'})-[m:MEMBER_OF]->() SET m.start = '2019-01-01', m.end = '2020-06-30'")
    derive(empty_falkor)
    assert covered(empty_falkor) == [
        ("GA", "A1", "civil_affairs", None, None),
        ("GB", "B1", "civil_affairs", None, None),
        ("GC", "C1", "civil_affairs", None, None),
    ]


def test_a_registered_spouse_is_the_heads_spouse_once_whichever_way_the_tie_runs(empty_falkor):
    empty_falkor.write(GRANTS)
    # HC's child is registered as a spouse elsewhere too, with the tie already recorded from the spouse's side.
    empty_falkor.write("""
        MATCH (c1:Person {citizen_id: 'C1'}), (hc:Household {household_id: 'HC'})
        CREATE (w:Person {citizen_id: 'W'})-[:MEMBER_OF {relation: 'spouse'}]->(hc),
               (w)-[:KIN {kind: 'spouse', src_agency: 'civil_affairs'}]->(c1)""")
    parts: dict[str, float] = {}
    derive(empty_falkor, parts)
    derive(empty_falkor)
    ties = empty_falkor.read("MATCH (a:Person)-[k:KIN {kind: 'spouse'}]->(b:Person) "
                             "RETURN a.citizen_id, b.citizen_id, k.src_agency ORDER BY a.citizen_id").rows
    assert [tuple(r) for r in ties] == [("B1", "B2", "derived"), ("W", "C1", "civil_affairs")]
    assert set(parts) == {"derive.beneficiaries_from_register", "derive.beneficiaries_from_register_retract",
                          "derive.spouse_from_register", "derive.snapshot"}, "each derive file is timed"
