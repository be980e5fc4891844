"""The same county in its second layout (other headers and encodings, the grant
roll listing applicants only, vehicles without VIN, planned term ends, shares as
percentages, amounts in 万元, a unit list looked up by code, a merged death file)
is loaded by the layout-b mapping files alone and detected as well as layout a."""
from __future__ import annotations

from datetime import date

import generated
import pytest

from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import open_store
from reliefgraph.loaders.mapping import load_mappings
from reliefgraph.loaders.pipeline import Loader, plan
from reliefgraph.queries import clues
from reliefgraph.queries.detect import detect
from reliefgraph.queries.evaluate import evaluate

AS_OF = "2026-10-31"


@pytest.fixture(scope="module")
def layout_b(tmp_path_factory):
    base = tmp_path_factory.mktemp("layout_b")
    extracts = generated.extracts(persons=20_000, seed=7, scenario="standard", month=1, layout="b")
    db = base / "graph"
    engine = connect(f"sqlite:///{base / 'app.db'}")
    try:
        with open_store(str(db)) as store:
            store.init_schema()
            loader = Loader(store, engine, base / "rejects", as_of=date.fromisoformat(AS_OF))
            pairs, unmatched = plan(extracts, load_mappings())
            reports = [loader.load_file(path, mapping) for path, mapping in pairs]
            grants = store.read("MATCH (g:Grant) RETURN g.beneficiaries AS b, count(*) AS n").rows
            derived = detect(store, engine, as_of=AS_OF)
        out = base / "clues.csv"
        clues.write_csv(engine, out)
        yield {"reports": reports, "unmatched": unmatched, "grants": dict(grants), "truth": extracts / "_truth" / "truth.csv",
               "clues": out, "detect": derived}
    finally:
        EmbeddedServer(db).stop()


def test_every_second_layout_file_is_matched_and_loaded(layout_b):
    assert [u.file for u in layout_b["unmatched"] if u.status != "lookup"] == []
    # The region code table has one layout; every agency extract is read by its second-layout mapping.
    assert all(r.mapping.endswith("_b") for r in layout_b["reports"] if r.mapping != "quhua")
    assert [(r.file, r.status, r.error) for r in layout_b["reports"] if r.status != "loaded"] == []
    # Only the generator's deliberately broken rows are refused.
    read = sum(r.rows_read for r in layout_b["reports"])
    refused = sum(r.rows_rejected for r in layout_b["reports"])
    assert read > 90_000 and refused < 0.01 * read


def test_grants_of_an_applicants_only_roll_are_covered_from_the_register(layout_b):
    assert set(layout_b["grants"]) == {"from_register"}, layout_b["grants"]


def test_second_layout_is_detected_as_well_as_the_first(layout_b):
    by_family, by_pattern, decoys = evaluate(layout_b["truth"], layout_b["clues"])
    for s in by_family:
        assert s.precision >= 0.90 and s.recall >= 0.95, s
    for s in by_pattern:
        assert s.recall >= 0.95, s
    assert not decoys


def test_each_new_agency_rule_meets_the_targets_in_the_second_layout(layout_b):
    from rule_scores import rule_scores
    from test_rules import AGENCY_RULES
    for s in rule_scores(layout_b["truth"], layout_b["clues"], AGENCY_RULES).values():
        assert s.truth >= 10 and s.precision >= 0.90 and s.recall >= 0.95, s
