"""Fixtures for the loader tests on the generator's county: the county is
generated once per test run (tests/generated.py) and loaded once into its own embedded graph;
tests that change a graph work on a clone of it."""
from __future__ import annotations

import pytest

import generated
from loader_support import AS_OF_M1, Graph

COUNTY_PERSONS = 20_000
SMALL_PERSONS = 5_000
# Seed 2: with seed 1 at 20 000 persons no grant of month 1 closes in month 2
# (the first closures fall in month 3), and the next-month test needs one.
SEED = 2


@pytest.fixture(scope="session")
def county():
    """The 20 000-person county, month 1 (shared: copy before changing it)."""
    return generated.extracts(persons=COUNTY_PERSONS, seed=SEED, month=1)


@pytest.fixture(scope="session")
def county_m2():
    """The same county one month later."""
    return generated.extracts(persons=COUNTY_PERSONS, seed=SEED, month=2)


@pytest.fixture(scope="session")
def small_county():
    """A 5 000-person county: crash and hostile-file tests load it many times."""
    return generated.extracts(persons=SMALL_PERSONS, seed=SEED, month=1)


@pytest.fixture(scope="session")
def loaded(tmp_path_factory, county):
    """Month 1 loaded once; `loaded.reports` are the file reports of that load.
    Tests must not change this graph: clone it (`loaded.clone(path)`) instead."""
    g = Graph(tmp_path_factory.mktemp("lg"))
    g.reports = g.load(county, as_of=AS_OF_M1)
    yield g
    g.close()
