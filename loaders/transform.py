"""One chunk of raw cells → canonical field values, plus the rows it rejects.

Each mapping field is normalised by its type and validated; a row with any
invalid value is rejected whole (with one reject line per bad field) so a
half-understood record never reaches the graph. Values in reject lines are
masked: a reject file must not become a copy of the PII it refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from reliefgraph.loaders import normalise, validate
from reliefgraph.loaders.mapping import FALLBACK_MARK, Field, Mapping
from reliefgraph.loaders.readers import Chunk, ExtractError

MAX_CELL = {"name": 60, "text": 2000}
LOADER_REASONS = {
    "missing_required": "必填字段为空 required field is blank",
    "missing_column": "缺少列 column missing from the file",
    "malformed_line": "该行列数与表头不符 line does not split into the header's columns",
    "formula_cell": "疑似电子表格公式 cell looks like a spreadsheet formula",
    "cell_too_long": "字段过长 cell is too long",
    "date_invalid": "日期无法识别或不存在 date unreadable or impossible",
    "month_invalid": "月份无法识别 month unreadable",
    "number_invalid": "数值无法识别 number unreadable",
    "int_invalid": "应为整数 whole number expected",
    "code_unknown": "代码不在代码表中 code not in the code table",
    "unknown_reference": "引用的人员/实体不存在 referenced person or entity not found",
    "pending_reference": "引用的人员/实体尚未入库：该行已暂存，待其出现后自动导入（非拒收） referenced person or entity "
                         "not in the graph yet: row kept pending, it loads by itself when the reference appears "
                         "(not a reject; see `reliefgraph load --pending`)",
    "unresolved_person": "无身份证号且无法唯一匹配人员：该行已暂存，待复核关联（reliefgraph resolve link）或新户籍数据后自动导入"
                         "（非拒收） no citizen ID and no unique matching person: row kept pending, it loads once a "
                         "reviewer links it or a later register identifies the person (not a reject)",
    "optional_reference": "可选关联的对象尚未入库（其余事实已导入，该关联暂存待补） optional link target not in the graph "
                          "yet (rest of row loaded; the link waits in the pending store)",
    "derived_blank": "由其他字段截取或拼接的值为空（原值过短） a value cut or joined from other fields is blank "
                     "(source too short)",
    "key_blank": "主键及其备用字段均不完整 the key is blank and its fallback fields are incomplete",
    "lookup_unknown": "查找表中没有该键 the look-up table holds no row with this key",
    "lookup_ambiguous": "查找表中该键对应多行不同记录 the look-up table holds this key on rows that disagree",
    "id_checksum_kept": "身份证号校验位错误（按映射设置保留并标记） citizen ID check digit is wrong "
                        "(kept and flagged, as the mapping allows)",
    "credit_checksum_kept": "统一社会信用代码校验位错误（按映射设置保留并标记） credit code check character is wrong "
                            "(kept and flagged, as the mapping allows)",
    "date_future_kept": "日期晚于核查日期（按映射设置保留） date is after the as-of date (kept, as the mapping allows)",
}
# A reject line's severity: `reject` (the row, or the part of it named, was
# not loaded) or `warning` (loaded; the clerk should look at it).
REJECT, WARNING = "reject", "warning"


def reason_text(code: str) -> str:
    return LOADER_REASONS.get(code) or validate.REASONS.get(code) or code


@dataclass
class Reject:
    row: int
    field: str
    value: str
    reason: str
    severity: str = REJECT
    detail: str = ""      # what the fixed reason text cannot say (the look-up table and key)

    def as_dict(self, file_name: str, mapping_id: str) -> dict:
        text = reason_text(self.reason) + (f" ({self.detail})" if self.detail else "")
        return {"file": _inert(file_name), "mapping": mapping_id, "row": self.row, "field": self.field,
                "value_masked": _inert(self.value), "reason_code": self.reason, "reason": text,
                "severity": self.severity}


def _inert(text: str) -> str:
    # Clerks open reject files in a spreadsheet: a masked formula cell
    # (=cmd***A0) must not run there, so it gets Excel's text quote.
    return "'" + text if text and text[0] in "=+-@\t\r" else text


@dataclass
class Transformed:
    fields: pd.DataFrame    # one column per mapping field and constant, plus "_row"; good rows only
    rejects: list[Reject]   # with the warnings (severity `warning`) of rows kept
    rejected_rows: set[int]
    blank_rows: int
    duplicate_rows: int


def check_header(columns: list[str], mapping: Mapping, file_name: str) -> None:
    missing = [f.column for f in mapping.fields.values() if f.column not in columns and f.lookup is None]
    if missing:
        raise ExtractError(f"{file_name}: 缺少映射 {mapping.id} 所需的列 missing columns {missing} "
                           f"(file has {columns[:12]}{'…' if len(columns) > 12 else ''})")


def transform(chunk: Chunk, mapping: Mapping, as_of: date, identity_fields: set[str] | None = None,
              tables: dict | None = None) -> Transformed:
    frame = chunk.frame
    rows = pd.Series(chunk.rows, index=frame.index)
    rejects = [Reject(line, "(line)", "", "malformed_line") for line, _ in chunk.malformed]
    blank = frame.isna().all(axis=1)
    out = pd.DataFrame(index=frame.index)
    bad = pd.Series(False, index=frame.index)
    # A blank person ID is allowed when name etc. can identify the person; a
    # blank key with a fallback when the fallback fields are there.
    may_be_blank = (identity_fields or set()) | mapping.blank_ok
    warned: dict[str, pd.Series] = {}

    # Look-up fields last: they read the normalised value of their key field.
    for f in sorted(mapping.fields.values(), key=lambda f: f.lookup is not None):
        if f.lookup is None:
            raw, lookup_reasons = frame[f.column], None
        else:
            raw, lookup_reasons = tables[f.lookup].take(f.column, out[f.lookup_key])
        values, reasons, warnings = _field(f, raw, as_of)
        if lookup_reasons is not None:
            missed = lookup_reasons.notna() & ~blank
            detail = f"{f.lookup}[{tables[f.lookup].key_column}] ← {f.lookup_key}"
            severity = REJECT if f.required else WARNING
            for idx in missed[missed].index:
                rejects.append(Reject(int(rows[idx]), f.name, validate.mask(str(out.at[idx, f.lookup_key])),
                                      lookup_reasons[idx], severity, detail))
            if f.required:
                bad |= missed
                reasons = reasons.mask(missed, lookup_reasons)
        if f.required and f.name not in may_be_blank:
            reasons = reasons.where(values.notna() | reasons.notna(), "missing_required")
        hit = reasons.notna() & ~blank
        for idx in hit[hit].index:
            if lookup_reasons is not None and pd.notna(lookup_reasons[idx]):
                continue  # listed above, with the table and key
            raw_cell = raw[idx]
            rejects.append(Reject(int(rows[idx]), f.name, validate.mask(str(raw_cell)) if pd.notna(raw_cell) else "",
                                  reasons[idx]))
        bad |= hit
        if warnings is not None:
            kept = warnings.notna() & ~blank
            for idx in kept[kept].index:
                rejects.append(Reject(int(rows[idx]), f.name, validate.mask(str(raw[idx])), warnings[idx], WARNING))
            warned[f.name] = kept
        out[f.name] = values
    for name, value in mapping.constants.items():
        out[name] = value
    for flag, names in mapping.checksum_flags.items():
        hit = np.logical_or.reduce([warned[n].to_numpy() for n in names])
        # Nullable booleans: stored as true where flagged, absent elsewhere.
        out[flag] = pd.Series(pd.array(np.where(hit, True, None), dtype="boolean"), index=frame.index)
    for d in mapping.derived.values():
        out[d.name] = _derive(d, out)
        if d.fallback:
            if d.optional:
                continue  # the node is written only for rows that have a key
            # Neither the key nor every fallback field: no identity to MERGE on.
            no_key = out[d.name].isna() & ~blank & ~bad
            rejects += [Reject(int(rows[idx]), d.sources[0], "", "key_blank") for idx in no_key[no_key].index]
            bad |= no_key
            continue
        # A slice past the end of a short code gives '': a blank key that must
        # never reach a MERGE (FalkorDB crashes on an empty constrained key).
        cut_short = out[d.name].isna() & out[list(d.sources)].notna().all(axis=1) & ~blank & ~bad
        for idx in cut_short[cut_short].index:
            rejects.append(Reject(int(rows[idx]), d.name, "", "derived_blank"))
        bad |= cut_short
    for w in mapping.whens:
        out[w.column] = _when(w, out[w.field])

    keep = ~bad & ~blank
    good = out[keep].copy()
    dup = good.duplicated()
    good["_row"] = rows[keep]
    return Transformed(fields=good, rejects=rejects, rejected_rows={int(rows[i]) for i in bad[bad].index},
                       blank_rows=int(blank.sum()), duplicate_rows=int(dup.sum()))


def _when(w, values: pd.Series) -> pd.Series:
    """True for the rows a yield's `when:` passes, NA for the others (the
    statement's rows are those whose needed fields are all present)."""
    present = values.notna()
    if w.op in ("present", "absent"):
        passed = present if w.op == "present" else ~present
    else:
        listed = values.astype("string").isin(w.values).fillna(False).astype(bool)
        passed = present & (~listed if w.op == "not_in" else listed)
    return pd.Series(np.where(passed.to_numpy(dtype=bool), True, None), index=values.index, dtype=object)


