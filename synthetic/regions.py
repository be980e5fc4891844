"""The county, its towns and villages, with GB/T 2260-style codes.

青禾县 is fictional; its code 451299 has the shape of a Guangxi (45) county
under 河池 (4512, plates 桂M) but no real county uses it. Town codes follow
the 12-digit statistical division codes: 100 for the county seat (城关镇),
1xx for towns 镇, 2xx for townships 乡; residents' committees 社区 are 0xx
and village committees 村委会 2xx inside a town.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PROVINCE_ABBR = "桂"
PLATE_PREFIX = "桂M"
COUNTY_CODE = 451299
COUNTY_NAME = "青禾县"
CITY_NAME = "河池市"

_TOWN_HEADS = "青 禾 龙 石 白 古 那 板 六 平 金 大 马 都 弄 乔 坡 江 云 红 合 福 长 凤 永 安 东 西 北 上".split()
_TOWN_TAILS = "山 田 岩 门 水 榜 桃 定 林 岭 坪 河 洞 圩 塘 坝 湾 峒 寨 陇".split()
_VILLAGE_HEADS = "那 弄 板 古 六 百 都 坡 岜 那 弄 渌 巴 念 拉 龙 思 敢 排 多".split()
_VILLAGE_TAILS = "桃 王 苏 朗 浪 良 河 星 利 和 合 兰 平 乐 安 光 华 林 塘 坤 勒 造 考 孟 红 陇 汉 育 强 民".split()
_COMMUNITY = "城东 城西 城南 城北 新城 和平 民主 解放 人民 建设 长安 朝阳".split()
_ROADS = "人民路 解放路 建设路 新华街 朝阳路 和平街 城东大道 民主路".split()

# Other counties that married-in spouses and migrants come from (IDs carry
# the code of the place of first registration).
OTHER_COUNTIES = [450124, 450125, 450126, 450127, 451221, 451222, 451224, 451226,
                  451227, 451228, 451229, 450221, 452226, 522701, 530102, 440183,
                  441881, 431023, 360124, 510122]


@dataclass
class Regions:
    town_code: np.ndarray      # 9-digit int
    town_name: np.ndarray      # object
    village_code: np.ndarray   # 12-digit int
    village_name: np.ndarray
    village_town: np.ndarray   # index into towns
    village_urban: np.ndarray  # bool: a residents' community in the county seat
    village_weight: np.ndarray  # share of founders settled there

    @property
    def n_villages(self) -> int:
        return len(self.village_code)

    def village_full_name(self, v: int) -> str:
        return f"{COUNTY_NAME}{self.town_name[self.village_town[v]]}{self.village_name[v]}"


def build(rng: np.random.Generator, persons: int) -> Regions:
    n_towns = int(np.clip(round(persons / 20_000), 3, 40))
    n_vill = int(max(n_towns * 3, round(persons / 1_500)))
    per_town = np.bincount(rng.integers(0, n_towns, n_vill - n_towns * 3), minlength=n_towns) + 3

    town_code, town_name, used_town = [], [], set()
    for t in range(n_towns):
        if t == 0:
            name, code = "城关镇", 100
        else:
            while True:
                name = str(rng.choice(_TOWN_HEADS)) + str(rng.choice(_TOWN_TAILS))
                if name not in used_town:
                    break
            township = t > n_towns * 2 // 3
            name += "乡" if township else "镇"
            code = (200 + t) if township else (100 + t)
        used_town.add(name[:2])
        town_code.append(COUNTY_CODE * 1000 + code)
        town_name.append(name)

    v_code, v_name, v_town, v_urban = [], [], [], []
    for t in range(n_towns):
        used = set()
        n_comm = min(len(_COMMUNITY), max(2, per_town[t] // 2)) if t == 0 else 0
        for k in range(per_town[t]):
            urban = k < n_comm
            if urban:
                name, code = _COMMUNITY[k] + "社区", k + 1
            else:
                while True:
                    name = str(rng.choice(_VILLAGE_HEADS)) + str(rng.choice(_VILLAGE_TAILS))
                    if name not in used:
                        break
                used.add(name)
                name, code = name + "村", 200 + k - n_comm + 1
            v_code.append(town_code[t] * 1000 + code)
            v_name.append(name)
            v_town.append(t)
            v_urban.append(urban)
    v_urban = np.array(v_urban)
    weight = rng.uniform(0.6, 1.4, len(v_code))
    weight[v_urban] *= 0.5  # most of the county seat's people move in later
    return Regions(
        town_code=np.array(town_code, dtype=np.int64), town_name=np.array(town_name, dtype=object),
        village_code=np.array(v_code, dtype=np.int64), village_name=np.array(v_name, dtype=object),
        village_town=np.array(v_town, dtype=np.int64), village_urban=v_urban,
        village_weight=weight / weight.sum(),
    )
