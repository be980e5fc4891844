"""Civil-affairs extracts 民政: grants, members, payments, marriages, filing register."""
from __future__ import annotations

import numpy as np

from . import dates, grants as gr
from .cadres import BUREAU, TITLES
from .dates import NONE
from .extracts import Ctx, chunked, frame
from .mess import Spec
from .regions import COUNTY_CODE

PROG_NOTE = ", ".join(f"{k}={v}" for k, v in gr.PROGRAMME_ZH.items())


def _visible(ctx: Ctx):
    G = ctx.w.tables["grants"]
    return np.flatnonzero(G.col("start").astype(np.int64) <= ctx.as_of)


def grants(ctx: Ctx):
    w = ctx.w
    G, hh = w.tables["grants"], w.hh
    spec = Spec(
        file="minzheng_jiuzhu.xlsx", agency="民政局", title="救助对象台账", title_en="grants",
        encoding="xlsx",
        columns=["救助编号", "救助类别", "申请人姓名", "申请人身份证号", "户籍户号", "所属村(社区)代码",
                 "所属村(社区)", "保障人数", "月保障金额(元)", "开始日期", "终止日期", "保障状态",
                 "审核人", "审核人身份证号", "审批人", "审批人身份证号", "联系电话", "家庭住址", "银行账号"],
        id_cols=["申请人身份证号", "审核人身份证号", "审批人身份证号"], date_cols=["开始日期", "终止日期"],
        key_cols=["救助编号"], text_cols=["申请人姓名", "家庭住址"], fullwidth_cols=["联系电话", "月保障金额(元)"],
        fullwidth=0.03, date_style="cn",
        notes=(f"救助类别 {PROG_NOTE}. For 临时救助 the amount is the one-off payment and 开始日期 = 终止日期. "
               "保障状态 在保/停保. 审核人 = town handler who assessed (ASSESSED_BY), 审批人 = county "
               "official who approved (APPROVED_BY). Phone, address and account are those given on the "
               "application (HAS_PHONE / LIVES_AT / HOLDS_ACCOUNT of the applicant)."))
    g = _visible(ctx)
    holder = G.col("holder").astype(np.int64)[g]
    end = G.col("end").astype(np.int64)[g]
    through = G.col("paid_through").astype(bool)[g]
    end_v = np.where((end <= ctx.as_of) & ~through, end, NONE)
    M = w.tables["members"]
    size = np.bincount(M.col("grant").astype(np.int64), minlength=len(G))[g]
    ph, ad, ac = (G.col(c).astype(np.int64)[g] for c in ("phone", "address", "account"))
    phone = w.phone[np.where(ph >= 0, ph, holder)]
    account = w.account[np.where(ac >= 0, ac, holder)]
    address = hh.address[np.where(ad >= 0, ad, hh.of[holder])]
    vill = G.col("village").astype(np.int64)[g]
    df = frame(**{
        "救助编号": G.col("gid")[g], "救助类别": G.col("programme")[g], "申请人姓名": ctx.nm(holder),
        "申请人身份证号": ctx.cid(holder), "户籍户号": hh.number[G.col("household").astype(np.int64)[g]],
        "所属村(社区)代码": ctx.vcode(vill), "所属村(社区)": ctx.vname(vill), "保障人数": size.astype(str),
        "月保障金额(元)": G.col("amount")[g].astype(str), "开始日期": G.col("start").astype(np.int64)[g],
        "终止日期": end_v, "保障状态": np.where(end_v < NONE, "停保", "在保"),
        "审核人": ctx.nm(G.col("assessor")[g]), "审核人身份证号": ctx.cid(G.col("assessor")[g]),
        "审批人": ctx.nm(G.col("approver")[g]), "审批人身份证号": ctx.cid(G.col("approver")[g]),
        "联系电话": phone, "家庭住址": address, "银行账号": account,
        "_protected": ctx.protected(holder) | ctx.truth_grants[g]})
    return spec, iter([df]), "申请人姓名"


