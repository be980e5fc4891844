"""A report as its reader's role may see it.

The dashboard's rule applies unchanged (dashboard/permissions.py):
administrators read personal data in clear, inspectors in clear only on the
cases assigned to them, analysts always masked. Structured fields are masked
by the schema's PII flags, free text (narratives, conclusions, notes) by shape.
"""
from __future__ import annotations

import copy
from dataclasses import replace

from reliefgraph.dashboard.permissions import Viewer, mask_evidence, mask_for, mask_text
from reliefgraph.reports.model import CaseRecord, ClueSection, Finding, Report


def for_viewer(report: Report, viewer: Viewer) -> Report:
    shown = copy.deepcopy(report)
    if viewer.role == "admin":
        return shown
    if shown.subject:
        shown.subject.citizen_id = mask_for(viewer, shown.subject.citizen_id, "citizen_id")
    if shown.household:
        shown.household.address = mask_for(viewer, shown.household.address, "address")
        for m in shown.household.members:
            m["citizen_id"] = mask_for(viewer, m["citizen_id"], "citizen_id")
    shown.clues = [_clue(viewer, c) for c in shown.clues]
    return shown


def _clue(viewer: Viewer, clue: ClueSection) -> ClueSection:
    return replace(clue, subject_id=mask_for(viewer, clue.subject_id, "citizen_id"),
                   findings=[_finding(viewer, f) for f in clue.findings],
                   case=_case(viewer, clue.case) if clue.case else None)


def _finding(viewer: Viewer, f: Finding) -> Finding:
    return replace(f, narrative=mask_text(viewer, f.narrative), evidence=mask_evidence(viewer, f.evidence))


def _case(viewer: Viewer, case: CaseRecord) -> CaseRecord:
    history = [{**h, "note": mask_text(viewer, h.get("note")), "conclusion": mask_text(viewer, h.get("conclusion"))}
               for h in case.history]
    return replace(case, conclusion=mask_text(viewer, case.conclusion), notes=mask_text(viewer, case.notes),
                   history=history)
