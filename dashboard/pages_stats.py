"""统计 Statistics: per unit and per rule — dispatched, on time, overdue,
confirmed rate, amount recovered — as charts and downloadable tables."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from reliefgraph.beijing import to_beijing
from reliefgraph.dashboard import orders, orderviews, units
from reliefgraph.dashboard.ui import Ctx, rule_files
from reliefgraph.exports import MIME, table_bytes



@st.cache_data(max_entries=4, show_spinner=False)
def _figures(db_url: str, version: tuple, _engine) -> tuple[list[dict], list[dict]]:
    # Every order is read twice (per unit, per rule); the figures change
    # only when an order does, so they are computed once per change of the
    # orders (`version`), not once per session and rerun.
    return orders.stats_by_unit(_engine), orders.stats_by_rule(_engine)


def render(ctx: Ctx) -> None:
    st.header("统计 Statistics")
    by_unit, by_rule = _figures(str(ctx.engine.url), orderviews.orders_version(ctx.engine), ctx.engine)
    unit_cols, unit_rows = orderviews.stats_rows(by_unit, "unit_id", units.unit_names(ctx.engine))
    rule_cols, rule_rows = orderviews.stats_rows(by_rule, "rule_id", {r.id: r.title_zh for r in rule_files()})
    if not unit_rows:
        st.info("尚未派单 no order dispatched yet: 在「派单 Dispatch」页派出线索后这里显示统计")
        return
    _section(ctx, "按承办单位 per unit", unit_cols, unit_rows, "by_unit")
    _section(ctx, "按规则 per rule", rule_cols, rule_rows, "by_rule")
    from reliefgraph.dashboard.docbuttons import ledger_form

    ledger_form(ctx)


def _section(ctx: Ctx, title: str, columns: list[str], rows: list[list], name: str) -> None:
    st.subheader(title)
    if not rows:
        st.caption("暂无 none yet")
        return
    frame = pd.DataFrame(rows, columns=columns)
    rate_col, amount_col = columns[-2], columns[-1]
    shown = frame.assign(**{rate_col: frame[rate_col].map(orderviews.rate),
                            amount_col: frame[amount_col].map(orderviews.yuan)})
    st.dataframe(shown, hide_index=True, width="stretch")
    # Full width: unit and rule names are long, and so is the legend.
    st.caption("派单与办结 dispatched, closed on time and late, overdue now")
    counts = [columns[1], *columns[3:6]]
    st.vega_lite_chart(_long(frame, columns[0], counts), _grouped_bars(len(frame), len(counts), whole=True),
                       width="stretch")
    st.caption("追回金额（元）amount recovered")
    st.vega_lite_chart(_long(frame, columns[0], [amount_col]), _grouped_bars(len(frame), 1), width="stretch")
    stamp = to_beijing(orderviews.now_utc()).strftime("%Y%m%d")
    c1, c2, _ = st.columns([1, 1, 4])
    for fmt, col in (("csv", c1), ("xlsx", c2)):
        # Made when clicked: an Excel file per table on every rerun of every
        # session was a third of this page's time.
        data = ctx.exported(lambda fmt=fmt: table_bytes(fmt, columns, rows), [],
                            {"what": f"order_stats_{name}", "format": fmt})
        col.download_button({"csv": "下载 CSV", "xlsx": "下载 Excel"}[fmt], data,
                            file_name=f"工单统计_{name}_{stamp}.{fmt}", mime=MIME[fmt], key=f"stats:{name}:{fmt}",
                            on_click="ignore")


def _long(frame: pd.DataFrame, name_col: str, value_cols: list[str]) -> pd.DataFrame:
    return (frame.melt(id_vars=[name_col], value_vars=value_cols, var_name="measure", value_name="value")
            .rename(columns={name_col: "name"}))


def _grouped_bars(names: int, measures: int, whole: bool = False) -> dict:
    """Horizontal bars, one group per unit or rule, one bar per measure.

    A plain Vega-Lite spec: st.bar_chart builds the same chart through
    Altair, whose schema validation took ~70 ms a chart on every rerun."""
    sort = {"sort": None}
    return {
        "height": max(160, (22 if measures > 1 else 30) * names * max(measures, 1) + 40),
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "name", "type": "nominal", "title": None, "axis": {"labelLimit": 320}, **sort},
            # Orders are counted in whole numbers: no 0.2 ticks.
            "x": {"field": "value", "type": "quantitative", "title": None,
                  **({"axis": {"tickMinStep": 1, "format": "d"}} if whole else {})},
            "yOffset": {"field": "measure", "type": "nominal", **sort},
            "color": {"field": "measure", "type": "nominal", "title": None, "legend": {"orient": "bottom"}, **sort},
        },
    }
