"""Vehicles, real estate, companies, payroll, projects and welfare posts.

`Assets` makes single records for planted cases; `background` fills the
county. Background cars, commercial housing, company roles and payroll go
only to people in `allowed`: nobody within two kin hops of a grant's member
and nobody on the registered-poor roster. That is what keeps truth.csv
complete: a detector's hit on a recipient is always a planted one.
Homesteads are the exception: nearly every rural household has one, and a
single homestead is lawful for a recipient.
"""
from __future__ import annotations

from . import dates, ids, regions as reg
from .dates import HORIZON, NONE, years
from .population import MALE
from .world import World

VEHICLE_CODES = {  # agency code -> (graph vehicle_type, 中文)
    "K33": ("car", "轿车"), "K31": ("car", "小型普通客车"), "H31": ("car", "轻型普通货车"),
    "M22": ("motorcycle", "普通二轮摩托车"), "N11": ("farm", "三轮汽车"),
    "J11": ("disability", "残疾人专用机动轮椅车"),
}
PLATE_KIND = {"car": "02", "motorcycle": "07", "farm": "13", "disability": "07"}
PLATE_KIND_ZH = {"02": "小型汽车号牌", "07": "普通摩托车号牌", "13": "低速车号牌"}
_BRANDS = {"car": ["五菱宏光", "宝骏510", "长安CS35", "吉利帝豪", "比亚迪秦", "大众朗逸", "丰田卡罗拉", "哈弗H6"],
           "motorcycle": ["豪爵铃木", "五羊本田", "新大洲本田", "雅马哈"],
           "farm": ["五征三轮", "时风三轮", "巨力三轮"], "disability": ["宗申残疾人车", "福田残疾人车"]}
PROPERTY_CODES = {"1": ("commercial", "商品住房"), "2": ("homestead", "宅基地使用权及房屋所有权"),
                  "3": ("other", "商业服务用房")}
COMPANY_CODES = {"1130": ("enterprise", "有限责任公司(自然人投资或控股)"),
                 "1151": ("enterprise", "有限责任公司(自然人独资)"),
                 "9600": ("individual_business", "个体工商户")}
_SHOPS = ["小卖部", "副食店", "农资店", "修理店", "养殖场", "米粉店", "建材店", "服装店", "摩托车维修部", "种植场"]
_FIRMS = ["农业发展", "生态养殖", "建筑工程", "农产品", "劳务", "种养专业", "商贸", "运输"]
_JOBS = {"school": ["教师", "教师", "教师", "校长"], "hospital": ["医师", "护士", "药剂师"],
         "government": ["科员", "科员", "副主任科员", "办事员"]}


