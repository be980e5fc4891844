"""`reliefgraph detect`, `evaluate` and `summary`: detection from the command line."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from reliefgraph import exports
from reliefgraph.appdb import connect
from reliefgraph.graph.pii import mask
from reliefgraph.graph.store import open_store
from reliefgraph.queries import clues as clue_store
from reliefgraph.queries.at_risk_summary import TOTAL as AT_RISK_TOTAL, summarise_at_risk
from reliefgraph.queries.cypher_files import CypherFileError
from reliefgraph.queries.detect import detect
from reliefgraph.queries.evaluate import TruthFileError, evaluate
from reliefgraph.queries.names import Names, names_for
from reliefgraph.queries.rules import FAMILIES, load_rules
from reliefgraph.queries.summary import TOTAL, summarise, write_csv

console = Console()
DbOption = Annotated[Optional[str], typer.Option("--db", envvar="RELIEFGRAPH_URI", help="图数据库 graph store")]


def detect_command(
    rule: Annotated[list[str], typer.Option("--rule", help="只运行指定规则 run only these rule ids")] = [],
    family: Annotated[list[str], typer.Option("--family", help="只运行指定类别 run only these families")] = [],
    as_of: Annotated[Optional[str], typer.Option(help="数据基准日 reference date YYYY-MM-DD (default today)")] = None,
    out: Annotated[Optional[Path], typer.Option(help="导出线索 write the clues: clues.csv, or clues.xlsx "
                                                     "(Excel: 中文表头、名称 Chinese headings, names, IDs as text)")
                   ] = None,
    db: DbOption = None,
):
    """运行全部规则，合并为线索 run the rules and merge their hits into ranked clues."""
    _writable(out)
    unknown = set(family) - set(FAMILIES)
    if unknown:
        console.print(f"[red]未知类别 unknown families {sorted(unknown)}[/red]; known: {sorted(FAMILIES)}")
        raise typer.Exit(2)
    try:
        rules = load_rules(only=set(rule) or None, families=set(family) or None)
    except CypherFileError as exc:
        console.print(f"[red]规则文件错误 rule error:[/red] {exc}")
        raise typer.Exit(2) from exc
    engine = connect()
    with open_store(db) as store:
        report = detect(store, engine, rules, as_of)
    table = Table(title=f"检测结果 detection (as of {report.as_of})", header_style="bold")
    for col in ("规则 rule", "类别 family", "命中 hits", "秒 s"):
        table.add_column(col, justify="right" if col[0] in "命秒" else "left")
    for r in rules:
        table.add_row(f"{r.title_zh} [dim]({r.id})[/dim]", FAMILIES[r.family][0], str(report.rule_hits[r.id]),
                      f"{report.rule_seconds[r.id]:.2f}")
    console.print(table)
    console.print(f"派生事实 derived facts {report.derive_seconds:.2f} s; 命中 {report.stored['hits']} hits → "
                  f"有效线索 {report.stored['active_clues']} active clues; 共 {report.total_seconds:.1f} s")
    if report.stored.get("orders_vanished"):
        console.print(f"[yellow]{report.stored['orders_vanished']} 个已派单线索不再成立，已在派单上标注 "
                      "dispatched clues are no longer found; their orders are marked[/yellow]")
    if out:
        if exports.format_of(out) == "xlsx":
            with open_store(db) as store:
                columns, rows = clue_table(engine, names_for(store))
            exports.write_table(out, columns, rows)
            n = len(rows)
        else:   # the machine-readable file `evaluate` reads: codes, English headings
            n = clue_store.write_csv(engine, out)
        console.print(f"已导出 {n} 条线索 clues written to {out}")


CLUE_HEADINGS = ["线索编号", "类别", "规则", "对象身份证号", "对象姓名", "户号", "评分", "等级", "状态", "所在村居",
                 "摘要"]


def clue_table(engine, names: Names) -> tuple[list[str], list[tuple]]:
    """Active clues with Chinese headings and names for codes (for Excel)."""
    from reliefgraph.dashboard.cases import STATUSES

    rows = [(c["clue_id"], names.label("family", c["family"]), "、".join(c["rule_ids"] or []), c["subject_id"],
             c.get("subject_name"), c["household_id"], round(float(c["score"]), 3),
             names.label("severity", c["severity"]), STATUSES.get(c["status"], (c["status"],))[0],
             names.label("region", c["region_code"]), c["summary"])
            for c in clue_store.list_clues(engine)]
    return CLUE_HEADINGS, rows


def _writable(out: Path | None) -> None:
    """A missing or unwritable output folder is refused before any work, in one line."""
    if out is None:
        return
    try:
        exports.check_writable(out)
    except exports.OutputPathError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


def evaluate_command(
    truth: Annotated[Path, typer.Option(help="答案文件 truth.csv")],
    clues: Annotated[Path, typer.Option(help="线索文件 clues.csv")],
):
    """对照答案计算查准率与查全率 precision and recall per family and pattern."""
    try:
        by_family, by_pattern, decoys = evaluate(truth, clues)
    except TruthFileError as exc:
        console.print(f"[red]无法评估 cannot evaluate:[/red] {exc}")
        raise typer.Exit(2) from exc
    for title, scores in (("按类别 per family", by_family), ("按模式 per pattern", by_pattern)):
        table = Table(title=title, header_style="bold")
        for col in ("name", "truth", "flagged", "hit", "precision", "recall", "decoys flagged"):
            table.add_column(col, justify="left" if col == "name" else "right")
        for s in scores:
            table.add_row(s.name, str(s.truth), str(s.flagged), str(s.hit), f"{s.precision:.3f}",
                          f"{s.recall:.3f}", str(len(s.decoys_flagged)))
        console.print(table)
    if decoys:
        console.print("[yellow]被误报的干扰项 decoys flagged:[/yellow]")
        for d in decoys:
            # The truth file names real subjects on a real county's test: show them masked, like every screen.
            console.print(f"  {d['pattern']} {mask('citizen_id', d['subject_id'])} ({d['severity']}, "
                          f"{d['rule_ids']}): {d.get('note', '')}")
    else:
        console.print("没有干扰项被标记 no decoy was flagged")


def summary_command(
    town: Annotated[Optional[str], typer.Option(help="乡镇区划代码 (9 位) town code")] = None,
    programme: Annotated[list[str], typer.Option("--programme", help="对象范围 programmes (e.g. poverty)")] = [],
    as_of: Annotated[Optional[str], typer.Option(help="数据基准日 reference date YYYY-MM-DD")] = None,
    out: Annotated[Optional[Path], typer.Option(help="导出 write summary.csv or summary.xlsx (Excel)")] = None,
    db: DbOption = None,
):
    """按违规类型汇总人数与记录数（马山表式） the Mashan-style table, county and per town."""
    _writable(out)
    with open_store(db) as store:
        lines = summarise(store, programme or None, as_of, town)
        risk = summarise_at_risk(store, as_of, town)
        names = names_for(store)
    scopes = list(dict.fromkeys(line.scope for line in lines))
    for scope in scopes:
        table = Table(title="全县 county" if scope == "county" else f"乡镇 town {names.label('region', scope)}",
                      header_style="bold")
        table.add_column("类别 category")
        table.add_column("人数 people", justify="right")
        table.add_column("记录 records", justify="right")
        for line in (x for x in lines if x.scope == scope):
            bold = "[bold]" if line.category == TOTAL else ""
            table.add_row(f"{bold}{line.title_zh}", f"{bold}{line.people}",
                          "" if line.records is None else str(line.records))
        console.print(table)
    _print_at_risk(risk, names)
    if out:
        if exports.format_of(out) == "xlsx":
            exports.write_table(out, ["范围", "类别代码", "类别", "人数", "记录数"],
                                [("全县" if x.scope == "county" else names.label("region", x.scope), x.category,
                                  x.title_zh, x.people, x.records) for x in lines])
        else:
            write_csv(lines, out)
        console.print(f"已导出 written to {out}")


def _print_at_risk(lines, names) -> None:
    """The at-risk households (应保未保) per rule and the help they may get: a table of its own, since an
    at-risk household is enrolled in no programme and so in none of the categories above."""
    for scope in dict.fromkeys(line.scope for line in lines):
        place = "全县 county" if scope == "county" else f"乡镇 town {names.label('region', scope)}"
        table = Table(title=f"应保未保（防返贫风险） households at risk — {place}", header_style="bold")
        table.add_column("规则 rule")
        table.add_column("户数 households", justify="right")
        for line in (x for x in lines if x.scope == scope):
            if line.rule == AT_RISK_TOTAL:
                table.add_row(f"[bold]{line.title_zh}", f"[bold]{line.households}")
                for item, n in line.help.most_common():
                    table.add_row(f"  可能的帮扶 help: {item}", str(n))
            else:
                table.add_row(line.title_zh, str(line.households))
        console.print(table)
