"""核查 Cases: my cases (verifiers), all cases (administrators), and the
panel that moves one case along."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from reliefgraph.beijing import shown
from reliefgraph.dashboard import accounts, cases
from reliefgraph.dashboard.permissions import can, mask_for, mask_text
from reliefgraph.dashboard.ui import Ctx, flash, status_zh
from reliefgraph.queries.rules import FAMILIES


def render(ctx: Ctx) -> None:
    st.header("核查 Cases")
    mine_only = ctx.user.role == "verifier"
    statuses = st.multiselect("状态 status", [s for s in cases.STATUSES if s != "new"],
                              default=["open", "in_verification"], format_func=status_zh,
                              placeholder="全部状态 all statuses")
    assignee = ctx.user.username if mine_only else None
    rows = cases.list_cases(ctx.engine, assignee=assignee, statuses=statuses or None)
    opened = st.session_state.get("open_case")
    if opened and opened not in {r["clue_id"] for r in rows}:
        # A step just moved the open case out of the status filter (e.g. to
        # confirmed): keep it open so its user sees the outcome.
        rows += [r for r in cases.list_cases(ctx.engine, assignee=assignee) if r["clue_id"] == opened]
    st.caption(("分派给我的案件 cases assigned to me" if mine_only else "全部案件 all cases") + f": {len(rows)}")
    waiting = cases.waiting_count(ctx.engine) if can(ctx.user.role, "assign_case") else 0
    if waiting:
        # A case exists once a clue is assigned; clues still waiting are not
        # cases yet, and "0 cases" alone read as if nothing needed doing.
        st.info(f"另有 {waiting} 条线索待分派 clues waiting to be assigned — 请在「线索 Clues」页打开线索并分派 "
                "open them on the Clues page to assign; 或由派单员在「派单 Dispatch」页批量派单给承办单位 "
                "or a dispatcher sends them to a unit in bulk on the Dispatch page")
    if not rows:
        return
    table = [{"编号 id": r["clue_id"], "类别 family": FAMILIES.get(r["family"], (r["family"],))[0],
              "姓名 name": r["subject_name"], "身份证号 ID": mask_for(ctx.viewer, r["subject_id"], "citizen_id"),
              "状态 status": status_zh(r["status"]), "核查人 assignee": r["assignee"],
              "更新 updated (北京时间)": shown(r["updated"], suffix=False)} for r in rows]
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
    # The browser sends back the label, not the value: a label that changed
    # with the case's status (open → in verification) would close the case at
    # the next click. Labels carry only what a step never changes.
    labels = {r["clue_id"]: f"{r['subject_name'] or ''} · {FAMILIES.get(r['family'], (r['family'],))[0]} · "
                            f"{r['clue_id']}" for r in rows}
    cid = st.selectbox("打开案件 open a case", [None, *labels], key="open_case",
                       format_func=lambda c: "—" if c is None else labels[c], placeholder="请选择 choose")
    if cid:
        from reliefgraph.dashboard.pages_clues import clue_detail

        clue_detail(ctx, cid)


def case_panel(ctx: Ctx, cid: str) -> None:
    """Status, conclusion, history and the steps the viewer may take now."""
    case = cases.case_of(ctx.engine, cid)
    st.subheader("案件处置 case")
    st.write(f"状态 status: **{status_zh(case['status'])}** · 核查人 assignee: {case['assignee'] or '—'}")
    if case["conclusion"]:
        st.write(f"核查结论 conclusion: {mask_text(ctx.viewer, case['conclusion'])}")
    if case["notes"]:
        st.text(mask_text(ctx.viewer, case["notes"]))
    actions = cases.allowed_actions(ctx.viewer, case["status"], case["assignee"])
    if actions:
        with st.form(f"case:{cid}", clear_on_submit=True):
            action = st.radio("操作 action", actions, horizontal=True,
                              format_func=lambda a: f"{cases.ACTIONS[a][0]} {cases.ACTIONS[a][1]}")
            assignee = None
            if {"assign", "reassign"} & set(actions):
                verifiers = [u["username"] for u in accounts.list_users(ctx.engine)
                             if u["role"] == "verifier" and u["active"]]
                assignee = st.selectbox("核查人 verifier", [None, *verifiers],
                                        format_func=lambda u: "—" if u is None else u, placeholder="请选择 choose")
            conclusion = st.text_input("核查结论 conclusion（办结时必填 required to close）", placeholder="核查经过与结论") \
                if {"confirm", "dismiss"} & set(actions) else None
            note = st.text_area("备注 notes", placeholder="可选 optional")
            if st.form_submit_button("提交 submit"):
                try:
                    step = cases.act(ctx.engine, ctx.viewer, cid, action, assignee=assignee,
                                     conclusion=conclusion, note=note)
                except cases.CaseError as exc:
                    st.error(str(exc))
                else:
                    flash(f"已{cases.ACTIONS[step.action][0]}：{status_zh(step.from_status)} → "
                               f"{status_zh(step.to_status)}")
                    st.rerun()
    history = cases.history_of(ctx.engine, cid)
    if history:
        st.caption("处置记录 history")
        st.dataframe(pd.DataFrame([{
            "时间 when (北京时间)": shown(h["at"], suffix=False), "人员 who": h["actor"], "操作 action": cases.ACTIONS[h["action"]][0],
            "状态 status": f"{status_zh(h['from_status'])} → {status_zh(h['to_status'])}",
            "核查人 assignee": h["assignee"] or "", "结论 conclusion": mask_text(ctx.viewer, h["conclusion"]) or "",
            "备注 note": mask_text(ctx.viewer, h["note"]) or ""} for h in history]),
            hide_index=True, width="stretch")
