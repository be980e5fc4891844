"""Network signals: the implicated cadre's community and the score bonus it earns."""
from __future__ import annotations

from reliefgraph.queries.network import BONUS_MAX, bonus, signals


def test_a_cadre_among_several_recipients_earns_a_bonus(empty_falkor):
    empty_falkor.write("""
        CREATE (c:Person {citizen_id: 'C'}), (x:Person {citizen_id: 'X'})
        WITH c, x
        UNWIND range(1, 6) AS i
        CREATE (r:Person {citizen_id: 'R' + toString(i)})-[:KIN {kind: 'parent'}]->(c),
               (:Grant {grant_id: 'G' + toString(i)})-[:HELD_BY]->(r)
        WITH DISTINCT x
        CREATE (x)-[:KIN {kind: 'spouse'}]->(:Person {citizen_id: 'Y'})
    """)
    parts: dict[str, float] = {}
    found, seconds = signals(empty_falkor, [("R1", "C"), ("Y", "X")], parts)
    assert found["C"]["community_recipients"] == 6
    assert found["C"]["broker_percentile"] == 1.0, "the cadre links every relative"
    assert found["X"]["community_recipients"] == 0
    assert bonus(found["C"]) == BONUS_MAX and bonus(found["X"]) == 0.0 and bonus(None) == 0.0
    assert seconds >= 0
    assert set(parts) == {"network.neighbourhood", "network.louvain", "network.betweenness", "network.recipients"}
    assert sum(parts.values()) <= seconds, "the steps are parts of the whole"
