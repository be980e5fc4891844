"""Public-security extracts 公安: household register, kin records, deaths, vehicles."""
from __future__ import annotations

import numpy as np

from .assets import PLATE_KIND, PLATE_KIND_ZH, VEHICLE_CODES
from .dates import NONE
from .extracts import Ctx, chunked, frame
from .households import REL_TEXT
from .mess import Spec

ETHNIC = {"01": "汉族", "08": "壮族", "06": "瑶族", "12": "仫佬族"}
STATUS = {"0": "正常", "2": "死亡注销"}


def register(ctx: Ctx):
    p, hh = ctx.w.people, ctx.w.hh
    spec = Spec(
        file="gongan_huji.csv", agency="公安局", title="户籍人口信息", title_en="household register",
        encoding="gbk", crlf=True,
        columns=["户号", "姓名", "公民身份号码", "性别", "出生日期", "民族", "与户主关系", "户籍地址",
                 "村居委会代码", "人员状态"],
        id_cols=["公民身份号码"], date_cols=["出生日期"], key_cols=["公民身份号码", "姓名"],
        text_cols=["姓名", "户籍地址"], date_style="compact",
        notes=("性别 1=男 2=女; 民族 " + ", ".join(f"{k}={v}" for k, v in ETHNIC.items()) +
               "; 与户主关系 " + ", ".join(f"{k}={v}" for k, v in REL_TEXT.items()) +
               " (儿媳/女婿/配偶父母 are 99); 人员状态 0=正常 2=死亡注销. One row per person, "
               "the dead kept with status 2."))
    order = hh.order
    eth = ctx.w.ethnic

    def make(sl):
        x = order[sl]
        dead = p.death[x] <= ctx.as_of
        return frame(**{
            "户号": hh.number[hh.of[x]], "姓名": ctx.nm(x), "公民身份号码": ctx.cid(x),
            "性别": p.sex[x].astype(str), "出生日期": p.birth[x], "民族": eth[x],
            "与户主关系": hh.rel[x], "户籍地址": hh.address[hh.of[x]],
            "村居委会代码": ctx.vcode(hh.village[hh.of[x]]), "人员状态": np.where(dead, "2", "0"),
            "_protected": ctx.protected(x)})
    return spec, chunked(len(order), spec.chunk, make), "姓名"


def kin_records(ctx: Ctx):
    p = ctx.w.people
    spec = Spec(
        file="gongan_qinshu.csv", agency="公安局", title="亲属关系(出生登记)", title_en="parent-child records",
        encoding="utf-8",
        columns=["公民身份号码", "姓名", "出生日期", "父亲姓名", "父亲公民身份号码", "母亲姓名", "母亲公民身份号码"],
        id_cols=["公民身份号码", "父亲公民身份号码", "母亲公民身份号码"], date_cols=["出生日期"],
        key_cols=["公民身份号码"], text_cols=["姓名", "父亲姓名", "母亲姓名"], date_style="iso",
        notes="One row per person whose father or mother is known; a parent's ID is blank when the "
              "parent is not in the county's records. Siblings share a parent.")
    x_all = np.flatnonzero((p.father >= 0) | (p.mother >= 0))

    def make(sl):
        x = x_all[sl]
        return frame(**{"公民身份号码": ctx.cid(x), "姓名": ctx.nm(x), "出生日期": p.birth[x],
                        "父亲姓名": ctx.nm(p.father[x]), "父亲公民身份号码": ctx.cid(p.father[x]),
                        "母亲姓名": ctx.nm(p.mother[x]), "母亲公民身份号码": ctx.cid(p.mother[x]),
                        "_protected": ctx.protected(x)})
    return spec, chunked(len(x_all), spec.chunk, make), "姓名"


def deaths(ctx: Ctx):
    p = ctx.w.people
    rng = ctx.w.rng("extract.deaths")
    spec = Spec(
        file="gongan_siwang.csv", agency="公安局/卫健委/民政局", title="死亡人员信息", title_en="deaths",
        encoding="utf-8-sig",
        columns=["姓名", "身份证号", "性别", "死亡日期", "注销日期", "数据来源"],
        id_cols=["身份证号"], date_cols=["死亡日期", "注销日期"], key_cols=["身份证号"],
        text_cols=["姓名"], date_style="slash",
        notes="UTF-8 with BOM. 数据来源 1=公安户籍注销 2=卫健死亡医学证明 3=民政殡葬火化. "
              "注销日期 is when the registration was cancelled (days to weeks after death; blank if not yet).")
    x = np.flatnonzero(p.death <= ctx.as_of)
    x = x[np.argsort(p.death[x], kind="stable")]
    cancel = p.death[x] + rng.integers(3, 60, len(x))
    cancel = np.where(cancel <= ctx.as_of, cancel, NONE)
    src = rng.choice(np.array(["1", "2", "3"]), len(x), p=[0.6, 0.25, 0.15])
    df = frame(**{"姓名": ctx.nm(x), "身份证号": ctx.cid(x), "性别": p.sex[x].astype(str),
                  "死亡日期": p.death[x], "注销日期": cancel, "数据来源": src, "_protected": ctx.protected(x)})
    return spec, iter([df]), "姓名"


def vehicles(ctx: Ctx):
    V, O = ctx.w.tables["vehicles"], ctx.w.tables["owners"]
    spec = Spec(
        file="gongan_jidongche.csv", agency="公安局交警大队", title="机动车登记信息", title_en="vehicle register",
        encoding="gbk", crlf=True,
        columns=["号牌号码", "号牌种类", "车辆识别代号", "车辆类型", "品牌型号", "机动车所有人", "身份证明号码",
                 "登记日期", "转移日期", "机动车状态"],
        id_cols=["身份证明号码"], date_cols=["登记日期", "转移日期"], key_cols=["车辆识别代号", "号牌号码"],
        text_cols=["机动车所有人"], date_style="iso",
        notes=("One row per owner of a vehicle: 登记日期 = this owner's registration (first registration or "
               "transfer in), 转移日期 = transfer away (blank while owned). 机动车状态 A=正常 G=已转移. "
               "号牌种类 " + ", ".join(f"{k}={v}" for k, v in PLATE_KIND_ZH.items()) + "; 车辆类型 " +
               ", ".join(f"{k}={v[1]}({v[0]})" for k, v in VEHICLE_CODES.items()) + "."))
    veh, person = O.col("vehicle").astype(np.int64), O.col("person").astype(np.int64)
    start, end = O.col("start").astype(np.int64), O.col("end").astype(np.int64)
    vis = np.flatnonzero(start <= ctx.as_of)
    vis = vis[np.lexsort((start[vis], veh[vis]))]
    v = veh[vis]
    e = np.where(end[vis] <= ctx.as_of, end[vis], NONE)
    vtype = V.col("vtype")[v]
    df = frame(**{"号牌号码": V.col("plate")[v], "号牌种类": np.array([PLATE_KIND[t] for t in vtype], dtype=object),
                  "车辆识别代号": V.col("vin")[v], "车辆类型": V.col("code")[v], "品牌型号": V.col("brand")[v],
                  "机动车所有人": ctx.nm(person[vis]), "身份证明号码": ctx.cid(person[vis]),
                  "登记日期": start[vis], "转移日期": e, "机动车状态": np.where(e < NONE, "G", "A"),
                  "_protected": ctx.protected(person[vis])})
    return spec, iter([df]), "机动车所有人"


BUILDERS = [register, kin_records, deaths, vehicles]
