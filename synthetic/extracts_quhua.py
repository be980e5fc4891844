"""The region name table (行政区划代码表): county, towns and villages with
their names and parents, as a statistics bureau or civil-affairs office
hands it out. The other extracts carry only codes; this one names them."""
from __future__ import annotations

import numpy as np

from .extracts import Ctx, frame
from .mess import Spec
from .regions import COUNTY_CODE, COUNTY_NAME

FILE = "quhua_daima.csv"
LEVELS = {"county": "2", "town": "3", "village": "4"}   # 统计用区划代码 level codes


def region_table(ctx: Ctx):
    r = ctx.w.regions
    spec = Spec(
        file=FILE, agency="民政局/统计局", title="行政区划代码表", title_en="region codes", encoding="utf-8",
        columns=["区划代码", "区划名称", "层级", "上级区划代码"], key_cols=["区划代码"], text_cols=["区划名称"],
        dup=0.0, invalid=0.0, spaces=0.0,
        notes="层级 2=县(county) 3=乡镇(town) 4=村居(village). 区划代码 6 位县、9 位乡镇、12 位村居.")
    codes = [str(COUNTY_CODE)] + [str(c) for c in r.town_code] + [str(c) for c in r.village_code]
    names = [COUNTY_NAME] + list(r.town_name) + list(r.village_name)
    levels = [LEVELS["county"]] + [LEVELS["town"]] * len(r.town_code) + [LEVELS["village"]] * r.n_villages
    parents = [""] + [str(COUNTY_CODE)] * len(r.town_code) + [str(r.town_code[t]) for t in r.village_town]
    df = frame(**{"区划代码": np.array(codes, dtype=object), "区划名称": np.array(names, dtype=object),
                  "层级": np.array(levels, dtype=object), "上级区划代码": np.array(parents, dtype=object)})
    return spec, iter([df]), None
