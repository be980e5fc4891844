"""ID-less rows whose person the resolver cannot tell wait in the pending
store, and load by a reviewer's decision or a later register, through the
commands an administrator runs."""
from __future__ import annotations

import csv
from pathlib import Path

from reliefgraph.appdb import connect
from reliefgraph.graph.embedded import EmbeddedServer
from reliefgraph.graph.store import open_store
from reliefgraph.loaders import resolution

from loader_support import run_cli
from test_pipeline import MAPPINGS, REGISTER, TWIN_1, TWIN_2, VEHICLES, VILLAGE_A, cid, write_csv

WU = cid("522401", "19750606", "317")    # 吴十: in no register in month 1, registered in month 2
CAR_HEADER = VEHICLES[0]
NAMESAKE_CAR = ["", "王伟", "1970-05-05", VILLAGE_A, "贵A34567", "LSVAB2BR5EN000003", "K33", "2022-03-01"]
UNKNOWN_CAR = ["", "吴十", "1975-06-06", VILLAGE_A, "贵A11111", "LSVAB2BR5EN000011", "K33", "2024-05-01"]


def folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    m1, m2, maps = tmp_path / "m1", tmp_path / "m2", tmp_path / "maps"
    for d in (m1, m2, maps):
        d.mkdir()
    for name in ("register.yaml", "vehicles.yaml"):
        (maps / name).write_text(MAPPINGS[name], encoding="utf-8")
    write_csv(m1 / "户籍人口_202610.csv", REGISTER[:8], encoding="gbk")
    write_csv(m1 / "机动车登记_202610.csv", [CAR_HEADER, VEHICLES[1], NAMESAKE_CAR, UNKNOWN_CAR])
    write_csv(m2 / "户籍人口_202611.csv",
              [*REGISTER[:8], [WU, "吴十", "1", "1975-06-06", "H011", "01", VILLAGE_A]], encoding="gbk")
    return m1, m2, maps


def test_unidentified_rows_wait_and_load_by_decision_or_a_later_register(tmp_path):
    m1, m2, maps = folders(tmp_path)
    graph, app_db = tmp_path / "graph", f"sqlite:///{tmp_path / 'app.db'}"
    env = {"RELIEFGRAPH_URI": str(graph), "RELIEFGRAPH_APP_DB": app_db}

    def cli(*args: str):
        done = run_cli(*args, env=env)
        return done.returncode, done.stdout + done.stderr

    def load(folder: Path, as_of: str):
        return cli("load", str(folder), "--mappings", str(maps), "--rejects", str(tmp_path / "rej"),
                   "--as-of", as_of)

    try:
        code, out = load(m1, "2026-10-31")
        assert code == 0, out
        with open(next((tmp_path / "rej").glob("t_vehicles__*.csv")), encoding="utf-8-sig") as fh:
            lines = {(r["row"], r["reason_code"], r["severity"]) for r in csv.DictReader(fh)}
        assert lines == {("3", "unresolved_person", "pending"), ("4", "unresolved_person", "pending")}

        code, out = cli("load", "--pending", "--mappings", str(maps))
        assert code == 0, out
        waiting = [line for line in out.splitlines() if "t_vehicles" in line]
        assert len(waiting) == 2 and all("人员未能唯一识别" in line for line in waiting), out
        assert "吴十" not in out and "1975-06-06" not in out, "the listing masks what names the person"
        assert "resolve link" in out

        engine = connect(app_db)
        decided = {d["row"]: d for d in resolution.list_decisions(engine)}
        assert (decided[3]["outcome"], decided[4]["outcome"]) == ("ambiguous", "no_match")
        code, out = cli("resolve", "link", str(decided[3]["id"]), cid("522401", "19700505", "099"))
        assert code == 1 and "no registered person" in out, "a link names a registered person"
        code, out = cli("resolve", "link", str(decided[3]["id"]), TWIN_2.lower(), "--user", "reviewer")
        assert code == 0, out

        # The same folder again: every file is unchanged, the linked row loads.
        code, out = load(m1, "2026-10-31")
        assert code == 0, out
        assert "未变化 unchanged" in out and "1 条引用已出现" in out, out
        # Next month's register names 吴十: his car loads without its file being sent again.
        code, out = load(m2, "2026-11-30")
        assert code == 0, out

        code, out = cli("load", "--pending", "--mappings", str(maps))
        assert "共 0 条暂存行" in out, out
        # Month 1's files again under another as-of: the reviewer's link holds, nothing waits again.
        code, out = load(m1, "2026-11-30")
        assert code == 0, out
        assert out.count("重新载入 reloaded (基准日变化 as-of changed)") == 2, out
        code, out = cli("load", "--pending", "--mappings", str(maps))
        assert "共 0 条暂存行" in out, out
    finally:
        EmbeddedServer(graph).stop()

    store = open_store(str(graph))
    try:
        cars = store.read("MATCH (p:Person)-[o:OWNS]->(v:Vehicle) WHERE v.plate IN ['贵A34567', '贵A11111'] "
                          "RETURN v.plate, p.citizen_id, o.src_file, o.src_row, o.start ORDER BY v.plate").rows
        assert cars == [("贵A11111", WU, "机动车登记_202610.csv", 4, "2024-05-01"),
                        ("贵A34567", TWIN_2, "机动车登记_202610.csv", 3, "2022-03-01")], \
            "each car is its reviewed or newly registered owner's, with its own source row"
        assert store.read("MATCH (:Person {citizen_id: $id})-[:OWNS]->() RETURN count(*)",
                          {"id": TWIN_1}).scalar() == 0
        batches = store.read("MATCH (b:LoadBatch) WHERE b.file_name = '机动车登记_202610.csv' RETURN b.status, "
                             "[b.rows_loaded, b.rows_pending, b.pending_loaded, b.rows_rejected] ORDER BY b.status").rows
        assert batches == [("done", [3, 0, None, 0]), ("superseded", [3, 0, 2, 0])], \
            "month 1: two rows loaded later from the store; reloaded: all three at once"
        assert store.read("MATCH ()-[o:OWNS]->(:Vehicle {plate: '贵A34567'}) RETURN count(o)").scalar() == 1
    finally:
        store.close()
        EmbeddedServer(graph).stop()
    first = [d for d in resolution.list_decisions(connect(app_db)) if d["reviewed_by"] == "reviewer"]
    assert [(d["row"], d["person_id"]) for d in first] == [(3, TWIN_2)]
    again = {d["row"]: d for d in resolution.list_decisions(connect(app_db)) if d["batch_id"] != first[0]["batch_id"]
             and d["file_name"] == "机动车登记_202610.csv"}
    assert (again[3]["outcome"], again[3]["person_id"]) == ("linked", TWIN_2), "the reviewed link carried over"
    assert (again[4]["outcome"], again[4]["person_id"]) == ("linked", WU)
