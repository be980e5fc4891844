"""Extracts of the other agencies: real estate, market regulation, payroll,
organisation department, rural revitalisation, social insurance."""
from __future__ import annotations

import numpy as np

from .assets import COMPANY_CODES, PROPERTY_CODES
from .cadres import BUREAU, TITLES, TOWN, VILLAGE
from .dates import NONE
from .extracts import Ctx, chunked, frame
from .mess import Spec
from .regions import COUNTY_CODE


def _end(end, as_of):
    end = np.asarray(end, dtype=np.int64)
    return np.where(end <= as_of, end, NONE)


def real_estate(ctx: Ctx):
    P = ctx.w.tables["property"]
    spec = Spec(
        file="budongchan.csv", agency="不动产登记中心", title="不动产登记信息", title_en="real estate",
        encoding="utf-8",
        columns=["不动产权证号", "权利人", "权利人证件号", "不动产类型", "坐落", "行政区划代码", "建筑面积(㎡)",
                 "登记日期", "注销日期", "权利状态"],
        id_cols=["权利人证件号"], date_cols=["登记日期", "注销日期"], key_cols=["不动产权证号"],
        text_cols=["权利人", "坐落"], date_style="iso",
        notes="不动产类型 " + ", ".join(f"{k}={v[1]}({v[0]})" for k, v in PROPERTY_CODES.items()) +
              ". 权利状态 现势/注销. 行政区划代码 is the village or residents' committee of the property; "
              "county-town communities are 4512991000xx.")
    start = P.col("start").astype(np.int64)
    k = np.flatnonzero(start <= ctx.as_of)
    k = k[np.argsort(start[k], kind="stable")]
    x = P.col("person").astype(np.int64)[k]
    end = _end(P.col("end")[k], ctx.as_of)
    df = frame(**{"不动产权证号": P.col("cert")[k], "权利人": ctx.nm(x), "权利人证件号": ctx.cid(x),
                  "不动产类型": P.col("ptype")[k], "坐落": P.col("address")[k],
                  "行政区划代码": ctx.vcode(P.col("village")[k]),
                  "建筑面积(㎡)": np.array([f"{a:.2f}" for a in P.col("area")[k].astype(float)], dtype=object),
                  "登记日期": start[k], "注销日期": end, "权利状态": np.where(end < NONE, "注销", "现势"),
                  "_protected": ctx.protected(x)})
    return spec, iter([df]), "权利人"


def _companies(ctx: Ctx):
    C = ctx.w.tables["companies"]
    return np.flatnonzero(C.col("established").astype(np.int64) <= ctx.as_of)


def market_entities(ctx: Ctx):
    C = ctx.w.tables["companies"]
    spec = Spec(
        file="shichang_zhuti.csv", agency="市场监督管理局", title="市场主体登记信息", title_en="companies",
        encoding="utf-8",
        columns=["统一社会信用代码", "企业名称", "市场主体类型", "法定代表人(经营者)", "法定代表人证件号码",
                 "成立日期", "登记状态", "注销日期", "住所", "注册资本(万元)"],
        id_cols=["法定代表人证件号码"], code_cols=["统一社会信用代码"], date_cols=["成立日期", "注销日期"],
        key_cols=["统一社会信用代码"], text_cols=["企业名称", "住所"], date_style="iso",
        notes="市场主体类型 " + ", ".join(f"{k}={v[1]}({v[0]})" for k, v in COMPANY_CODES.items()) +
              ". 登记状态 存续/注销. 法定代表人(经营者) is the legal representative, or the operator of an "
              "individual business (LEGAL_REP).")
    k = _companies(ctx)
    rep = C.col("rep").astype(np.int64)[k]
    end = _end(C.col("dereg")[k], ctx.as_of)
    df = frame(**{"统一社会信用代码": C.col("code")[k], "企业名称": C.col("name")[k],
                  "市场主体类型": C.col("ctype")[k], "法定代表人(经营者)": ctx.nm(rep),
                  "法定代表人证件号码": ctx.cid(rep), "成立日期": C.col("established").astype(np.int64)[k],
                  "登记状态": np.where(end < NONE, "注销", "存续"), "注销日期": end,
                  "住所": ctx.vname(C.col("village")[k]),
                  "注册资本(万元)": np.array([f"{c:g}" for c in C.col("capital")[k].astype(float)], dtype=object),
                  "_protected": ctx.protected(rep)})
    return spec, iter([df]), "法定代表人(经营者)"


