"""Issue 12, the calendar after 2026: a year without an official schedule is provisional (weekends only, every
ticket in it flagged, the pages say so and what to do), and entering the year in holidays_override.csv and
re-running recomputes its deadlines. Nothing here depends on the wall clock: the run's time is --as-of."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import calendar as cal
from etl.pipeline import run
from tests.conftest import fetch, serving

HEADER = "工单编号,受理时间,受理渠道,诉求类型,事项分类,所属区县,承办单位,办理方式,派单时间,签收时间,退单时间,办结时间,延期次数,回访结果,诉求内容,来电人,联系电话"
# 咨询: at most 3 working days. Received Friday 5 Feb 2027, closed Friday 12 Feb.
TICKET = "Y1,2027-02-05 10:00:00,电话,咨询,社会保障,宣威市,市甲局,派单,2027-02-05 10:10:00,2027-02-05 10:40:00,,2027-02-12 10:00:00,0,满意,咨询社保,,"
RUN_TIME = dt.datetime(2027, 3, 1, 9, 0)

# A made-up 2027 schedule (the real one is not published yet): Mon 8 – Fri 12 February off, Sunday 7 February worked.
MADE_UP_2027 = "date,kind,name\n" + "".join(f"2027-02-{d:02d},holiday,春节\n" for d in range(8, 13)) + "2027-02-07,workday,春节\n"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "12345_2027-02.csv").write_text(HEADER + "\n" + TICKET + "\n", encoding="utf-8")
    return folder


def _ticket(db: Path) -> tuple:
    return fetch(db, "SELECT deadline_at::VARCHAR, closed_on_time, calendar_provisional FROM hotline_ticket WHERE ticket_id = 'Y1'")[0]


def test_a_2027_ticket_is_provisional_until_the_year_is_entered(inbox, tmp_path, monkeypatch):
    db, lake = tmp_path / "w.duckdb", tmp_path / "lake"
    run(inbox, db, lake, as_of=RUN_TIME)
    # weekends only: Mon 8 (1), Tue 9 (2), Wed 10 (3) -> due 10 Feb 23:59:59; closed on the 12th: late
    assert _ticket(db) == ("2027-02-10 23:59:59", False, True)
    # the calendar runs to the end of the year after the run (2028), and both years say what to do
    assert fetch(db, "SELECT max(date)::VARCHAR FROM calendar") == [("2028-12-31",)]
    notes = fetch(db, "SELECT location, message FROM dq_finding WHERE check_name = 'calendar_fallback' ORDER BY 1")
    assert [n[0] for n in notes] == ["calendar 2027", "calendar 2028"]
    assert "holidays_override.csv" in notes[0][1] and "holiday" in notes[0][1] and "workday" in notes[0][1]

    with serving(db, monkeypatch):
        at = AppTest.from_string("from dashboard.views.hotline import render\nrender()\n", default_timeout=60).run()
        assert not at.exception
        warning = next(w.value for w in at.warning if "临时" in w.value)
        assert "1 件" in warning and "2027" in warning and "holidays_override.csv" in warning
        at = AppTest.from_string("from dashboard.views.status import render\nrender()\n", default_timeout=60).run()
        assert any("2027 年的法定节假日" in w.value for w in at.warning)
        years = next(df.value for df in at.dataframe if "节假日来源" in df.value.columns)
        assert dict(zip(years["年份"], years["节假日来源"], strict=True))[2027] == "临时：仅周末休息"

    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "holidays_override.csv").write_text(MADE_UP_2027, encoding="utf-8")
    monkeypatch.setattr(cal, "REFERENCE_DIR", reference)
    run(inbox, db, lake, as_of=RUN_TIME)  # the same lake, the year entered
    # Sun 7 (1, worked), 8–12 off, Mon 15 (2), Tue 16 (3) -> due 16 Feb 23:59:59; closed on the 12th: on time
    assert _ticket(db) == ("2027-02-16 23:59:59", True, False)
    assert [n[0] for n in fetch(db, "SELECT location FROM dq_finding WHERE check_name = 'calendar_fallback'")] == ["calendar 2028"]


def test_the_future_is_judged_at_the_run_time_not_the_clock(inbox, tmp_path):
    """A receipt is 'in the future' only against the run's time: the same file run as of 2027-02-01 rejects the
    ticket, as of 2027-03-01 loads it, whatever day the test runs on."""
    db, lake = tmp_path / "w.duckdb", tmp_path / "lake"
    run(inbox, db, lake, as_of=dt.datetime(2027, 2, 1))
    assert fetch(db, "SELECT count(*) FROM hotline_ticket") == [(0,)]
    assert fetch(db, "SELECT DISTINCT reason FROM hotline_reject") == [("时间晚于本次运行时刻（未来日期）",)]
    run(inbox, db, lake, as_of=RUN_TIME)
    assert fetch(db, "SELECT count(*) FROM hotline_ticket") == [(1,)]