def members(ctx: Ctx):
    w = ctx.w
    G, M, p = w.tables["grants"], w.tables["members"], w.people
    spec = Spec(
        file="minzheng_jiuzhu_chengyuan.csv", agency="民政局", title="保障对象家庭成员", title_en="grant members",
        encoding="gbk", crlf=True,
        columns=["救助编号", "成员姓名", "成员身份证号", "与申请人关系", "出生日期", "所属村(社区)代码"],
        id_cols=["成员身份证号"], date_cols=["出生日期"], key_cols=["救助编号"], text_cols=["成员姓名"],
        date_style="iso", idless_col="成员身份证号", idless=0.02,
        notes="One row per person covered by a grant (the applicant is 本人). About 2 % of rows have no "
              "ID (name + birth date + village only), as old paper ledgers were typed in.")
    vis = np.zeros(len(G), dtype=bool)
    vis[_visible(ctx)] = True
    gi = M.col("grant").astype(np.int64)
    rows = np.flatnonzero(vis[gi])
    x = M.col("person").astype(np.int64)[rows]
    gg = gi[rows]
    df = frame(**{"救助编号": G.col("gid")[gg], "成员姓名": ctx.nm(x), "成员身份证号": ctx.cid(x),
                  "与申请人关系": M.col("relation")[rows], "出生日期": p.birth[x],
                  "所属村(社区)代码": ctx.vcode(G.col("village").astype(np.int64)[gg]),
                  "_protected": ctx.protected(x) | ctx.truth_grants[gg]})
    return spec, iter([df]), "成员姓名"


def payments(ctx: Ctx):
    w = ctx.w
    G = w.tables["grants"]
    spec = Spec(
        file="minzheng_fafang.csv", agency="民政局", title="救助资金发放明细", title_en="monthly payments",
        encoding="utf-8",
        columns=["救助编号", "发放年月", "发放金额", "领款人姓名", "领款人身份证号", "银行账号", "发放日期"],
        id_cols=["领款人身份证号"], date_cols=["发放日期"], month_cols=["发放年月"], key_cols=["救助编号"],
        text_cols=["领款人姓名"], fullwidth_cols=["发放金额"], fullwidth=0.01, date_style="compact",
        dup=0.002, invalid=0.0005,
        notes="One row per grant and month from January 2024 to the data month (发放年月 like 202401, "
              "some 2024-01 / 2024/1 / 2024年1月). The payee is the applicant; the account is the one "
              "the money went to.")
    g, month, amount = gr.payments(w, ctx.as_of)
    order = np.lexsort((g, month))
    g, month, amount = g[order], month[order], amount[order]
    holder = G.col("holder").astype(np.int64)
    ac = G.col("account").astype(np.int64)
    gid = G.col("gid")
    rng = w.rng("extract.payments")
    paid_day = dates.month_first_day(month) + rng.integers(9, 15, len(month))

    def make(sl):
        gg = g[sl]
        x = holder[gg]
        return frame(**{"救助编号": gid[gg], "发放年月": month[sl], "发放金额": amount[sl].astype(str),
                        "领款人姓名": ctx.nm(x), "领款人身份证号": ctx.cid(x),
                        "银行账号": w.account[np.where(ac[gg] >= 0, ac[gg], x)], "发放日期": paid_day[sl],
                        "_protected": ctx.truth_grants[gg]})
    return spec, chunked(len(g), spec.chunk, make), "领款人姓名"


