"""Scoring against a truth file written by someone else: matched by family and
subject, reported per the truth's own pattern names."""
from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from reliefgraph.cli import app
from reliefgraph.queries.evaluate import TruthFileError, evaluate

CLUES = [
    {"clue_id": "c1", "family": "favour_relief", "rule_ids": "cadre_relative_unfiled", "subject_id": "A",
     "severity": "high"},
    {"clue_id": "c2", "family": "favour_relief", "rule_ids": "kin_network_concentration", "subject_id": "B",
     "severity": "medium"},
    {"clue_id": "c3", "family": "hidden_assets", "rule_ids": "car_during_grant", "subject_id": "C",
     "severity": "high"},
    {"clue_id": "c4", "family": "hidden_assets", "rule_ids": "public_payroll", "subject_id": "E",
     "severity": "high"},
]


def write(path, rows, columns):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def clues_csv(tmp_path):
    return write(tmp_path / "clues.csv", CLUES, ["clue_id", "family", "rule_ids", "subject_id", "severity"])


def test_an_independent_truth_file_is_scored_by_family_and_subject(tmp_path, clues_csv):
    """Pattern names are the inspectorate's own (Chinese, not rule ids); a clue of
    the right family about the right person is a hit, whichever rule raised it."""
    truth = write(tmp_path / "truth.csv", [
        {"family": "favour_relief", "pattern": "村干部亲属低保", "subject_id": "A", "is_decoy": "0"},
        {"family": "favour_relief", "pattern": "村干部亲属低保", "subject_id": "B", "is_decoy": "0"},
        {"family": "favour_relief", "pattern": "村干部亲属低保", "subject_id": "D", "is_decoy": "0"},
        {"family": "hidden_assets", "pattern": "有车", "subject_id": "C", "is_decoy": "0"},
        {"family": "hidden_assets", "pattern": "有车", "subject_id": "E", "is_decoy": "是"},
    ], ["family", "pattern", "subject_id", "is_decoy"])
    by_family, by_pattern, decoys = evaluate(truth, clues_csv)
    fam = {s.name: s for s in by_family}
    assert (fam["favour_relief"].truth, fam["favour_relief"].hit, fam["favour_relief"].flagged) == (3, 2, 2)
    assert fam["hidden_assets"].precision == 0.5 and fam["hidden_assets"].recall == 1.0
    pat = {s.name: s for s in by_pattern}
    assert set(pat) == {"村干部亲属低保", "有车"}
    assert pat["村干部亲属低保"].recall == pytest.approx(2 / 3)
    assert (pat["有车"].hit, pat["有车"].flagged, pat["有车"].decoys_flagged) == (1, 2, ["E"])
    assert [(d["pattern"], d["subject_id"], d["clue_id"]) for d in decoys] == [("有车", "E", "c4")]


def test_truth_without_pattern_or_decoy_columns_scores_per_family(tmp_path, clues_csv):
    truth = write(tmp_path / "truth.csv", [
        {"family": "人情保", "subject_id": "A"}, {"family": "Hidden assets", "subject_id": "C"},
    ], ["family", "subject_id"])
    by_family, by_pattern, decoys = evaluate(truth, clues_csv)
    assert {s.name: (s.truth, s.hit) for s in by_pattern} == {"favour_relief": (1, 1), "hidden_assets": (1, 1)}
    assert {s.name for s in by_family} == {"favour_relief", "hidden_assets"} and not decoys


def test_a_truth_file_without_subjects_is_refused_with_its_name(tmp_path, clues_csv):
    truth = write(tmp_path / "cases.csv", [{"family": "favour_relief", "person": "A"}], ["family", "person"])
    with pytest.raises(TruthFileError, match=r"cases\.csv.*subject_id"):
        evaluate(truth, clues_csv)


def test_the_command_prints_a_flagged_decoy_masked(tmp_path, clues_csv):
    """A county's inspectorate runs evaluate on its own truth file: the decoy it
    lists is a real person, so the console shows the citizen ID masked."""
    citizen = "450123199001011234"
    clues = write(tmp_path / "c.csv", [{"clue_id": "c9", "family": "hidden_assets", "rule_ids": "car_during_grant",
                                        "subject_id": citizen, "severity": "high"}],
                  ["clue_id", "family", "rule_ids", "subject_id", "severity"])
    truth = write(tmp_path / "truth.csv", [
        {"family": "hidden_assets", "pattern": "有车", "subject_id": citizen, "is_decoy": "1", "note": "营运车辆"},
    ], ["family", "pattern", "subject_id", "is_decoy", "note"])
    out = CliRunner().invoke(app, ["evaluate", "--truth", str(truth), "--clues", str(clues)],
                             env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "4501**********1234" in out.output and "营运车辆" in out.output
    assert citizen not in out.output
