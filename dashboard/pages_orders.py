"""工单 Orders: my unit's orders — claim, the verification feedback form,
resubmission after a return — and the deadlines shown on sign-in."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from reliefgraph.beijing import shown
from reliefgraph.dashboard import attachments, cluetable, orders, orderviews, units
from reliefgraph.dashboard.permissions import mask_text, order_actions, order_refusal
from reliefgraph.dashboard.ui import Ctx, flash
from reliefgraph.queries.rules import FAMILIES

DEADLINES_SEEN = "deadlines_seen"
# Streamlit's file box speaks English ("Upload", "20MB per file") and has no
# option for other words; the size it states is our limit (`max_upload_size`,
# and the server's `server.maxUploadSize`). Our own CSS puts Chinese in their place.
UPLOADER_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] * {font-size: 0 !important;}
[data-testid="stFileUploaderDropzoneInstructions"]::after {content: "拖放文件到此处，或点击左侧按钮选择"; font-size: 0.85rem;}
[data-testid="stFileUploaderDropzone"] button * {font-size: 0 !important;}
[data-testid="stFileUploaderDropzone"] button::after {content: "选择文件"; font-size: 0.9rem;}
</style>"""


def render(ctx: Ctx) -> None:
    st.header("工单 Orders")
    names = units.unit_names(ctx.engine)
    if not ctx.viewer.unit_id and ctx.user.role != "admin":
        st.warning("您的账户未归属任何单位，请联系管理员 your account belongs to no unit; ask an administrator")
        return
    st.caption(f"本单位 my unit: {names.get(ctx.viewer.unit_id, '全部单位 all units')}")
    statuses = st.multiselect("状态 status", list(orderviews.ORDER_STATUSES), key="orders_status",
                              default=["dispatched", "claimed", "returned", "submitted"],
                              format_func=orderviews.status_label, placeholder="全部状态 all statuses")
    mine = st.toggle("只看分配给我的 only orders assigned to me", key="orders_mine")
    rows = orderviews.visible_orders(ctx.engine, ctx.viewer, statuses or None,
                                     assignee=ctx.user.username if mine else None)
    st.caption(f"工单 orders: {len(rows)} 条")
    if rows:
        people = orderviews.display_names(ctx.engine)
        st.dataframe(pd.DataFrame([orderviews.order_row(o, names, people=people) for o in rows]), hide_index=True,
                     width="stretch")
    # Labels carry what a step never changes (the browser sends the label back).
    labels = {o["order_id"]: f"{o['order_id']} · {o.get('subject_name') or ''} · "
                             f"{FAMILIES.get(o.get('family'), (o.get('family') or '',))[0]}" for o in rows}
    opened = st.session_state.get("open_order")
    if opened and opened not in labels:
        labels[opened] = opened       # a step moved it out of the filter: keep it open to show the outcome
    oid = st.selectbox("打开工单 open an order", list(labels), index=None, format_func=labels.get,
                       key="open_order", placeholder="请选择工单 choose an order")
    if oid:
        order_panel(ctx, oid, names)


def order_panel(ctx: Ctx, oid: str, names: dict[str, str]) -> None:
    o = orders.order(ctx.engine, oid)
    ctx.audit_once(f"order:{oid}", "view_clue", [f"Order:{oid}", f"Clue:{o['clue_id']}", f"Person:{o['subject_id']}"])
    st.subheader(f"工单 {oid} — {orderviews.status_label(o['status'])}")
    st.write(f"派单单位 from: {o['dispatcher_unit_name']} · 承办单位 to: {o['unit_name']} · "
             f"核查人 verifier: {orderviews.display_names(ctx.engine).get(o.get('assignee'), o.get('assignee') or '—')} · "
             f"期限 deadline: {orderviews.deadline_words(o.get('deadline'), o['status'])} · "
             f"派单时间 dispatched: {shown(o['dispatched_at'])}")
    if o.get("vanished_at"):
        st.warning(f"{shown(o['vanished_at'])} 再次检测时该线索的事实已不存在 detection no longer finds this clue's facts")
    head = cluetable.clue_header(ctx.engine, ctx.viewer, o["clue_id"])
    if head:
        with st.container(border=True):
            st.markdown(f"**{head['subject_name'] or ''} {head['subject_shown']}** — "
                        f"{FAMILIES.get(head['family'], (head['family'],))[0]} · 评分 score {head['score']:.2f}")
            for f in cluetable.findings_for(ctx.engine, ctx.viewer, o["clue_id"]):
                st.write(f["narrative"])
    reason = orderviews.return_reason(orders.feedback_of(ctx.engine, oid))
    if o["status"] == "returned" and reason:
        st.warning(f"审核退回原因 returned because: {mask_text(ctx.viewer, reason)}")
    actions = order_actions(ctx.viewer, o)
    if "claim" in actions and st.button("认领 claim", type="primary", key=f"claim:{oid}"):
        _step(lambda: orders.claim(ctx.engine, ctx.viewer, oid), f"已认领工单 {oid} claimed")
    if "assign" in actions:
        _assign_form(ctx, o)
    if "submit" in actions:
        feedback_form(ctx, o)
    elif o["status"] in ("claimed", "returned") and ctx.user.role == "verifier":
        st.info(order_refusal(ctx.viewer, "submit", o))
    feedback_history(ctx, oid)
    with st.expander("公文 official documents"):
        from reliefgraph.dashboard.docbuttons import case_report_buttons

        case_report_buttons(ctx, oid)


