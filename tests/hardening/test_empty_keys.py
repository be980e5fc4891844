"""No path may send an empty-string key to the engine: FalkorDB crashes
(the server process dies) on `MERGE` with '' for a key that has a unique
constraint. The loader stores blank cells as absent; these tests fuzz every
mapping file's transform with blank-looking cells and check that no value
that reaches a statement is '', and that mapping files which could produce
one are refused.
"""
from __future__ import annotations

import textwrap
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import SCALES, fuzz_settings
from loader_support import Graph
from reliefgraph.loaders import lookups
from reliefgraph.loaders.mapping import MAPPINGS_DIR, MappingError, load_mapping, load_mappings
from reliefgraph.loaders.readers import Chunk
from reliefgraph.loaders.transform import transform

AS_OF = date(2026, 10, 31)
MAPPINGS = load_mappings(MAPPINGS_DIR)
# Cells that look blank, or become blank once normalised (invisible
# characters, full-width spaces, dashes in identifiers), and short codes.
blankish = st.sampled_from(["", " ", "\u3000", "\u200b", "\ufeff", "-", "－", "—", "\t", " - ", "\u00ad", "0", "1",
                            "52", "5201", "X", "x", "01", "02", "1", "2"])
cells = st.one_of(st.none(), blankish, st.text(max_size=4))


def _statement_fields(mapping) -> set[str]:
    fields = {n.key_field for n in mapping.nodes}
    for r in mapping.rels:
        fields |= {r.source.key_field, r.target.key_field, *r.merge.values()}
    return fields


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("mapping", MAPPINGS, ids=lambda m: m.id)
def test_no_mapping_passes_an_empty_string_on(mapping, scale):
    columns = sorted({f.column for f in mapping.fields.values()})
    keys = _statement_fields(mapping)

    @fuzz_settings(5, scale)
    @given(st.lists(st.lists(cells, min_size=len(columns), max_size=len(columns)), min_size=1, max_size=8))
    def check(values):
        frame = pd.DataFrame(values, columns=columns, dtype=object)
        # A mapping's look-up tables are read from the same hostile cells.
        tables = {name: lookups.build_table(lk, frame, {f.column for f in mapping.fields.values()
                                                       if f.lookup == name})
                  for name, lk in mapping.lookups.items()}
        t = transform(Chunk(frame=frame, rows=list(range(2, 2 + len(frame)))), mapping, AS_OF,
                      {mapping.person.id} if mapping.person else None, tables)
        for name in t.fields.columns:
            col = t.fields[name]
            if col.dtype == object or isinstance(col.dtype, pd.StringDtype):
                empty = col.notna() & (col.astype(str) == "")
                assert not empty.any(), f"{mapping.id}.{name} passes '' on" + (" (a key!)" if name in keys else "")

    check()


def _mapping(tmp_path, body: str):
    path = tmp_path / "m.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return load_mapping(path)


REGION_MAPPING = """\
    id: region_codes
    agency: test
    title: {zh: 区划, en: regions}
    files: ["region_codes*.csv"]
    fields:
      village: {column: 村代码, type: identifier, required: true}
    derived:
      group: {from: village, slice: [9, 12]}
    constants:
      level: %s
    yields:
      - node: Region
        key: group
        set: {level: level}
"""


def test_a_key_cut_from_a_too_short_code_rejects_its_row(tmp_path):
    mapping = _mapping(tmp_path, REGION_MAPPING % "village")
    frame = pd.DataFrame({"村代码": ["520101101201", "520101101", "5201"]}, dtype=object)
    t = transform(Chunk(frame=frame, rows=[2, 3, 4]), mapping, AS_OF)
    assert t.fields["group"].tolist() == ["201"]
    assert sorted((r.row, r.field, r.reason) for r in t.rejects) == [(3, "group", "derived_blank"),
                                                                     (4, "group", "derived_blank")]


def test_the_short_code_never_reaches_the_engine(tmp_path):
    """End to end with the unique constraint in place: the engine stays up."""
    mappings = tmp_path / "maps"
    mappings.mkdir()
    (mappings / "region_codes.yaml").write_text(textwrap.dedent(REGION_MAPPING % "village"), encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "region_codes_1.csv").write_text("村代码\r\n520101101201\r\n520101101\r\n", encoding="utf-8")
    g = Graph(tmp_path / "g")
    try:
        pid = (g.data / "server.pid").read_text()
        (report,) = g.load(folder, mappings=mappings)
        assert (report.status, report.rows_loaded, report.rows_rejected) == ("loaded", 1, 1)
        assert g.store.read("MATCH (r:Region) RETURN r.code").rows == [("201",)]
        assert (g.data / "server.pid").read_text() == pid, "the engine did not crash and restart"
    finally:
        g.close()


@pytest.mark.parametrize("constant", ["''", "' '", "null"])
def test_a_blank_constant_is_refused(tmp_path, constant):
    with pytest.raises(MappingError, match="constants.level"):
        _mapping(tmp_path, REGION_MAPPING % constant)


@pytest.mark.parametrize("value", ["''", "' '", "null"])
def test_a_code_table_mapping_to_blank_is_refused(tmp_path, value):
    body = REGION_MAPPING % "village"
    body = body.replace("village: {column: 村代码, type: identifier, required: true}",
                        "village: {column: 村代码, type: identifier, required: true}\n"
                        f"      kind: {{column: 类别, type: code, map: {{\"1\": a, \"2\": {value}}}}}")
    with pytest.raises(MappingError, match="fields.kind"):
        _mapping(tmp_path, body)
