"""`reliefgraph generate`: write a synthetic county's agency extracts."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table


def generate_command(
    persons: Annotated[int, typer.Option("--persons", help="人口数 number of persons in the county")] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 seed: same seed, same bytes")] = 1,
    out: Annotated[Path, typer.Option("--out", help="输出目录 output folder")] = Path("./data/extracts"),
    scenario: Annotated[str, typer.Option("--scenario", help="standard 或 mashan (马山县核查表)")] = "standard",
    month: Annotated[int, typer.Option("--month", help="数据月份 data month (1 = 2026-10, 2 = one month later)")] = 1,
    layout: Annotated[str, typer.Option("--layout", help="抽取版式 extract layout: a (默认 default), b (第二种版式 "
                                        "the second real-world layout), mixed (每个文件随机其一 one per file)")] = "a",
) -> None:
    """生成合成县的多部门数据抽取、预置线索与答案 / Generate a synthetic county's extracts with planted cases."""
    from .generator import GenerateError, generate

    console = Console()
    t0 = time.perf_counter()
    try:
        with console.status("正在生成 generating ..."):
            res = generate(persons=persons, seed=seed, out=out, scenario=scenario, month=month, layout=layout)
    except GenerateError as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(code=2)
    secs = time.perf_counter() - t0
    table = Table(title=f"已写入 written to {res.out} (截至 as of {res.as_of})")
    table.add_column("文件 file")
    table.add_column("内容 content")
    table.add_column("行数 rows", justify="right")
    total = 0
    for spec, rows in res.files:
        table.add_row(spec.file, f"{spec.title} {spec.title_en}", f"{rows:,}")
        total += rows
    console.print(table)
    console.print(
        f"人口 persons {res.persons:,}; 文件 files {len(res.files)}; 行 rows {total:,}; "
        f"预置线索 truth rows {res.truth['truth_rows']:,}; 无效行 invalid {res.truth['invalid']:,}; "
        f"无身份证号行 ID-less {res.truth['idless']:,}; 用时 time {secs:.1f} s")
    console.print("答案在 answers in _truth/ ; 说明见 see README.md")
