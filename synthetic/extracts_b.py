"""Layout b: the same facts as each agency's first layout, exported the way
another county's systems would send them.

Other headers and column order, other encodings and date styles, codes
written out in words, and the quirks a loader must be told about:
the grant roll lists applicants and household numbers only (no member
file: the beneficiaries are the household's registered members), the
vehicle file mostly lacks the VIN (keyed on plate and first registration),
cadre terms carry their planned end (任期届满, often in the future), shares
are percentages (`60%`), project funds are in 万元, the cadre roll names
units only by code (names in a separate unit list), the death file merges
three agencies with a source column, and the kinship file states the
relation from either side (父亲 / 儿子 ...).

Most b builders re-shape the a builder's clean frame (`relayout`); the
ones whose rows differ are written out in full. File names never match the
first layout's mapping globs, so both mapping sets can live side by side.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import contributions, cross_county, custody, disability, education, funeral, housing_fund, pension, renovation, tax, extracts_gongan as ga, extracts_minzheng as mz, extracts_others as ot
from .assets import VEHICLE_CODES
from .cadres import BUREAU, TERMS, TITLES, TOWN, VILLAGE
from .dates import NONE, day, ymd
from .extracts import Ctx, chunked, frame
from .grants import PROGRAMME_ZH
from .households import REL_TEXT
from .mess import Spec
from .regions import COUNTY_CODE

SEX_ZH = {"1": "男", "2": "女"}
VEHICLE_ZH = {k: v[1] for k, v in VEHICLE_CODES.items()}
PROPERTY_ZH = {"1": "商品房", "2": "宅基地房屋", "3": "商业用房"}
COMPANY_ZH = {"1130": "有限责任公司", "1151": "有限责任公司(自然人独资)", "9600": "个体工商户"}
DEATH_SOURCE_ZH = {"1": "公安", "2": "卫健", "3": "民政"}
# The b vehicle system has VINs only for vehicles first registered from this year on.
VIN_FROM_YEAR = 2018
NEXT_TERM_END = (2031, 1, 20)   # planned end of the village committees elected in January 2026


def _words(codes, table) -> np.ndarray:
    return np.array([table.get(str(c), str(c)) for c in codes], dtype=object)


def relayout(base, file: str, cols: dict, name: str, **over):
    """A b builder from an a builder: cols maps each new header to an old header or a
    function (frame, ctx) -> column; roles (ID, date, key ... columns) follow the renames."""
    def build(ctx: Ctx):
        spec, chunks, name_col = base(ctx)
        rename = {old: new for new, old in cols.items() if isinstance(old, str)}

        def role(cs):
            return [rename[c] for c in cs if c in rename]
        kw = dict(file=file, agency=spec.agency, title=spec.title, title_en=spec.title_en + " (layout b)",
                  encoding=spec.encoding, columns=list(cols), id_cols=role(spec.id_cols),
                  code_cols=role(spec.code_cols), date_cols=role(spec.date_cols), month_cols=role(spec.month_cols),
                  key_cols=role(spec.key_cols), text_cols=role(spec.text_cols),
                  fullwidth_cols=role(spec.fullwidth_cols), date_style=spec.date_style,
                  other_styles=spec.other_styles, lower_x=spec.lower_x, fullwidth=spec.fullwidth, spaces=spec.spaces,
                  dup=spec.dup, invalid=spec.invalid, idless_col=rename.get(spec.idless_col),
                  idless=spec.idless, crlf=spec.crlf, notes=spec.notes, chunk=spec.chunk)
        kw.update(over)
        new = Spec(**kw)

        def conv(df: pd.DataFrame) -> pd.DataFrame:
            out = {c: (df[src].to_numpy() if isinstance(src, str) else src(df, ctx)) for c, src in cols.items()}
            if "_protected" in df:
                out["_protected"] = df["_protected"].to_numpy()
            return pd.DataFrame(out)
        return new, (conv(df) for df in chunks), rename.get(name_col) if name_col else None
    build.__name__ = name
    return build


# --- 公安 ----------------------------------------------------------------------
register = relayout(ga.register, "常住人口信息表.csv", {
    "身份证号": "公民身份号码", "姓名": "姓名", "性别": lambda d, c: _words(d["性别"], SEX_ZH),
    "民族": lambda d, c: _words(d["民族"], ga.ETHNIC), "出生日期": "出生日期", "户号": "户号",
    "与户主关系": lambda d, c: _words(d["与户主关系"], REL_TEXT), "居(村)委会代码": "村居委会代码",
    "住址": "户籍地址", "人员状态": lambda d, c: _words(d["人员状态"], {"0": "正常", "2": "死亡"})},
    "register_b", encoding="utf-8-sig", crlf=False, date_style="slash",
    notes="UTF-8 with BOM. Codes written out: 性别 男/女, 民族 in words, 与户主关系 " +
          "/".join(REL_TEXT.values()) + ", 人员状态 正常/死亡.")


def kin_records(ctx: Ctx):
    """One row per parent-child pair, written from the child's side (父亲/母亲) or the parent's (儿子/女儿)."""
    p = ctx.w.people
    rng = ctx.w.rng("extract_b.kin")
    spec = Spec(
        file="人员亲属信息.csv", agency="公安局", title="人员亲属信息", title_en="kinship (layout b)",
        encoding="gbk", crlf=True, columns=["身份证号", "姓名", "亲属身份证号", "亲属姓名", "亲属关系"],
        id_cols=["身份证号", "亲属身份证号"], key_cols=["身份证号"], text_cols=["姓名", "亲属姓名"],
        notes="亲属关系 is the relative's relation to the row's person: 父亲/母亲 (the relative is the parent) "
              "or 儿子/女儿 (the relative is the child). Each parent-child pair appears once, from either side.")
    kids = np.concatenate([np.flatnonzero(p.father >= 0), np.flatnonzero(p.mother >= 0)])
    par = np.concatenate([p.father[p.father >= 0], p.mother[p.mother >= 0]])
    order = np.lexsort((par, kids))
    kids, par = kids[order], par[order]
    child_side = rng.random(len(kids)) < 0.6
    person = np.where(child_side, kids, par)
    relative = np.where(child_side, par, kids)
    word = np.where(child_side, np.where(p.sex[par] == 1, "父亲", "母亲"), np.where(p.sex[kids] == 1, "儿子", "女儿"))

    def make(sl):
        x, r = person[sl], relative[sl]
        return frame(**{"身份证号": ctx.cid(x), "姓名": ctx.nm(x), "亲属身份证号": ctx.cid(r), "亲属姓名": ctx.nm(r),
                        "亲属关系": word[sl].astype(object), "_protected": ctx.protected(x) | ctx.protected(r)})
    return spec, chunked(len(person), spec.chunk, make), "姓名"


deaths = relayout(ga.deaths, "死亡人员汇总.xlsx", {
    "来源部门": lambda d, c: _words(d["数据来源"], DEATH_SOURCE_ZH), "姓名": "姓名", "公民身份号码": "身份证号",
    "死亡日期": "死亡日期", "报送日期": "注销日期"}, "deaths_b", encoding="xlsx", date_style="cn",
    notes="One sheet merging three agencies' death records; 来源部门 公安 (户籍注销) / 卫健 (死亡医学证明) / "
          "民政 (殡葬火化) is the agency each row came from. 报送日期 is when the record was reported.")


def vehicles(ctx: Ctx):
    spec, chunks, _ = ga.vehicles(ctx)
    df = next(iter(chunks))
    first = df.groupby("车辆识别代号", sort=False)["登记日期"].transform("min").to_numpy()
    has_vin = ymd(first)[0] >= VIN_FROM_YEAR
    out = frame(**{"车牌号码": df["号牌号码"].to_numpy(), "车辆类型": _words(df["车辆类型"], VEHICLE_ZH),
                   "车架号": np.where(has_vin, df["车辆识别代号"].to_numpy(), ""), "品牌": df["品牌型号"].to_numpy(),
                   "初次登记日期": first, "所有人": df["机动车所有人"].to_numpy(),
                   "所有人证件号码": df["身份证明号码"].to_numpy(), "取得日期": df["登记日期"].to_numpy(),
                   "转出日期": df["转移日期"].to_numpy(),
                   "状态": np.where(df["机动车状态"].to_numpy() == "G", "转出", "正常"),
                   "_protected": df["_protected"].to_numpy()})
    new = Spec(
        file="车辆档案信息.csv", agency=spec.agency, title="车辆档案信息", title_en="vehicle register (layout b)",
        encoding="utf-8", columns=[c for c in out.columns if c != "_protected"], id_cols=["所有人证件号码"],
        date_cols=["初次登记日期", "取得日期", "转出日期"], key_cols=["车牌号码"], text_cols=["所有人"],
        date_style="slash",
        notes=f"车架号 (VIN) is blank for vehicles first registered before {VIN_FROM_YEAR} (the old system did not "
              "keep it): key such vehicles on 车牌号码 + 初次登记日期. One row per owner spell: 取得日期 to 转出日期. "
              "车辆类型 in words: " + ", ".join(VEHICLE_ZH.values()) + ".")
    return new, iter([out]), "所有人"


# --- 民政 ----------------------------------------------------------------------
grants = relayout(mz.grants, "社会救助对象花名册.csv", {
    "救助证号": "救助编号", "户主(申请人)": "申请人姓名", "身份证号码": "申请人身份证号", "户号": "户籍户号",
    "村(社区)": "所属村(社区)", "村代码": "所属村(社区)代码",
    "救助类型": lambda d, c: _words(d["救助类别"], PROGRAMME_ZH), "月救助金(元)": "月保障金额(元)",
    "救助起始日期": "开始日期", "救助终止日期": "终止日期", "审核人": "审核人", "审核人证件号": "审核人身份证号",
    "审批人": "审批人", "审批人证件号": "审批人身份证号", "联系方式": "联系电话", "现住址": "家庭住址",
    "银行卡号": "银行账号"}, "grants_b", encoding="gbk", crlf=True, date_style="compact",
    notes="Applicants only: there is no member file. The household is 户号 in the household register; a grant "
          "covers the household's registered members over the grant's dates. 救助类型 in words: " +
          "/".join(PROGRAMME_ZH.values()) + ".")


def _thousands(d, c):
    return np.array([f"{int(a):,}.00" for a in d["发放金额"]], dtype=object)


payments = relayout(mz.payments, "救助金发放记录.csv", {
    "发放月份": "发放年月", "救助证号": "救助编号", "收款人": "领款人姓名", "收款人身份证号": "领款人身份证号",
    "收款账号": "银行账号", "发放金额(元)": _thousands, "到账日期": "发放日期"}, "payments_b",
    encoding="utf-8-sig", date_style="cn", fullwidth_cols=[],
    notes="UTF-8 with BOM. 发放金额 with thousands separators (1,200.00); 发放月份 like 2024年1月.")

marriages = relayout(mz.marriages, "结婚登记档案.csv", {
    "登记日期": "登记日期", "业务类型": lambda d, c: np.full(len(d), "结婚", dtype=object),
    "女方姓名": "女方姓名", "女方证件号码": "女方身份证号", "女方出生日期": "女方出生日期", "女方户籍所在地": "女方户籍地",
    "男方姓名": "男方姓名", "男方证件号码": "男方身份证号", "男方出生日期": "男方出生日期", "男方户籍所在地": "男方户籍地",
    "登记机关": "登记机关"}, "marriages_b", encoding="gbk", crlf=True, date_style="iso",
    notes="业务类型 结婚. Records before 1995 often lack the wife's ID (name + birth date + 户籍所在地 only).")

filings = relayout(mz.filings, "干部亲属享受救助报备表.csv", {
    "报备日期": "备案日期", "干部姓名": "干部姓名", "干部身份证号码": "干部身份证号", "干部职务": "干部职务",
    "亲属姓名": "亲属姓名", "亲属身份证号码": "亲属身份证号", "关系": "亲属关系",
    "救助类型": lambda d, c: _words(d["享受救助类别"], PROGRAMME_ZH), "救助证号": "救助编号", "报备编号": "备案编号"},
    "filings_b", encoding="utf-8", date_style="slash",
    notes="The cadre-relative filing register; 关系 from the cadre's side; 救助类型 in words.")


# --- others ----------------------------------------------------------------------
real_estate = relayout(ot.real_estate, "房地产权登记信息.csv", {
    "权利人姓名": "权利人", "证件号码": "权利人证件号", "产权证号": "不动产权证号",
    "房屋性质": lambda d, c: _words(d["不动产类型"], PROPERTY_ZH), "房屋坐落": "坐落", "区划代码": "行政区划代码",
    "面积(平方米)": "建筑面积(㎡)", "登记时间": "登记日期", "注销时间": "注销日期"}, "real_estate_b",
    encoding="gbk", crlf=True, date_style="cn",
    notes="房屋性质 in words: " + "/".join(PROPERTY_ZH.values()) + "; 注销时间 blank while the right lasts.")

market_entities = relayout(ot.market_entities, "企业及个体户登记名录.csv", {
    "统一社会信用代码": "统一社会信用代码", "名称": "企业名称", "类型": lambda d, c: _words(d["市场主体类型"], COMPANY_ZH),
    "经营者/法定代表人": "法定代表人(经营者)", "证件号码": "法定代表人证件号码", "成立日期": "成立日期",
    "经营状态": lambda d, c: _words(d["登记状态"], {"存续": "在营", "注销": "注销"}), "注销日期": "注销日期",
    "注册资本(万元)": "注册资本(万元)"}, "market_entities_b", encoding="gbk", crlf=True, date_style="slash",
    notes="类型 in words (有限责任公司 / 有限责任公司(自然人独资) / 个体工商户); 经营状态 在营/注销.")

shareholders = relayout(ot.shareholders, "出资人信息.csv", {
    "企业名称": "企业名称", "统一社会信用代码": "统一社会信用代码", "出资人": "股东名称", "出资人证件号": "股东证件号码",
    "持股比例": lambda d, c: np.array([f"{s}%" for s in d["出资比例(%)"]], dtype=object),
    "出资日期": "认缴日期", "退出日期": "退出日期"}, "shareholders_b", encoding="utf-8", date_style="compact",
    notes="持股比例 as a percentage with its sign (60%).")

executives = relayout(ot.executives, "企业高管信息.csv", {
    "姓名": "姓名", "证件号码": "证件号码", "职务": "职务", "企业名称": "企业名称", "统一社会信用代码": "统一社会信用代码",
    "任职起始": "任职日期", "任职终止": "离任日期"}, "executives_b", encoding="utf-8", crlf=False, date_style="iso")

payroll = relayout(ot.payroll, "工资统发人员名单.csv", {
    "单位": "单位名称", "单位性质": "单位类型", "姓名": "姓名", "身份证号码": "身份证号", "职务": "岗位",
    "在职状态": "人员状态", "入编时间": "入编日期", "退休时间": "离退休日期"}, "payroll_b",
    encoding="gbk", crlf=True, date_style="compact",
    notes="The payroll office's roll: one row per person paid through the unified payroll; 退休时间 blank while serving.")


def _org(ctx: Ctx, lv, org):
    regs = ctx.w.regions
    name = np.array([regs.village_full_name(o) + ("居民委员会" if regs.village_urban[o] else "村民委员会")
                     if l == VILLAGE else f"{regs.town_name[o]}人民政府" if l == TOWN else BUREAU
                     for l, o in zip(lv, org)], dtype=object)
    code = np.array([str(regs.village_code[o]) if l == VILLAGE else str(regs.town_code[o]) if l == TOWN
                     else str(COUNTY_CODE) for l, o in zip(lv, org)], dtype=object)
    kind = np.array(["居民委员会" if l == VILLAGE and regs.village_urban[o] else "村民委员会" if l == VILLAGE
                     else "乡镇人民政府" if l == TOWN else "民政部门" for l, o in zip(lv, org)], dtype=object)
    return name, code, kind


def posts(ctx: Ctx):
    """Cadre roll with planned term ends (任期届满日期, future for the sitting committees); units by code only."""
    w = ctx.w
    T = w.tables["posts"]
    spec = Spec(
        file="村社区干部名册.xlsx", agency="县委组织部/乡镇", title="村(社区)干部及经办人员名册",
        title_en="cadre roll (layout b)", encoding="xlsx",
        columns=["单位代码", "姓名", "性别", "身份证号码", "职务", "任职时间", "任期届满日期", "手机号码"],
        id_cols=["身份证号码"], date_cols=["任职时间", "任期届满日期"], key_cols=["身份证号码", "姓名"],
        text_cols=["姓名"], date_style="iso", dup=0.0,
        notes="任期届满日期 is the planned end of the term: for the committees elected in January 2026 it lies in "
              "the future (2031). Handlers and approvers have no fixed term (blank). Units by code only: names "
              "are in 单位名录.csv. 职务 in words.")
    start = T.col("start").astype(np.int64)
    k = np.flatnonzero(start <= ctx.as_of)
    x = T.col("person").astype(np.int64)[k]
    lv, org = T.col("level")[k], T.col("org").astype(np.int64)[k]
    end = T.col("end").astype(np.int64)[k]
    planned = np.where((lv == VILLAGE) & (end >= NONE) & (start[k] == TERMS[-1][0]), day(*NEXT_TERM_END), end)
    planned = np.where((end < NONE) & (end > ctx.as_of) & (lv != VILLAGE), NONE, planned)
    _, code, _ = _org(ctx, lv, org)
    df = frame(**{"单位代码": code, "姓名": ctx.nm(x), "性别": _words(w.people.sex[x].astype(str), SEX_ZH),
                  "身份证号码": ctx.cid(x), "职务": _words(T.col("title")[k], TITLES), "任职时间": start[k],
                  "任期届满日期": planned, "手机号码": w.phone[x], "_protected": np.ones(len(k), dtype=bool)})
    return spec, iter([df]), "姓名"


def org_list(ctx: Ctx):
    """单位名录: the units the cadre roll refers to by code."""
    T = ctx.w.tables["posts"]
    lv, org = T.col("level"), T.col("org").astype(np.int64)
    name, code, kind = _org(ctx, lv, org)
    _, first = np.unique(code, return_index=True)
    first = np.sort(first)
    spec = Spec(
        file="单位名录.csv", agency="县委组织部", title="单位名录", title_en="unit list (layout b)", encoding="utf-8",
        columns=["单位代码", "单位名称", "单位类别"], key_cols=["单位代码"], dup=0.0, invalid=0.0, spaces=0.0,
        notes="A look-up table for 村社区干部名册.xlsx: 单位代码 -> 单位名称, 单位类别 "
              "(村民委员会/居民委员会/乡镇人民政府/民政部门).")
    df = frame(**{"单位代码": code[first], "单位名称": name[first], "单位类别": kind[first]})
    return spec, iter([df]), None


def _wan(d, c):
    return d["资金金额(万元)"].to_numpy()


projects = relayout(ot.projects, "衔接资金项目安排表.csv", {
    "项目编号": "项目编号", "项目名称": "项目名称", "建设地点": "实施地点", "地点代码": "实施地点代码",
    "承建单位": "中标单位", "承建单位信用代码": "中标单位统一社会信用代码", "中标金额(万元)": _wan, "批复日期": "中标日期"},
    "projects_b", encoding="gbk", crlf=True, date_style="slash",
    notes="中标金额 in 万元 (10 000 yuan). 地点代码 is the village where the project is carried out.")

welfare_posts = relayout(ot.welfare_posts, "乡村公益岗人员.xlsx", {
    "村代码": "所在村代码", "村名": "所在村", "姓名": "姓名", "身份证号": "身份证号", "出生年月日": "出生日期",
    "岗位": "岗位类型", "聘用开始": "上岗日期", "聘用结束": "离岗日期", "补贴标准(元/月)": "月补贴(元)"},
    "welfare_posts_b", encoding="xlsx", crlf=False, date_style="iso",
    notes="About 8 % of rows lack the ID (name + birth date + village only).")

social_insurance = relayout(ot.social_insurance, "社保卡持卡人信息.csv", {
    "姓名": "姓名", "身份证号码": "身份证号", "社保卡号": "个人编号", "银行卡号": "社保卡银行账号", "手机号": "联系电话",
    "居住地址": "常住地址", "险种": lambda d, c: _words(d["参保险种"], {"110": "职工养老", "120": "城乡居民养老"}),
    "首次参保日期": "参保日期"}, "social_insurance_b", encoding="gbk", crlf=True, date_style="iso",
    notes="Social-security card holders: the card's bank account, phone and address. 险种 in words.")

poverty_roster = relayout(ot.poverty_roster, "脱贫人口信息.csv", {
    "户编号": "户编号", "户号": "户籍户号", "姓名": "姓名", "证件号码": "身份证号",
    "与户主关系": lambda d, c: _words(d["与户主关系"], REL_TEXT), "村代码": "所在村代码", "纳入时间": "识别日期",
    "脱贫时间": "脱贫日期", "状态": "脱贫状态"}, "poverty_roster_b", encoding="utf-8", crlf=False, date_style="slash",
    notes="Mashan scenario only. 与户主关系 in words.")


# Units of the two layouts: (a builders, b builders); --layout mixed picks one per unit.
UNITS = [
    ("register", [ga.register], [register]),
    ("kin", [ga.kin_records], [kin_records]),
    ("deaths", [ga.deaths], [deaths]),
    ("vehicles", [ga.vehicles], [vehicles]),
    ("grants", [mz.grants, mz.members], [grants]),
    ("payments", [mz.payments], [payments]),
    ("marriages", [mz.marriages], [marriages]),
    ("filings", [mz.filings], [filings]),
    ("real_estate", [ot.real_estate], [real_estate]),
    ("companies", [ot.market_entities], [market_entities]),
    ("shareholders", [ot.shareholders], [shareholders]),
    ("executives", [ot.executives], [executives]),
    ("payroll", [ot.payroll], [payroll]),
    ("posts", [ot.posts], [posts, org_list]),
    ("projects", [ot.projects], [projects]),
    ("welfare", [ot.welfare_posts], [welfare_posts]),
    ("social_insurance", [ot.social_insurance], [social_insurance]),
    ("custody", [custody.extract], [custody.extract_b]),
    ("cremations", [funeral.extract], [funeral.extract_b]),
    ("housing_fund", [housing_fund.extract], [housing_fund.extract_b]),
    ("disability_certs", [disability.cert_extract], [disability.cert_extract_b]),
    ("disability_pay", [disability.pay_extract], [disability.pay_extract_b]),
    ("pensions", [pension.extract], [pension.extract_b]),
    ("tax", [tax.extract], [tax.extract_b]),
    ("contributions", [contributions.extract], [contributions.extract_b]),
    ("renovation", [renovation.extract], [renovation.extract_b]),
    ("elsewhere", [cross_county.extract], [cross_county.extract_b]),
    ("student_aid", [education.extract], [education.extract_b]),
]
ROSTER_UNIT = ("roster", [ot.poverty_roster], [poverty_roster])
LAYOUTS = ("a", "b", "mixed")
# Every file name either layout may write (a stale file of the other layout is removed).
FILES = {
    "a": ["gongan_huji.csv", "gongan_qinshu.csv", "gongan_siwang.csv", "gongan_jidongche.csv",
          "minzheng_jiuzhu.xlsx", "minzheng_jiuzhu_chengyuan.csv", "minzheng_fafang.csv", "minzheng_hunyin.csv",
          "minzheng_beian.xlsx", "budongchan.csv", "shichang_zhuti.csv", "shichang_gudong.csv",
          "shichang_renyuan.csv", "caizheng_gongzi.xlsx", "zuzhi_ganbu.xlsx", "xiangcun_xiangmu.xlsx",
          "xiangcun_gongyigangwei.csv", "shebao_canbao.csv", ot.ROSTER_FILE,
          "sifa_zaiya.csv", "minzheng_huohua.csv", "gongjijin_jiaocun.csv",
          "yibao_jiesuan.csv",
          "canlian_canjizheng.csv", "canlian_liangxiang.csv", "renshe_yanglaojin.csv",
          "yingji_shouzai.csv",
          "shuiwu_geshui.csv", "shebao_jiaofei.csv", "zhujian_weigai.csv",
          "waixian_jiuzhu.csv", "jiaoyu_zizhu.csv"],
    "b": ["常住人口信息表.csv", "人员亲属信息.csv", "死亡人员汇总.xlsx", "车辆档案信息.csv", "社会救助对象花名册.csv",
          "救助金发放记录.csv", "结婚登记档案.csv", "干部亲属享受救助报备表.csv", "房地产权登记信息.csv",
          "企业及个体户登记名录.csv", "出资人信息.csv", "企业高管信息.csv", "工资统发人员名单.csv", "村社区干部名册.xlsx",
          "单位名录.csv", "衔接资金项目安排表.csv", "乡村公益岗人员.xlsx", "社保卡持卡人信息.csv", "脱贫人口信息.csv",
          "在押服刑人员名单.xlsx", "殡仪馆火化登记.xlsx", "公积金缴存职工名册.csv",
          "医保结算明细.xlsx",
          "残疾人证核发台账.xlsx", "残疾人两项补贴花名册.csv", "离退休人员养老金台账.xlsx",
          "自然灾害受灾人员台账.xlsx",
          "个人所得税扣缴申报明细.xlsx", "社会保险缴费明细.csv", "农村危房改造农户档案.xlsx",
          "邻县救助对象比对名单.csv", "学生资助发放名单.xlsx"],
}


def choose(layout: str, mashan: bool, rng) -> tuple[list, dict]:
    """The builders to run and, per unit, the layout chosen ('a' or 'b')."""
    units = UNITS + ([ROSTER_UNIT] if mashan else [])
    builders, chosen = [], {}
    for name, a, b in units:
        pick = layout if layout != "mixed" else ("b" if rng.random() < 0.5 else "a")
        chosen[name] = pick
        builders += b if pick == "b" else a
    return builders, chosen
