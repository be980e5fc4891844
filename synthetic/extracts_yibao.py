"""The medical-insurance bureau's settlement extract (医保结算), in both layouts.

One row per hospital settlement: the insured person, the dates, the total
cost, what the pooled fund paid and what the person paid out of pocket
(个人自付). Layout b is the provincial platform's export: other headers,
an Excel sheet, amounts with thousands separators.
"""
from __future__ import annotations

import numpy as np

from .extracts import Ctx, frame
from .extracts_b import relayout
from .mess import Spec


def _money(v) -> np.ndarray:
    return np.array([f"{float(a):.2f}" for a in v], dtype=object)


def settlements(ctx: Ctx):
    T = ctx.w.tables["medical"]
    spec = Spec(
        file="yibao_jiesuan.csv", agency="医疗保障局", title="医保住院结算信息", title_en="medical insurance settlements",
        encoding="gbk", crlf=True,
        columns=["结算单号", "姓名", "身份证号", "定点医疗机构", "入院日期", "出院日期", "结算日期", "医疗总费用(元)",
                 "统筹基金支付(元)", "个人自付(元)"],
        id_cols=["身份证号"], date_cols=["入院日期", "出院日期", "结算日期"], key_cols=["结算单号"],
        text_cols=["姓名", "定点医疗机构"], date_style="compact",
        notes="One row per inpatient settlement. 个人自付 is what the patient paid after the pooled fund "
              "(and critical-illness insurance) paid their share.")
    settled = T.col("settled").astype(np.int64)
    k = np.flatnonzero(settled <= ctx.as_of)
    k = k[np.argsort(settled[k], kind="stable")]
    x = T.col("person").astype(np.int64)[k]
    df = frame(**{"结算单号": T.col("bill")[k], "姓名": ctx.nm(x), "身份证号": ctx.cid(x),
                  "定点医疗机构": T.col("hospital")[k], "入院日期": T.col("admitted").astype(np.int64)[k],
                  "出院日期": T.col("discharged").astype(np.int64)[k], "结算日期": settled[k],
                  "医疗总费用(元)": _money(T.col("total")[k]), "统筹基金支付(元)": _money(T.col("fund")[k]),
                  "个人自付(元)": _money(T.col("oop")[k]), "_protected": ctx.protected(x)})
    return spec, iter([df]), "姓名"


def _thousands(col):
    return lambda d, c: np.array([f"{float(v):,.2f}" for v in d[col]], dtype=object)


settlements_b = relayout(settlements, "医保结算明细.xlsx", {
    "单据号": "结算单号", "参保人姓名": "姓名", "参保人证件号码": "身份证号", "医疗机构名称": "定点医疗机构",
    "结算时间": "结算日期", "入院时间": "入院日期", "出院时间": "出院日期", "费用总额": _thousands("医疗总费用(元)"),
    "基金支付金额": _thousands("统筹基金支付(元)"), "个人负担金额": _thousands("个人自付(元)")},
    "settlements_b", encoding="xlsx", crlf=False, date_style="slash",
    notes="Provincial medical-insurance platform export. Amounts in 元 with thousands separators (12,345.60).")



def choose(layout: str, rng) -> tuple[list, str]:
    """The builders for this unit and the layout chosen (its own stream, so other units keep theirs)."""
    pick = layout if layout != "mixed" else ("b" if rng.random() < 0.5 else "a")
    return [settlements_b if pick == "b" else settlements], pick
