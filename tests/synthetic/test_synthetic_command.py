"""The typer command writes the county and reports in Chinese and English."""
import typer
from typer.testing import CliRunner

from reliefgraph.synthetic.command import generate_command


def _app():
    app = typer.Typer()
    app.command()(generate_command)
    return app


def test_command_writes_files_and_summary(tmp_path):
    res = CliRunner().invoke(_app(), ["--persons", "1500", "--seed", "2", "--out", str(tmp_path / "x")])
    assert res.exit_code == 0, res.output
    assert "已写入" in res.output and "written" in res.output and "gongan_huji.csv" in res.output
    assert (tmp_path / "x" / "_truth" / "truth.csv").exists() and (tmp_path / "x" / "README.md").exists()


def test_command_refuses_a_small_mashan_county(tmp_path):
    res = CliRunner().invoke(_app(), ["--scenario", "mashan", "--persons", "5000", "--out", str(tmp_path)])
    assert res.exit_code == 2
    assert "马山" in res.output and "--persons" in res.output


def test_command_writes_the_second_layout(tmp_path):
    res = CliRunner().invoke(_app(), ["--persons", "1500", "--seed", "2", "--layout", "b", "--out", str(tmp_path / "b")])
    assert res.exit_code == 0, res.output
    assert "社会救助对象花名册.csv" in res.output and "gongan_huji.csv" not in res.output
    assert (tmp_path / "b" / "车辆档案信息.csv").exists() and not (tmp_path / "b" / "gongan_jidongche.csv").exists()
    res = CliRunner().invoke(_app(), ["--layout", "z", "--out", str(tmp_path / "z")])
    assert res.exit_code == 2 and "版式" in res.output and "layout" in res.output