def _roles(ctx: Ctx, shareholder: bool):
    C, R = ctx.w.tables["companies"], ctx.w.tables["roles"]
    vis = np.zeros(len(C), dtype=bool)
    vis[_companies(ctx)] = True
    role = R.col("role")
    k = np.flatnonzero(vis[R.col("company").astype(np.int64)] & ((role == "shareholder") == shareholder))
    return k, R.col("company").astype(np.int64)[k], R.col("person").astype(np.int64)[k]


def shareholders(ctx: Ctx):
    C, R = ctx.w.tables["companies"], ctx.w.tables["roles"]
    spec = Spec(
        file="shichang_gudong.csv", agency="市场监督管理局", title="股东及出资信息", title_en="shareholders",
        encoding="utf-8",
        columns=["统一社会信用代码", "企业名称", "股东名称", "股东证件号码", "出资比例(%)", "认缴日期", "退出日期"],
        id_cols=["股东证件号码"], code_cols=["统一社会信用代码"], date_cols=["认缴日期", "退出日期"],
        key_cols=["统一社会信用代码"], text_cols=["股东名称"], date_style="iso",
        notes="SHAREHOLDER with share and dates; 退出日期 blank while the shareholding lasts.")
    k, c, x = _roles(ctx, True)
    df = frame(**{"统一社会信用代码": C.col("code")[c], "企业名称": C.col("name")[c], "股东名称": ctx.nm(x),
                  "股东证件号码": ctx.cid(x),
                  "出资比例(%)": np.array([f"{s:g}" for s in R.col("share")[k].astype(float)], dtype=object),
                  "认缴日期": R.col("start").astype(np.int64)[k], "退出日期": _end(R.col("end")[k], ctx.as_of),
                  "_protected": ctx.protected(x)})
    return spec, iter([df]), "股东名称"


def executives(ctx: Ctx):
    C, R = ctx.w.tables["companies"], ctx.w.tables["roles"]
    spec = Spec(
        file="shichang_renyuan.csv", agency="市场监督管理局", title="主要人员信息", title_en="executives",
        encoding="gbk", crlf=True,
        columns=["统一社会信用代码", "企业名称", "姓名", "证件号码", "职务", "任职日期", "离任日期"],
        id_cols=["证件号码"], code_cols=["统一社会信用代码"], date_cols=["任职日期", "离任日期"],
        key_cols=["统一社会信用代码"], text_cols=["姓名"], date_style="slash",
        notes="EXECUTIVE: 执行董事, 监事, 经理.")
    k, c, x = _roles(ctx, False)
    df = frame(**{"统一社会信用代码": C.col("code")[c], "企业名称": C.col("name")[c], "姓名": ctx.nm(x),
                  "证件号码": ctx.cid(x), "职务": R.col("role")[k],
                  "任职日期": R.col("start").astype(np.int64)[k], "离任日期": _end(R.col("end")[k], ctx.as_of),
                  "_protected": ctx.protected(x)})
    return spec, iter([df]), "姓名"


def payroll(ctx: Ctx):
    T = ctx.w.tables["payroll"]
    kinds = {"school": "学校", "hospital": "医院", "government": "机关"}
    spec = Spec(
        file="caizheng_gongzi.xlsx", agency="财政局/人社局", title="财政供养人员信息", title_en="public payroll",
        encoding="xlsx",
        columns=["姓名", "身份证号", "单位名称", "单位类型", "岗位", "人员状态", "入编日期", "离退休日期"],
        id_cols=["身份证号"], date_cols=["入编日期", "离退休日期"], key_cols=["身份证号", "姓名"],
        text_cols=["姓名", "单位名称"], date_style="slash",
        notes="ON_PAYROLL from 入编日期 to 离退休日期 (blank while serving). 单位类型 学校/医院/机关; "
              "人员状态 在职/退休.")
    start = T.col("start").astype(np.int64)
    k = np.flatnonzero(start <= ctx.as_of)
    x = T.col("person").astype(np.int64)[k]
    end = _end(T.col("end")[k], ctx.as_of)
    df = frame(**{"姓名": ctx.nm(x), "身份证号": ctx.cid(x), "单位名称": T.col("employer")[k],
                  "单位类型": np.array([kinds[t] for t in T.col("kind")[k]], dtype=object),
                  "岗位": T.col("job")[k], "人员状态": np.where(end < NONE, "退休", "在职"),
                  "入编日期": start[k], "离退休日期": end, "_protected": ctx.protected(x)})
    return spec, iter([df]), "姓名"


