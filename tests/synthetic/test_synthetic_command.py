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
