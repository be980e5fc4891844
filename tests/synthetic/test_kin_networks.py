"""The planter judges a kin network by the rule's own test (Poisson tail below the declared p)."""
import math

import pytest

from reliefgraph.queries.rules import load_rules
from reliefgraph.synthetic.kin_networks import MIN_GRANTS, P_VALUE, poisson_tail, significant


def test_poisson_tail_matches_the_closed_form():
    lam = 4 * 0.12
    below = sum(math.exp(-lam) * lam ** i / math.factorial(i) for i in range(4))
    assert poisson_tail(4, lam) == pytest.approx(1 - below)
    assert poisson_tail(0, 3.0) == 1.0


def test_a_network_stands_out_only_against_its_own_villages_coverage():
    # Four kin households all on relief: an anomaly at 12 % coverage, not at 16 % among five.
    assert significant(4, 4, 0.12)
    assert not significant(4, 5, 0.157)
    assert significant(5, 5, 0.157)
    # Two grants are never enough below the floor, however thin the coverage.
    assert not significant(1, 1, 0.001)


def test_the_planter_uses_the_rules_declared_threshold():
    params = load_rules(only={"kin_network_concentration"})[0].file.params
    assert (P_VALUE, MIN_GRANTS) == (params["p_value"].default, params["min_grants"].default)