def marriages(ctx: Ctx):
    w, p = ctx.w, ctx.w.people
    spec = Spec(
        file="minzheng_hunyin.csv", agency="民政局婚姻登记处", title="婚姻登记信息", title_en="marriage register",
        encoding="utf-8",
        columns=["登记类别", "男方姓名", "男方身份证号", "男方出生日期", "男方户籍地", "女方姓名", "女方身份证号",
                 "女方出生日期", "女方户籍地", "登记日期", "登记机关"],
        id_cols=["男方身份证号", "女方身份证号"], date_cols=["男方出生日期", "女方出生日期", "登记日期"],
        key_cols=["男方身份证号", "女方身份证号", "男方姓名", "女方姓名"], text_cols=["男方姓名", "女方姓名"],
        date_style="slash", idless_col="女方身份证号", idless=0.3,
        notes="登记类别 IA=结婚登记. 户籍地 is the village code at registration (a county code for people "
              "from elsewhere). Records before 1995 were typed in from paper: about 30 % of them lack the "
              "wife's ID (name + birth date + 户籍地 only).")
    h, wf = p.couple_h, p.couple_w
    day_ = p.married[h]
    keep = np.flatnonzero(day_ <= ctx.as_of)
    keep = keep[np.argsort(day_[keep], kind="stable")]
    h, wf, day_ = h[keep], wf[keep], day_[keep]
    hv = w.hh.village[w.hh.of]

    def place(x):
        local = p.origin[x] == COUNTY_CODE
        return np.where(local, ctx.vcode(hv[x]), p.origin[x].astype(str).astype(object))
    old = day_ < dates.day(1995, 1, 1)
    df = frame(**{"登记类别": np.full(len(h), "IA"), "男方姓名": ctx.nm(h), "男方身份证号": ctx.cid(h),
                  "男方出生日期": p.birth[h], "男方户籍地": place(h), "女方姓名": ctx.nm(wf),
                  "女方身份证号": ctx.cid(wf), "女方出生日期": p.birth[wf], "女方户籍地": place(wf),
                  "登记日期": day_, "登记机关": np.full(len(h), BUREAU),
                  "_protected": ~old | ctx.protected(h) | ctx.protected(wf)})
    return spec, iter([df]), "女方姓名"


def filings(ctx: Ctx):
    w = ctx.w
    F, G = w.tables["filings"], w.tables["grants"]
    spec = Spec(
        file="minzheng_beian.xlsx", agency="民政局", title="村干部和经办人员近亲属享受低保备案",
        title_en="cadre-relative filing register", encoding="xlsx",
        columns=["备案编号", "干部姓名", "干部身份证号", "干部职务", "亲属姓名", "亲属身份证号", "亲属关系",
                 "享受救助类别", "救助编号", "备案日期"],
        id_cols=["干部身份证号", "亲属身份证号"], date_cols=["备案日期"], key_cols=["备案编号"],
        text_cols=["干部姓名", "亲属姓名"], date_style="iso", dup=0.0, invalid=0.0,
        notes=f"FILED_AS_RELATIVE: cadre, relative (the grant's applicant), relation from the cadre's side, "
              f"filing date. 享受救助类别 {PROG_NOTE}.")
    filed = F.col("filed").astype(np.int64)
    k = np.flatnonzero(filed <= ctx.as_of)
    c, r, g = (F.col(x).astype(np.int64)[k] for x in ("cadre", "relative", "grant"))
    posts = {q.person: TITLES[q.title] for q in sorted(ctx.cadre_posts, key=lambda q: q.start)}
    df = frame(**{"备案编号": np.array([f"BA{i + 1:06d}" for i in range(len(k))], dtype=object),
                  "干部姓名": ctx.nm(c), "干部身份证号": ctx.cid(c),
                  "干部职务": np.array([posts.get(int(x), "") for x in c], dtype=object),
                  "亲属姓名": ctx.nm(r), "亲属身份证号": ctx.cid(r), "亲属关系": F.col("relation")[k],
                  "享受救助类别": G.col("programme")[g], "救助编号": G.col("gid")[g], "备案日期": filed[k],
                  "_protected": np.ones(len(k), dtype=bool)})
    return spec, iter([df]), None


BUILDERS = [grants, members, payments, marriages, filings]