def _step(do, message: str) -> None:
    try:
        do()
    except orders.FeedbackError as exc:
        st.error("请修改后再提交 please correct and resubmit:\n\n" + "\n".join(f"- {p}" for p in exc.problems))
        return
    except (orders.OrderError, attachments.AttachmentError, PermissionError) as exc:
        st.error(str(exc))
        return
    flash(message)
    st.rerun()


def _assign_form(ctx: Ctx, o: dict) -> None:
    verifiers = {m["username"]: m["display_name"] for m in units.members(ctx.engine, o["unit_id"], "verifier")}
    with st.form(f"assign:{o['order_id']}"):
        who = st.selectbox("指派核查员 assign to", list(verifiers), index=None, placeholder="请选择核查员 choose",
                           format_func=lambda u: f"{verifiers[u]} ({u})")
        if st.form_submit_button("指派 assign") and who:
            _step(lambda: orders.assign(ctx.engine, ctx.viewer, o["order_id"], who), f"已指派给 {verifiers[who]}")


def feedback_form(ctx: Ctx, o: dict) -> None:
    """The verification feedback (核查反馈); after a return the last one is the starting point."""
    last = (orders.feedback_of(ctx.engine, o["order_id"]) or [{}])[-1]
    max_mb = attachments.max_attachment_bytes() / attachments.MB
    suffixes = [x.lstrip(".") for _, exts in attachments.TYPES.values() for x in exts]
    st.subheader("核查反馈 verification feedback" + ("（重新提交 resubmission）" if o["status"] == "returned" else ""))
    st.html(UPLOADER_CSS)
    with st.form(f"feedback:{o['order_id']}", clear_on_submit=False):
        conclusion = st.radio("核查结论 conclusion", list(orderviews.CONCLUSIONS), horizontal=True,
                              format_func=orderviews.CONCLUSIONS.get,
                              index=list(orderviews.CONCLUSIONS).index(last["conclusion"])
                              if last.get("conclusion") in orderviews.CONCLUSIONS else None)
        facts = st.text_area("核查事实 facts found", value=last.get("facts") or "",
                             placeholder="入户核查经过、查明的事实 what the visit found")
        c1, c2, c3, c4 = st.columns(4)
        involved = c1.number_input("涉及金额（元）amount involved", min_value=0.0, step=100.0, format="%.2f",
                                   value=float(last.get("amount_involved") or 0))
        recovered = c2.number_input("追回金额（元）amount recovered", min_value=0.0, step=100.0, format="%.2f",
                                    value=float(last.get("amount_recovered") or 0))
        households = c3.number_input("停保户数 households stopped", min_value=0, step=1,
                                     value=int(last.get("households_stopped") or 0))
        people = c4.number_input("停保人数 people stopped", min_value=0, step=1,
                                 value=int(last.get("people_stopped") or 0))
        rectification = st.text_area("整改情况 rectification", value=last.get("rectification") or "",
                                     placeholder="已采取的整改措施 what was put right")
        c5, c6 = st.columns(2)
        accountable = c5.number_input("追责问责人数 people held accountable", min_value=0, step=1,
                                      value=int(last.get("accountability_people") or 0))
        kinds = list(dict.fromkeys([*orderviews.ACCOUNTABILITY_KINDS, *filter(None, [last.get("accountability_kind")])]))
        kind = c6.selectbox("问责方式 kind of accountability", kinds, placeholder="无 none", accept_new_options=True,
                            index=kinds.index(last["accountability_kind"]) if last.get("accountability_kind") else None)
        files = st.file_uploader(
            f"附件 attachments（入户核查表扫描件、照片；{attachments.ALLOWED}，每个不超过 {max_mb:g} MB）",
            accept_multiple_files=True, type=suffixes, max_upload_size=attachments.upload_cap_mb(),
            help="文件按内容核对类型，只提供下载、不在页面中打开 files are checked by content and only offered as downloads")
        sent = st.form_submit_button("提交审核 submit for review", type="primary")
    if not sent:
        return
    if conclusion is None:
        st.error("请选择核查结论 choose a conclusion")
        return
    feedback = orders.Feedback(conclusion=conclusion, facts=facts, amount_involved=Decimal(str(involved)),
                               amount_recovered=Decimal(str(recovered)), households_stopped=int(households),
                               people_stopped=int(people), rectification=rectification,
                               accountability_people=int(accountable), accountability_kind=kind or "")
    uploads = [(f.name, f.getvalue()) for f in files or []]
    _step(lambda: orders.submit_feedback(ctx.engine, ctx.viewer, o["order_id"], feedback, uploads),
          f"已提交核查反馈，等待审核 feedback on {o['order_id']} submitted for review")


