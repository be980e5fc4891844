"""Chinese names with a realistic, heavy-headed distribution.

Surnames follow a Guangxi (Zhuang-majority) county: 黄, 韦, 覃, 蓝, 莫 ...
lead, and each village has two or three clan surnames passed from father to
child, so namesakes (同名同姓) are common inside one village. Given names
depend on sex and birth cohort (建国/秀英 for the elderly, 浩然/欣怡 for the
young) and are drawn with Zipf weights from a short list of popular names
plus a compositional tail, which is what makes real namesakes frequent.
"""
from __future__ import annotations

import numpy as np

SURNAMES = (
    "黄 韦 覃 李 蓝 梁 陆 莫 陈 罗 潘 农 蒙 卢 刘 杨 周 吴 何 谢 "
    "张 王 邓 廖 唐 冯 甘 赵 曾 苏 林 秦 马 许 宋 朱 胡 郭 钟 骆 "
    "滕 邹 谭 严 施 兰 闭 麻 雷 凌"
).split()
# Zipf-like weights: the top surname near 10 %, as 黄 in Guangxi.
SURNAME_WEIGHTS = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.7

_M_OLD = "建国 国强 建华 志明 德明 文华 国平 永强 建军 志强 家福 福生 有才 金福 德福 光明 卫国 振华 学军 庆华 树林 春生 文明 德胜 国庆 红军 成林 明光 世昌 玉成".split()
_F_OLD = "秀英 桂英 玉兰 秀兰 凤英 美玲 丽华 玉梅 秀珍 桂兰 月英 金凤 玉英 秀芳 春梅 桂芳 桂花 美英 翠英 玉凤 淑英 凤兰 秀梅 玉珍 冬梅 爱华 秀云 月娥 素芳 桂珍".split()
_M_MID = "伟 勇 军 强 斌 杰 涛 明 超 刚 平 海 波 华 志强 海波 建波 小军 永华 文杰 春华 海军 建平 志勇 伟强 国华 勇军 小平 俊 峰".split()
_F_MID = "丽 芳 娟 敏 静 燕 艳 霞 玲 红 梅 丽娟 海燕 丽萍 春燕 小燕 丽华 美华 秀玲 晓红 金梅 小红 丽芳 玉玲 艳红 桂玲 美玲 雪梅 丽君 婷".split()
_M_YOUNG = "浩 宇 子豪 浩然 俊杰 宇轩 子轩 浩宇 梓豪 博文 志豪 宇航 家豪 俊宇 明轩 子涵 嘉豪 天宇 思远 俊熙 鑫 磊 鹏 杰 宇豪 浩宇 文博 梓轩 晨 睿".split()
_F_YOUNG = "欣怡 雨涵 诗琪 梓涵 思琪 佳怡 婷 雪 可欣 雨欣 子涵 梦瑶 思雨 欣妍 诗涵 佳琪 语嫣 雨萱 紫涵 心怡 佳慧 晓雯 慧敏 丹 倩 静怡 美琪 梦琪 婉婷 悦".split()

_TAIL_M1 = "志 建 国 永 德 文 明 海 春 金 世 家 俊 宏 光 振 立 庆 正 兴".split()
_TAIL_M2 = "强 华 明 林 军 勇 平 生 荣 福 才 忠 成 贵 刚 辉 宁 东 峰 斌".split()
_TAIL_F1 = "秀 玉 桂 丽 美 春 月 金 凤 小 艳 翠 晓 雪 海 慧 婷 佳 雨 思".split()
_TAIL_F2 = "英 兰 芳 梅 珍 华 萍 霞 琴 燕 玲 红 娟 莲 凤 婷 云 琳 洁 颖".split()


def _pool(common: list[str], first: list[str], second: list[str]):
    tail = [a + b for a in first for b in second]
    names = list(dict.fromkeys(common + tail))  # keep order, drop repeats
    w = np.concatenate([
        1.0 / np.arange(1, len(common) + 1) ** 0.8 * 0.55 / sum(1.0 / np.arange(1, len(common) + 1) ** 0.8),
        np.full(len(names) - len(common), 0.45 / max(1, len(names) - len(common))),
    ])
    return np.array(names, dtype=object), w / w.sum()


_POOLS = {
    (1, 0): _pool(_M_OLD, _TAIL_M1, _TAIL_M2), (2, 0): _pool(_F_OLD, _TAIL_F1, _TAIL_F2),
    (1, 1): _pool(_M_MID, _TAIL_M1, _TAIL_M2), (2, 1): _pool(_F_MID, _TAIL_F1, _TAIL_F2),
    (1, 2): _pool(_M_YOUNG, _TAIL_M1, _TAIL_M2), (2, 2): _pool(_F_YOUNG, _TAIL_F1, _TAIL_F2),
}


def cohort(birth_year: np.ndarray) -> np.ndarray:
    return np.where(birth_year < 1970, 0, np.where(birth_year < 1992, 1, 2))


def given_names(rng: np.random.Generator, sex: np.ndarray, birth_year: np.ndarray) -> np.ndarray:
    out = np.empty(len(sex), dtype=object)
    coh = cohort(birth_year)
    for (s, c), (names, w) in _POOLS.items():
        idx = np.flatnonzero((sex == s) & (coh == c))
        if len(idx):
            out[idx] = names[rng.choice(len(names), size=len(idx), p=w)]
    return out


def village_clans(rng: np.random.Generator, n_villages: int) -> np.ndarray:
    """Three clan surnames (indices) per village, drawn from the county mix."""
    p = SURNAME_WEIGHTS / SURNAME_WEIGHTS.sum()
    return np.stack([rng.choice(len(SURNAMES), size=3, replace=False, p=p) for _ in range(n_villages)])


def surnames_for(rng: np.random.Generator, villages: np.ndarray, clans: np.ndarray,
                 clan_share: float = 0.6) -> np.ndarray:
    """Surname indices: clan surnames of the village with `clan_share`, else county mix."""
    n = len(villages)
    p = SURNAME_WEIGHTS / SURNAME_WEIGHTS.sum()
    general = rng.choice(len(SURNAMES), size=n, p=p)
    pick = clans[villages, rng.choice(3, size=n, p=[0.5, 0.3, 0.2])]
    return np.where(rng.random(n) < clan_share, pick, general)


def surname_text(idx: np.ndarray) -> np.ndarray:
    return np.array(SURNAMES, dtype=object)[idx]
