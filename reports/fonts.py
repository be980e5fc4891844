"""The CJK font every report format uses.

Noto Sans SC (Regular) comes from the `pylopdf-fonts-zh-cn` wheel, a
data-only package that ships the OTF from notofonts/noto-cjk under the SIL
Open Font License, so a fresh machine gets it from `pip install` alone and a
PDF shows Chinese whatever fonts the reader's machine has.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pylopdf_fonts_zh_cn

FAMILY = "Noto Sans SC"


def cjk_font_path() -> Path:
    return Path(pylopdf_fonts_zh_cn.sans_path())


@lru_cache(maxsize=1)
def matplotlib_family() -> str:
    """Register the font with matplotlib once; the family name to draw with."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(cjk_font_path()))
    return font_manager.FontProperties(fname=str(cjk_font_path())).get_name()


def cjk_serif_path() -> Path:
    """Noto Serif SC (Regular), the 宋体-like face of official documents' titles and body."""
    return Path(pylopdf_fonts_zh_cn.serif_path())
