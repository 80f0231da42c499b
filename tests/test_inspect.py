"""`python -m etl inspect FILE`: what a run would make of a file, loading nothing (issue 12)."""

from __future__ import annotations

import datetime as dt
import re

from etl.__main__ import main
from tests.conftest import GAZETTE, KPI
from tests.test_export_layouts import LAYOUT_B, as_layout


def _inspect(capsys, *args) -> tuple[int, str]:
    code = main(["inspect", *map(str, args)])
    return code, capsys.readouterr().out


def test_a_gazette_issue_by_section(capsys, tmp_path):
    code, out = _inspect(capsys, GAZETTE, "--lake", tmp_path / "lake")
    assert code == 0 and "公报 2022-09" in out
    # figures counted on the printed issue (tests/test_gazette_*.py): 20 indicators, 38 hotlines, 186 events
    for section, n in (("规划专栏1 主要指标", 20), ("热线归并清单（附件1）", 38), ("人事任免", 4), ("大事记", 186)):
        assert re.search(rf"{section}\s+{n} 行", out), section
    assert "material 4 条" in out
    assert not (tmp_path / "lake").exists()  # nothing loaded


def test_another_platforms_export_shows_the_mapping_it_would_use(capsys, tmp_path):
    f = tmp_path / "县平台.csv"
    f.write_bytes(as_layout(LAYOUT_B).write_csv().encode("gb18030"))
    code, out = _inspect(capsys, f, "--lake", tmp_path / "lake", "--as-of", "2024-08-01")
    assert code == 0 and "读入 7 行；12345 工单（gb18030）：载入 7 行，拒收 0 行" in out
    assert "工单号 → 工单编号" in out and "满意度 → 回访结果" in out
    assert not (tmp_path / "lake").exists()


def test_rejects_and_problems_are_shown(capsys, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(KPI.read_text(encoding="utf-8").replace("求助", "吐槽", 1), encoding="utf-8")
    code, out = _inspect(capsys, f, "--as-of", dt.date(2024, 8, 1).isoformat())
    assert code == 0 and "载入 6 行，拒收 1 行" in out and "未知诉求类型" in out
    g = tmp_path / "no-time.csv"
    g.write_text("工单编号,受理日期,诉求类型\nA1,2024-03-05,咨询\n", encoding="utf-8")
    code, out = _inspect(capsys, g)
    assert (
        code == 1
        and "受理日期 → 未识别，不载入（最接近：受理时间" in out
        and "rejected: no-time.csv: missing required column(s) 受理时间" in out
    )
    link = tmp_path / "link.csv"
    link.symlink_to(f)
    code, out = _inspect(capsys, link)
    assert code == 1 and "symbolic link" in out