def feedback_history(ctx: Ctx, oid: str) -> None:
    rounds = orders.feedback_of(ctx.engine, oid)
    files = orders.attachments_of(ctx.engine, oid)
    people = orderviews.display_names(ctx.engine)
    if rounds:
        st.caption("反馈记录 feedback history")
        st.dataframe(pd.DataFrame([orderviews.feedback_row(ctx.viewer, r, people) for r in rounds]), hide_index=True,
                     width="stretch")
    for a in files:
        # Offered as a download, never shown inline: a scan or a PDF from a
        # town office is not trusted content for this page. The bytes are
        # read (and the reading audited) only when the button is clicked.
        st.download_button(f"下载附件 {a['original_name']}（第 {a['feedback_version']} 版，{orderviews.size_words(a['size'])}，"
                           f"SHA-256 {a['sha256'][:12]}…）",
                           lambda aid=a["id"]: orders.read_attachment(ctx.engine, ctx.viewer, aid)[1],
                           file_name=a["original_name"], mime="application/octet-stream",
                           key=f"attachment:{a['id']}", on_click="ignore")
    events = orders.events_of(ctx.engine, oid)
    if events:
        with st.expander(f"办理记录 history ({len(events)})"):
            st.dataframe(pd.DataFrame([orderviews.event_row(ctx.viewer, e, people) for e in events]), hide_index=True,
                         width="stretch")


def deadline_notice(ctx: Ctx) -> None:
    """Overdue and due-soon orders of my unit: in full once after sign-in, as a count after that."""
    if not ctx.viewer.unit_id:
        return
    late = orders.overdue(ctx.engine, ctx.viewer.unit_id)
    soon = orders.due_soon(ctx.engine, ctx.viewer.unit_id)
    if not late and not soon:
        return
    names = units.unit_names(ctx.engine)
    with st.sidebar:
        st.warning(f"本单位逾期 overdue {len(late)} 条 · 即将到期 due soon {len(soon)} 条")
    if st.session_state.get(DEADLINES_SEEN) == ctx.user.username:
        return
    st.session_state[DEADLINES_SEEN] = ctx.user.username
    with st.container(border=True):
        st.subheader("期限提醒 deadlines of my unit")
        if late:
            st.error(f"已逾期 overdue: {len(late)} 条")
            st.dataframe(pd.DataFrame([orderviews.order_row(o, names) for o in late]), hide_index=True,
                         width="stretch")
        if soon:
            st.warning(f"两日内到期 due within two days: {len(soon)} 条")
            st.dataframe(pd.DataFrame([orderviews.order_row(o, names) for o in soon]), hide_index=True,
                         width="stretch")
        st.caption(f"截至 as of {shown(orderviews.now_utc())}")
