"""The declared schema: checked on load, and the single source of DDL and masking."""
from __future__ import annotations

import copy

import pytest
import yaml

from reliefgraph.graph import ddl
from reliefgraph.graph.pii import mask, mask_value
from reliefgraph.graph.schema import SCHEMA_FILE, SchemaError, load_schema, parse_schema

RAW = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))


def test_the_model_covers_the_domain():
    s = load_schema()
    assert {"Person", "Household", "Region", "Property", "Vehicle", "Company", "Programme", "Grant",
            "Payment", "Org", "Project", "Phone", "Address", "BankAccount"} <= set(s.nodes)
    assert {"MEMBER_OF", "KIN", "OWNS", "LEGAL_REP", "SHAREHOLDER", "EXECUTIVE", "HOLDS_POST",
            "ON_PAYROLL", "RECEIVES", "APPROVED_BY", "FILED_AS_RELATIVE", "HAS_PHONE", "LIVES_AT",
            "HOLDS_ACCOUNT", "AWARDED", "IN_REGION"} <= set(s.relationships)
    # provenance on every node and relationship type; intervals where facts are time-bounded
    for owner in [*s.nodes.values(), *s.relationships.values()]:
        assert {"src_agency", "src_file", "src_row", "src_batch"} <= set(owner.properties)
    for rtype in ("OWNS", "HOLDS_POST", "ON_PAYROLL", "MEMBER_OF"):
        assert {"start", "end"} <= set(s.rel(rtype).properties)
    assert {"start", "end"} <= set(s.node("Grant").properties)


def test_pii_flags_drive_masking():
    assert load_schema().pii_properties() == {
        "citizen_id": "citizen_id", "address": "address", "number": "phone",
        "address_key": "address", "account_no": "bank_account",
        "row_values": "citizen_id"}   # a pending row's values (loaders/pending.py): masked whole
    assert mask("citizen_id", "52240119800101123X") == "5224**********123X"
    assert mask("phone", "13812345678") == "138****5678"
    node = {"_labels": ["Person"], "citizen_id": "52240119800101123X", "name": "王芳"}
    assert mask_value(node) == {"_labels": ["Person"], "citizen_id": "5224**********123X", "name": "王芳"}
    assert mask_value("13812345678", "number") == "138****5678"
    assert mask_value("王芳", "name") == "王芳"


def test_every_key_gets_a_unique_constraint_on_both_engines():
    s = load_schema()
    stmts = dict(ddl.neo4j_statements(s))
    for nt in s.nodes.values():
        name = f"{nt.label.lower()}_{nt.key}_key"
        assert stmts[name] == (f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{nt.label}) "
                               f"REQUIRE n.{nt.key} IS UNIQUE")
    assert "CREATE INDEX person_name_idx IF NOT EXISTS FOR (n:Person) ON (n.name)" in stmts.values()
    spec = ddl.IndexSpec("Person", "citizen_id", unique=True)
    assert ddl.falkordb_constraint_command("g", spec) == [
        "GRAPH.CONSTRAINT", "CREATE", "g", "UNIQUE", "NODE", "Person", "PROPERTIES", "1", "citizen_id"]


def _broken(mutate) -> dict:
    doc = copy.deepcopy(RAW)
    mutate(doc)
    return doc


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["relationships"]["OWNS"].update({"to": ["Spaceship"]}), "unknown labels"),
    (lambda d: d["nodes"]["Person"].update({"key": "nope"}), "key"),
    (lambda d: d["nodes"]["Person"]["properties"]["name"].update({"pii": "secret"}), "pii"),
    (lambda d: d["nodes"]["Person"]["properties"]["name"].update({"type": "blob"}), "type"),
    (lambda d: d["nodes"]["Person"]["properties"].update({"bad-name": {"type": "string", "zh": "x", "en": "x"}}),
     "identifiers"),
    (lambda d: d["nodes"].update({"Bad Label": d["nodes"]["Phone"]}), "identifier"),
    (lambda d: d["nodes"]["Household"]["properties"]["address"].pop("pii"), "inconsistent pii"),
    (lambda d: d["nodes"]["Person"]["properties"]["name"].pop("zh"), "display name"),
])
def test_inconsistent_declarations_are_refused(mutate, message):
    with pytest.raises(SchemaError, match=message):
        parse_schema(_broken(mutate))
