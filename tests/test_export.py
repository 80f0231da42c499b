"""The one export helper: BOM, formula neutralisation, XLSX that opens."""

import io

import polars as pl

from dashboard.export import neutralise, safe_filename, to_csv_bytes, to_xlsx_bytes

ROWS = pl.DataFrame(
    {
        "名称": ["=SUM(A1)", "+86 123", "-1", "@cmd", "正常", "a=b"],
        "数量": [1, -2, 3, 4, 5, 6],
        "领导": [["吴静", "陈志"], [], ["李先祥"], [], [], []],
    }
)


def test_csv_has_bom_and_chinese_header():
    data = to_csv_bytes(ROWS)
    assert data[:3] == b"\xef\xbb\xbf"
    text = data[3:].decode("utf-8")
    assert text.splitlines()[0] == "名称,数量,领导"


def test_formula_cells_neutralised_numbers_untouched():
    out = neutralise(ROWS)
    assert out["名称"].to_list() == ["'=SUM(A1)", "'+86 123", "'-1", "'@cmd", "正常", "a=b"]
    assert out["数量"].to_list() == [1, -2, 3, 4, 5, 6]
    assert out["领导"].to_list() == ["吴静、陈志", "", "李先祥", "", "", ""]
    back = pl.read_csv(io.BytesIO(to_csv_bytes(ROWS)[3:]))
    assert back.height == ROWS.height and back["名称"][0] == "'=SUM(A1)"


def test_xlsx_is_a_workbook():
    data = to_xlsx_bytes(ROWS)
    assert data[:2] == b"PK"
    assert b"xl/worksheets/sheet1.xml" in data


def test_filenames_say_what_and_which_filter():
    assert safe_filename("大事记", "2022-08-01", "宣威市") == "大事记_2022-08-01_宣威市"
    assert safe_filename("a/b: c") == "a-b-c"


def test_times_are_written_as_excel_reads_them():
    import datetime as dt

    df = pl.DataFrame({"受理时间": [dt.datetime(2025, 2, 22, 17, 21, 31)], "日期": [dt.date(2022, 8, 1)]})
    assert to_csv_bytes(df)[3:].decode().splitlines()[1] == "2025-02-22 17:21:31,2022-08-01"