class Assets:
    def __init__(self, w: World):
        self.w = w
        self.rng = w.rng("assets")
        # Counters start past 0 so the first numbers do not look degenerate (桂MAAA00).
        self.n_vin = self.n_plate = self.n_code = 1000
        self.n_cert = 0

    # --- vehicles ----------------------------------------------------------
    def vehicle(self, vtype: str, first_reg: int, owners: list[tuple[int, int, int]],
                code: str | None = None) -> int:
        """owners: (person, start, end) in order; returns the vehicle index."""
        if code is None:
            code = {"car": ["K33", "K31", "H31"][int(self.rng.integers(3))], "motorcycle": "M22",
                    "farm": "N11", "disability": "J11"}[vtype]
        vin = ids.vins(self.rng, [int(dates.ymd(first_reg)[0])], self.n_vin)[0]
        plate = ids.plates(reg.PLATE_PREFIX, self.n_plate, 1)[0]
        self.n_vin += 1
        self.n_plate += 1
        brand = _BRANDS[vtype][int(self.rng.integers(len(_BRANDS[vtype])))]
        v = self.w.tables["vehicles"].add(vin=vin, plate=plate, vtype=vtype, code=code, brand=brand)
        for person, s, e in owners:
            self.w.tables["owners"].add(vehicle=v, person=int(person), start=int(s), end=int(e))
        return v

    def vin(self, v: int) -> str:
        return str(self.w.tables["vehicles"].col("vin")[v])

    # --- real estate -------------------------------------------------------
    def property(self, person: int, ptype: str, village: int, start: int, end: int = NONE,
                 area: float | None = None) -> int:
        w = self.w
        if area is None:
            area = round(float(self.rng.uniform(60, 140) if ptype != "homestead" else self.rng.uniform(80, 220)), 2)
        cert = ids.property_cert(reg.PROVINCE_ABBR, int(dates.ymd(start)[0]), reg.COUNTY_NAME, self.n_cert + 1)
        self.n_cert += 1
        code = {"commercial": "1", "homestead": "2", "other": "3"}[ptype]
        return w.tables["property"].add(cert=cert, ptype=code, area=area, village=int(village),
                                        address=self._address(ptype, village), person=int(person),
                                        start=int(start), end=int(end))

    def _address(self, ptype: str, village: int) -> str:
        r = self.rng
        if ptype == "homestead":
            return f"{self.w.regions.village_full_name(village)}{int(r.integers(1, 12))}组{int(r.integers(1, 80))}号"
        estate = ["阳光花园", "滨江新城", "金禾小区", "龙城华府", "凤凰名都", "城东丽苑"][int(r.integers(6))]
        return f"{reg.COUNTY_NAME}城关镇{estate}{int(r.integers(1, 30))}栋{int(r.integers(1, 30))}{int(r.integers(1, 5)):02d}室"

    def cert(self, k: int) -> str:
        return str(self.w.tables["property"].col("cert")[k])

    # --- companies ---------------------------------------------------------
    def company(self, ctype: str, rep: int, village: int, established: int, dereg: int = NONE,
                shareholders=(), executives=()) -> int:
        """shareholders: (person, share, start, end); executives: (person, title, start, end)."""
        w = self.w
        kind = "2" if ctype == "individual_business" else "1"
        code = ids.credit_codes([kind], reg.COUNTY_CODE, self.n_code)[0]
        self.n_code += 1
        place = w.regions.village_full_name(village)
        if ctype == "individual_business":
            name = f"{place[:len(reg.COUNTY_NAME) + 3]}{w.name(rep)}{_SHOPS[int(self.rng.integers(len(_SHOPS)))]}"
            ccode, capital = "9600", round(float(self.rng.uniform(1, 20)), 1)
        else:
            word = _FIRMS[int(self.rng.integers(len(_FIRMS)))]
            name = f"{reg.COUNTY_NAME}{w.regions.village_name[village][:-1]}{word}有限公司"
            ccode = "1151" if len(shareholders) <= 1 else "1130"
            capital = float(self.rng.integers(10, 500))
        c = w.tables["companies"].add(code=code, name=name, ctype=ccode, rep=int(rep), village=int(village),
                                      established=int(established), dereg=int(dereg), capital=capital)
        for person, share, s, e in shareholders:
            w.tables["roles"].add(company=c, person=int(person), role="shareholder", share=float(share),
                                  start=int(s), end=int(e))
        for person, title, s, e in executives:
            w.tables["roles"].add(company=c, person=int(person), role=title, share=0.0, start=int(s), end=int(e))
        return c

    def code(self, c: int) -> str:
        return str(self.w.tables["companies"].col("code")[c])

    def project(self, company: int, village: int, award: int, amount: float | None = None) -> int:
        w = self.w
        T = w.tables["projects"]
        n = len(T) + 1
        y = int(dates.ymd(award)[0])
        kinds = ["产业路硬化", "饮水安全巩固提升", "特色产业基地", "农田水利", "村级光伏电站", "扶贫车间"]
        name = f"{w.regions.village_name[village]}{kinds[int(self.rng.integers(len(kinds)))]}项目"
        if amount is None:
            amount = round(float(self.rng.uniform(10, 300)), 2)
        return T.add(pid=f"XM{reg.COUNTY_CODE}{y}{n:05d}", name=name, village=int(village),
                     company=int(company), amount=amount, award=int(award))

    def payroll(self, person: int, kind: str, employer: str, start: int, end: int = NONE, job: str | None = None):
        if job is None:
            job = _JOBS[kind][int(self.rng.integers(len(_JOBS[kind])))]
        return self.w.tables["payroll"].add(person=int(person), employer=employer, kind=kind, job=job,
                                            start=int(start), end=int(end))

    def employer(self, kind: str, town: int) -> str:
        t = self.w.regions.town_name[town]
        if kind == "school":
            return [f"{t}中心小学", f"{t}初级中学", "青禾县高级中学"][int(self.rng.integers(3))]
        if kind == "hospital":
            return [f"{t}卫生院", "青禾县人民医院", "青禾县中医医院"][int(self.rng.integers(3))]
        return [f"{t}人民政府", "青禾县财政局", "青禾县自然资源局", "青禾县农业农村局"][int(self.rng.integers(4))]

    def retirement(self, person: int) -> int:
        p = self.w.people
        r = int(p.birth[person]) + years(60 if p.sex[person] == MALE else 55)
        r = min(r, int(p.death[person]))
        return r if r <= HORIZON else NONE
