"""Permissions and masking by role: pure functions, no database."""
from __future__ import annotations

import pytest

from reliefgraph.dashboard.permissions import (PermissionDenied, Viewer, can, mask_evidence, mask_for, mask_rows,
                                               mask_text, may_work_case, pii_values_in, require)

ID_A = "52010119800101123X"
ID_B = "520101199002021234"
PHONE = "13800138000"
ACCOUNT = "6222021234567890123"

ADMIN = Viewer("boss", "admin")
ANALYST = Viewer("li", "analyst")
# Inspector zhang has a case whose evidence holds ID_A and PHONE.
INSPECTOR = Viewer("zhang", "verifier", frozenset({ID_A, PHONE}))

EVIDENCE = {
    "nodes": [
        {"ref": f"Person:{ID_A}", "label": "Person", "key": ID_A, "caption": "张三",
         "properties": {"citizen_id": ID_A, "name": "张三", "birth_date": "1980-01-01"}, "sources": []},
        {"ref": f"Person:{ID_B}", "label": "Person", "key": ID_B, "caption": "李四",
         "properties": {"citizen_id": ID_B, "name": "李四"}, "sources": []},
        {"ref": f"Phone:{PHONE}", "label": "Phone", "key": PHONE, "caption": PHONE,
         "properties": {"number": PHONE}, "sources": []},
        {"ref": "Household:H001", "label": "Household", "key": "H001", "caption": "H001",
         "properties": {"household_id": "H001", "address": "贵州省贵阳市云岩区某路12号"}, "sources": []},
    ],
    "relationships": [
        {"type": "KIN", "start": f"Person:{ID_A}", "end": f"Person:{ID_B}", "properties": {"kind": "spouse"}},
        {"type": "HAS_PHONE", "start": f"Person:{ID_A}", "end": f"Phone:{PHONE}", "properties": {}},
    ],
}


@pytest.mark.parametrize("role, capability, allowed", [
    ("analyst", "run_adhoc", True), ("verifier", "run_adhoc", False),
    ("analyst", "manage_users", False), ("verifier", "read_audit", False), ("admin", "read_audit", True),
    ("verifier", "assign_case", False), ("admin", "assign_case", True),
    ("analyst", "work_case", False), ("verifier", "work_case", True),
    ("analyst", "export", True), ("verifier", "explore", True),
])
def test_capabilities_by_role(role, capability, allowed):
    assert can(role, capability) is allowed


def test_require_refuses_with_a_chinese_message_and_unknown_capabilities_fail_loudly():
    require(ADMIN, "manage_users")
    with pytest.raises(PermissionDenied, match="无此权限"):
        require(ANALYST, "manage_users")
    with pytest.raises(ValueError):
        can("admin", "launch_missiles")


def test_only_the_assignee_or_an_admin_works_a_case():
    assert may_work_case(INSPECTOR, "zhang")
    assert not may_work_case(INSPECTOR, "wang")
    assert not may_work_case(INSPECTOR, None)
    assert may_work_case(ADMIN, "wang")
    assert not may_work_case(Viewer("zhang", "analyst"), "zhang")


def test_analysts_see_masked_values_in_the_documented_shape():
    assert mask_for(ANALYST, ID_A, "citizen_id") == "5201**********123X"
    assert mask_for(ANALYST, PHONE, "number") == "138****8000"
    assert mask_for(ANALYST, ACCOUNT, "account_no") == "6222***********0123"
    assert mask_for(ANALYST, "张三", "name") == "张三"
    node = {"_labels": ["Person"], "citizen_id": ID_B, "name": "李四"}
    assert mask_for(ANALYST, [node]) == [{"_labels": ["Person"], "citizen_id": "5201**********1234", "name": "李四"}]


def test_inspectors_see_clear_only_what_their_cases_hold():
    assert mask_for(INSPECTOR, ID_A, "citizen_id") == ID_A
    assert mask_for(INSPECTOR, ID_B, "citizen_id") == "5201**********1234"
    assert mask_for(INSPECTOR, PHONE, "number") == PHONE
    assert mask_for(ADMIN, ID_B, "citizen_id") == ID_B


def test_rows_are_masked_by_column_name():
    rows = [(ID_A, "张三", "H001"), (ID_B, "李四", "H002")]
    assert mask_rows(INSPECTOR, ["citizen_id", "name", "household_id"], rows) == [
        (ID_A, "张三", "H001"), ("5201**********1234", "李四", "H002")]
    assert mask_rows(ANALYST, ["citizen_id", "name", "household_id"], rows)[0][0] == "5201**********123X"
    assert mask_rows(ADMIN, ["citizen_id"], [(ID_B,)]) == [(ID_B,)]


def test_free_text_is_masked_by_shape():
    text = f"申请人{ID_A}与{ID_B}共用电话{PHONE}，账户{ACCOUNT}；户号H001，金额1200元"
    masked = mask_text(ANALYST, text)
    for value in (ID_A, ID_B, PHONE, ACCOUNT):
        assert value not in masked
    assert "5201**********123X" in masked and "138****8000" in masked and "H001" in masked and "1200" in masked
    inspector_view = mask_text(INSPECTOR, text)
    assert ID_A in inspector_view and PHONE in inspector_view and ID_B not in inspector_view


def test_pii_values_of_evidence_are_keys_and_flagged_properties():
    assert pii_values_in(EVIDENCE) == {ID_A, ID_B, PHONE, "贵州省贵阳市云岩区某路12号"}


def test_masked_evidence_hides_refs_keys_and_properties_but_keeps_its_shape():
    shown = mask_evidence(ANALYST, EVIDENCE)
    text = repr(shown)
    for value in (ID_A, ID_B, PHONE, "云岩区某路12号"):
        assert value not in text, value
    refs = [n["ref"] for n in shown["nodes"]]
    assert len(set(refs)) == 4
    assert {(r["start"], r["end"]) for r in shown["relationships"]} <= {(a, b) for a in refs for b in refs}
    assert shown["nodes"][0]["properties"]["name"] == "张三"
    mine = mask_evidence(INSPECTOR, EVIDENCE)
    assert mine["nodes"][0]["key"] == ID_A and mine["nodes"][1]["key"] != ID_B
    assert mask_evidence(ADMIN, EVIDENCE) == EVIDENCE


def test_values_that_mask_alike_stay_distinct_nodes():
    twin = "52010119850505123X"   # same first four and last four as ID_A
    evidence = {"nodes": [
        {"ref": f"Person:{ID_A}", "label": "Person", "key": ID_A, "caption": "甲", "properties": {}},
        {"ref": f"Person:{twin}", "label": "Person", "key": twin, "caption": "乙", "properties": {}}],
        "relationships": [{"type": "KIN", "start": f"Person:{ID_A}", "end": f"Person:{twin}", "properties": {}}]}
    shown = mask_evidence(ANALYST, evidence)
    a, b = (n["ref"] for n in shown["nodes"])
    assert a != b and shown["relationships"][0]["start"] == a and shown["relationships"][0]["end"] == b
