"""An official document (公文) as content, independent of DOCX or PDF.

The case report of an order and the 线索处置台账 are built as an
`OfficialDoc`; `official_docx` and `official_pdf` lay the same content out
in the GB/T 9704 manner: the issuing unit in red over a red rule, the
document number, a centred title, headings numbered 一、（一）, a header
and a footer with 第 X 页 共 Y 页, the signature block (承办人 / 审核人 /
签发人 with dates) and the review block. Every time shown is Beijing time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

CONFIDENTIAL = "内部资料 注意保密"
SIGNATURE_ROLES = ("承办人", "审核人", "签发人")
CHINESE_DIGITS = "一二三四五六七八九十"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99)."""
    if n <= 10:
        return CHINESE_DIGITS[n - 1]
    tens, units = divmod(n, 10)
    return (CHINESE_DIGITS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_DIGITS[units - 1] if units else "")


@dataclass
class Heading:
    text: str
    level: int = 1            # 1: 一、 (黑体)  2: （一） (楷体)


@dataclass
class Para:
    text: str
    note: bool = False        # smaller, for explanations under a table


@dataclass
class Pairs:
    items: list[tuple[str, str]]


@dataclass
class Grid:
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    widths: tuple[float, ...] | None = None     # relative
    totals: tuple[str, ...] | None = None       # a last row, set apart
    size: float = 9


@dataclass
class Picture:
    png: bytes
    caption: str


Block = Union[Heading, Para, Pairs, Grid, Picture]


@dataclass
class Signature:
    role: str                 # 承办人 | 审核人 | 签发人
    name: str = ""            # blank: to be signed by hand
    date: str = ""            # Beijing date, blank when unsigned


@dataclass
class Review:
    at: str                   # Beijing time
    reviewer: str
    decision: str             # 同意销号 | 退回
    reason: str


@dataclass
class OfficialDoc:
    issuer: str               # 发文机关标志, e.g. 某县纪委监委
    number: str               # 发文字号
    title: str
    issued_at: str            # Beijing time
    blocks: list[Block] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=lambda: [Signature(r) for r in SIGNATURE_ROLES])
    reviews: list[Review] | None = None     # None: no review block
    landscape: bool = False
    confidentiality: str = CONFIDENTIAL

    def heading(self, text: str, level: int = 1) -> None:
        self.blocks.append(Heading(text, level))

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)