def posts(ctx: Ctx):
    w = ctx.w
    T = w.tables["posts"]
    regs = w.regions
    spec = Spec(
        file="zuzhi_ganbu.xlsx", agency="县委组织部/乡镇", title="村两委及经办人员任职信息", title_en="cadre posts",
        encoding="xlsx",
        columns=["姓名", "身份证号", "性别", "单位名称", "单位代码", "职务", "任职开始", "任职结束", "联系电话"],
        id_cols=["身份证号"], date_cols=["任职开始", "任职结束"], key_cols=["身份证号", "姓名"],
        text_cols=["姓名"], date_style="cn", dup=0.0,
        notes="HOLDS_POST with term. 职务 " + ", ".join(f"{k}={v}" for k, v in TITLES.items()) +
              ". 单位代码: 12 digits = village committee, 9 digits = town government, 6 digits = county "
              "civil-affairs bureau. One person may hold two posts in a term (一肩挑).")
    start = T.col("start").astype(np.int64)
    k = np.flatnonzero(start <= ctx.as_of)
    x = T.col("person").astype(np.int64)[k]
    lv, org = T.col("level")[k], T.col("org").astype(np.int64)[k]
    name = np.array([regs.village_full_name(o) + "村民委员会" if l == VILLAGE else
                     f"{regs.town_name[o]}人民政府" if l == TOWN else BUREAU for l, o in zip(lv, org)], dtype=object)
    name = np.array([n.replace("社区村民委员会", "社区居民委员会") for n in name], dtype=object)
    code = np.array([str(regs.village_code[o]) if l == VILLAGE else str(regs.town_code[o]) if l == TOWN
                     else str(COUNTY_CODE) for l, o in zip(lv, org)], dtype=object)
    df = frame(**{"姓名": ctx.nm(x), "身份证号": ctx.cid(x), "性别": w.people.sex[x].astype(str),
                  "单位名称": name, "单位代码": code, "职务": T.col("title")[k], "任职开始": start[k],
                  "任职结束": _end(T.col("end")[k], ctx.as_of), "联系电话": w.phone[x],
                  "_protected": np.ones(len(k), dtype=bool)})
    return spec, iter([df]), "姓名"


def projects(ctx: Ctx):
    w = ctx.w
    T, C = w.tables["projects"], w.tables["companies"]
    spec = Spec(
        file="xiangcun_xiangmu.xlsx", agency="乡村振兴局", title="衔接资金项目中标信息", title_en="project funds",
        encoding="xlsx",
        columns=["项目编号", "项目名称", "实施地点代码", "实施地点", "中标单位", "中标单位统一社会信用代码",
                 "资金金额(万元)", "中标日期"],
        code_cols=["中标单位统一社会信用代码"], date_cols=["中标日期"], key_cols=["项目编号"],
        text_cols=["项目名称", "中标单位"], date_style="iso", dup=0.0,
        notes="AWARDED company -> project; 实施地点代码 is the village where the project is carried out "
              "(its jurisdiction).")
    award = T.col("award").astype(np.int64)
    k = np.flatnonzero(award <= ctx.as_of)
    c = T.col("company").astype(np.int64)[k]
    v = T.col("village").astype(np.int64)[k]
    df = frame(**{"项目编号": T.col("pid")[k], "项目名称": T.col("name")[k], "实施地点代码": ctx.vcode(v),
                  "实施地点": ctx.vname(v), "中标单位": C.col("name")[c], "中标单位统一社会信用代码": C.col("code")[c],
                  "资金金额(万元)": np.array([f"{a:.2f}" for a in T.col("amount")[k].astype(float)], dtype=object),
                  "中标日期": award[k], "_protected": np.ones(len(k), dtype=bool)})
    return spec, iter([df]), None


def welfare_posts(ctx: Ctx):
    w = ctx.w
    T = w.tables["welfare"]
    spec = Spec(
        file="xiangcun_gongyigangwei.csv", agency="乡村振兴局/人社局", title="公益性岗位人员花名册",
        title_en="public-welfare posts", encoding="gbk", crlf=True,
        columns=["姓名", "身份证号", "出生日期", "所在村代码", "所在村", "岗位类型", "上岗日期", "离岗日期", "月补贴(元)"],
        id_cols=["身份证号"], date_cols=["出生日期", "上岗日期", "离岗日期"], key_cols=["身份证号", "姓名"],
        text_cols=["姓名"], date_style="cn", idless_col="身份证号", idless=0.08,
        fullwidth_cols=["月补贴(元)"], fullwidth=0.05,
        notes="About 8 % of rows were filled in by villages without an ID (name + birth date + village only).")
    start = T.col("start").astype(np.int64)
    k = np.flatnonzero(start <= ctx.as_of)
    x = T.col("person").astype(np.int64)[k]
    v = T.col("village").astype(np.int64)[k]
    df = frame(**{"姓名": ctx.nm(x), "身份证号": ctx.cid(x), "出生日期": w.people.birth[x],
                  "所在村代码": ctx.vcode(v), "所在村": ctx.vname(v), "岗位类型": T.col("job")[k],
                  "上岗日期": start[k], "离岗日期": _end(T.col("end")[k], ctx.as_of),
                  "月补贴(元)": T.col("pay")[k].astype(str), "_protected": ctx.protected(x)})
    return spec, iter([df]), "姓名"


