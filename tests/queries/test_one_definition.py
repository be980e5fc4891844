"""One definition of who a grant covers (BENEFICIARY_OF, listed or derived from
the register) behind rules and the summary table alike: per category, the
summary's people and records are exactly the rule findings that fall in it."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date

import generated
import pytest

from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import open_store
from reliefgraph.loaders.mapping import load_mappings
from reliefgraph.loaders.pipeline import Loader, plan
from reliefgraph.queries.detect import derive
from reliefgraph.queries.rules import load_rules, run_rule
from reliefgraph.queries.summary import categories, summarise

AS_OF = "2026-10-31"
MEMBER_FILE = "minzheng_jiuzhu_chengyuan.csv"


def rule_hits(store, rule_id):
    rule = next(r for r in load_rules() if r.id == rule_id)
    return run_rule(store, rule, AS_OF)[0]


def within_cover(facts, day):
    return day is not None and facts["covered_from"] <= day <= (facts["covered_to"] or AS_OF)


def from_rules(store) -> dict[str, set[tuple]]:
    """(person, record) per summary category, read from the rules' findings."""
    cars = {(h.related_id, h.facts["vin"]) for h in rule_hits(store, "car_during_grant")
            if within_cover(h.facts, h.facts["registered"])}
    housing = {(h.related_id, h.facts["cert_no"]) for h in rule_hits(store, "commercial_housing")
               if within_cover(h.facts, h.facts["registered"])}
    business = {(h.related_id, h.facts["credit_code"]) for h in rule_hits(store, "company_role")
                if h.facts["role"] in ("LEGAL_REP", "SHAREHOLDER")}
    # retired public staff are publicly funded too: a public-staff pension counts with the payroll
    payroll = {(h.related_id, h.related_id) for rule in ("public_payroll", "public_pension_member")
               for h in rule_hits(store, rule)}
    income = {(h.related_id, h.related_id) for rule in ("taxable_wage_income", "business_income_member",
                                                        "employee_insurance_during_grant", "flexible_high_base")
              for h in rule_hits(store, rule)}
    return {"cars": cars, "housing": housing, "business": business, "public_payroll": payroll, "income": income}


def from_summary(store) -> dict[str, set[tuple]]:
    programmes = [r[0] for r in store.read("MATCH (g:Grant) RETURN DISTINCT g.programme").rows]
    out = {}
    for f in categories():
        params = {"as_of": AS_OF, "programmes": programmes}
        if "property_types" in f.params:
            params["property_types"] = ["commercial"]   # the rules count commercial housing
        out[f.id.removeprefix("summary.")] = {(p, rec) for p, _, rec in store.read(f.query, f.bind(params)).rows}
    return out


def assert_summary_agrees_with_rules(store):
    rules, summary = from_rules(store), from_summary(store)
    assert set(summary) == set(rules)
    for category in rules:
        assert summary[category] == rules[category], category
    programmes = [r[0] for r in store.read("MATCH (g:Grant) RETURN DISTINCT g.programme").rows]
    table = {line.category: (line.people, line.records) for line in summarise(store, programmes, AS_OF)
             if line.scope == "county"}
    for category in ("cars", "business", "public_payroll", "income"):
        people = {p for p, _ in rules[category]}
        assert table[category] == (len(people), len({r for _, r in rules[category]})), category
    assert all(rules[c] for c in rules), "every category has cases on the generated county"


@dataclass
class County:
    store: object
    db: object


def load_county(base, drop: tuple[str, ...] = ()) -> County:
    extracts = base / "x"
    shutil.copytree(generated.extracts(persons=20_000, seed=7, scenario="standard", month=1), extracts)
    for name in drop:
        (extracts / name).unlink()
    store = open_store(str(base / "graph"))
    store.init_schema()
    loader = Loader(store, connect(f"sqlite:///{base / 'app.db'}"), base / "rejects", as_of=date.fromisoformat(AS_OF))
    for path, mapping in plan(extracts, load_mappings())[0]:
        assert loader.load_file(path, mapping).status == "loaded", path
    derive(store)
    return County(store, base / "graph")


@pytest.fixture(scope="module")
def applicants_only(tmp_path_factory):
    county = load_county(tmp_path_factory.mktemp("apponly"), drop=(MEMBER_FILE,))
    yield county
    county.store.close()
    EmbeddedServer(county.db).stop()


def test_summary_equals_rule_findings_on_the_generated_county(detected):
    with open_store(str(detected.db)) as store:
        assert_summary_agrees_with_rules(store)


def test_summary_equals_rule_findings_when_the_grant_file_lists_applicants_only(applicants_only, detected):
    store = applicants_only.store
    listed = store.read("MATCH ()-[b:BENEFICIARY_OF]->() RETURN coalesce(b.src_agency, '') = 'derived', count(b)").rows
    assert dict((bool(k), n) for k, n in listed).get(False, 0) == 0 and dict(listed).get(True, 0) > 0, \
        "with no member file every beneficiary comes from the register"
    assert_summary_agrees_with_rules(store)
    with open_store(str(detected.db)) as full:
        listed_county = {c: len(v) for c, v in from_rules(full).items()}
    derived_county = {c: len(v) for c, v in from_rules(store).items()}
    for category, n in listed_county.items():
        assert derived_county[category] >= 0.9 * n, (category, derived_county, listed_county)