def _field(f: Field, raw: pd.Series, as_of: date) -> tuple[pd.Series, pd.Series, pd.Series | None]:
    """Normalised values, a reason code (or NA) per row, and the warnings of
    rows kept (None when the field's policy warns of nothing)."""
    none = pd.Series(pd.NA, index=raw.index, dtype=object)
    t = f.type
    if t in ("text", "name"):
        values = normalise.name(raw) if t == "name" else normalise.text(raw)
        reasons = none.mask(normalise.formula_like(values, cleaned=True).fillna(False).astype(bool), "formula_cell")
        too_long = values.str.len().fillna(0) > MAX_CELL[t]
        return values, reasons.mask(too_long, "cell_too_long"), None
    if t in ("identifier", "citizen_id", "credit_code", "plate", "vin", "phone"):
        values = normalise.phone(raw) if t == "phone" else normalise.identifier(raw)
        check = {"citizen_id": lambda v: validate.citizen_id(v, as_of), "credit_code": validate.credit_code,
                 "plate": validate.plate, "vin": validate.vin, "phone": validate.phone}.get(t)
        reasons = _as_reasons(check(values) if check else none, raw.index)
        if f.checksum == "warn":
            # A legacy code with a wrong check character: kept as written and flagged.
            kept = reasons.isin(("id_checksum", "credit_checksum"))
            return values, reasons.mask(kept), (reasons + "_kept").where(kept, pd.NA)
        return values, reasons, None
    if t == "date":
        values, unreadable = normalise.date(raw)
        reasons = none.mask(unreadable.astype(bool), "date_invalid")
        if f.future == "allow":
            return values, reasons, None
        future = _as_reasons(validate.not_future(values, as_of), raw.index)
        if f.future == "warn":
            return values, reasons, future.where(future.isna(), "date_future_kept")
        return values, reasons.fillna(future), None
    if t == "month":
        values, unreadable = normalise.month(raw)
        return values, none.mask(unreadable.astype(bool), "month_invalid"), None
    if t in ("number", "int"):
        values, unreadable = normalise.number(raw, f.unit)
        reasons = none.mask(unreadable.astype(bool), "number_invalid")
        if t == "int":
            fractional = values.notna() & (values.fillna(0) % 1 != 0)
            reasons = reasons.mask(fractional, "int_invalid")
            values = values.astype("Int64")
        return values, reasons, None
    if t == "code":
        values, unknown = normalise.mapped(raw, f.map)
        return values, none.mask(unknown.astype(bool), "code_unknown"), None
    raise ValueError(f"unhandled field type {t}")


def _derive(d, out: pd.DataFrame) -> pd.Series:
    if d.fallback:
        key, *rest = d.sources
        parts = [out[src].astype("string") for src in rest]
        joined = parts[0]
        for part in parts[1:]:
            joined = joined + d.sep + part
        return out[key].astype("string").fillna(FALLBACK_MARK + joined)
    if d.slice is not None:
        start, end = d.slice
        part = out[d.sources[0]].str.slice(start, end)
        return part.mask(part == "")
    parts = [out[src].astype("string") for src in d.sources]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + d.sep + part  # NA in any part gives NA: no half-built keys
    return joined


def _as_reasons(reasons, index) -> pd.Series:
    s = pd.Series(reasons, index=index, dtype=object)
    return s.where(s.notna(), pd.NA)
