"""Fixtures for the loader tests on the generator's county: the county is
generated once per session and loaded once into its own embedded graph;
tests that change a graph work on a clone of it."""
from __future__ import annotations

import pytest

from loader_support import AS_OF_M1, Graph
from reliefgraph.synthetic.generator import generate

COUNTY_PERSONS = 20_000
SMALL_PERSONS = 5_000
# Seed 2: with seed 1 at 20 000 persons no grant of month 1 closes in month 2
# (the first closures fall in month 3), and the next-month test needs one.
SEED = 2


@pytest.fixture(scope="session")
def county(tmp_path_factory):
    """The 20 000-person county, month 1."""
    out = tmp_path_factory.mktemp("county")
    generate(persons=COUNTY_PERSONS, seed=SEED, out=out, month=1)
    return out


@pytest.fixture(scope="session")
def county_m2(tmp_path_factory):
    """The same county one month later."""
    out = tmp_path_factory.mktemp("county_m2")
    generate(persons=COUNTY_PERSONS, seed=SEED, out=out, month=2)
    return out


@pytest.fixture(scope="session")
def small_county(tmp_path_factory):
    """A 5 000-person county: crash and hostile-file tests load it many times."""
    out = tmp_path_factory.mktemp("small")
    generate(persons=SMALL_PERSONS, seed=SEED, out=out, month=1)
    return out


@pytest.fixture(scope="session")
def loaded(tmp_path_factory, county):
    """Month 1 loaded once; `loaded.reports` are the file reports of that load.
    Tests must not change this graph: clone it (`loaded.clone(path)`) instead."""
    g = Graph(tmp_path_factory.mktemp("lg"))
    g.reports = g.load(county, as_of=AS_OF_M1)
    yield g
    g.close()