def social_insurance(ctx: Ctx):
    w, p, hh = ctx.w, ctx.w.people, ctx.w.hh
    from . import dates
    spec = Spec(
        file="shebao_canbao.csv", agency="人社局", title="参保人员信息", title_en="social insurance contacts",
        encoding="utf-8",
        columns=["个人编号", "姓名", "身份证号", "性别", "参保险种", "联系电话", "常住地址", "社保卡银行账号", "参保日期"],
        id_cols=["身份证号"], date_cols=["参保日期"], key_cols=["身份证号", "个人编号"],
        text_cols=["姓名", "常住地址"], fullwidth_cols=["联系电话"], fullwidth=0.01, date_style="compact",
        notes="参保险种 110=职工基本养老保险 120=城乡居民基本养老保险. Contacts for HAS_PHONE / LIVES_AT / "
              "HOLDS_ACCOUNT (the social-security card's bank account).")
    age = dates.age_on(p.birth, np.full(p.n, ctx.as_of))
    x_all = np.flatnonzero((age >= 16) & (p.death > ctx.as_of))
    on_payroll = np.zeros(p.n, dtype=bool)
    on_payroll[w.tables["payroll"].col("person").astype(np.int64)] = True
    joined = np.maximum(p.birth + dates.years(16), dates.day(2010, 1, 1)) + (np.arange(p.n) * 7919 % 700)

    def make(sl):
        x = x_all[sl]
        return frame(**{"个人编号": np.array([f"{COUNTY_CODE}{i:09d}" for i in x], dtype=object),
                        "姓名": ctx.nm(x), "身份证号": ctx.cid(x), "性别": p.sex[x].astype(str),
                        "参保险种": np.where(on_payroll[x], "110", "120"), "联系电话": w.phone[x],
                        "常住地址": hh.address[hh.of[x]], "社保卡银行账号": w.account[x],
                        "参保日期": np.minimum(joined[x], ctx.as_of), "_protected": ctx.protected(x)})
    return spec, chunked(len(x_all), spec.chunk, make), "姓名"


ROSTER_FILE = "xiangcun_jiandanglika.csv"


def poverty_roster(ctx: Ctx):
    w = ctx.w
    T, hh = w.tables["roster"], w.hh
    spec = Spec(
        file=ROSTER_FILE, agency="乡村振兴局(原扶贫办)", title="建档立卡贫困人口信息",
        title_en="registered poor (poverty roster)", encoding="gbk", crlf=True,
        columns=["户编号", "户籍户号", "姓名", "身份证号", "与户主关系", "所在村代码", "识别日期", "脱贫日期", "脱贫状态"],
        id_cols=["身份证号"], date_cols=["识别日期", "脱贫日期"], key_cols=["身份证号", "姓名"],
        text_cols=["姓名"], date_style="iso",
        notes="Mashan scenario only. A person counts as registered poor from 识别日期 to 脱贫日期 (or to the "
              "data date while 未脱贫). 与户主关系 uses the police codes.")
    h = T.col("household").astype(np.int64)
    x = T.col("person").astype(np.int64)
    ex = _end(T.col("exit"), ctx.as_of)
    uniq, inv = np.unique(h, return_inverse=True)
    df = frame(**{"户编号": np.array([f"PK{COUNTY_CODE}{i + 1:07d}" for i in inv], dtype=object),
                  "户籍户号": hh.number[h], "姓名": ctx.nm(x), "身份证号": ctx.cid(x), "与户主关系": hh.rel[x],
                  "所在村代码": ctx.vcode(hh.village[h]), "识别日期": T.col("entry").astype(np.int64),
                  "脱贫日期": ex, "脱贫状态": np.where(ex < NONE, "已脱贫", "未脱贫"),
                  "_protected": np.ones(len(x), dtype=bool)})
    return spec, iter([df]), "姓名"


BUILDERS = [real_estate, market_entities, shareholders, executives, payroll, posts, projects,
            welfare_posts, social_insurance]
