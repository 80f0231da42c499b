"""An export of any size is read as a stream (issue 17): in batches of rows, a GB18030 file decoded a block at a time.
Whatever the batch or block size, the result is that of reading the whole file at once."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from etl.sources import encoding, hotline
from tests.test_faults import HEADER, _csv, _row

RUN = dt.datetime(2024, 8, 1)


def _export() -> bytes:
    """Ten rows. S1 comes twice, the same (rows 2 and 9): one is kept. S2 comes twice and differs (rows 3 and 8): both
    are rejected. S5 has an unknown 诉求类型 (row 6). With batches of 3 rows the repeats fall in different batches."""
    rows = [
        _row("S1"),
        _row("S2"),
        _row("S3"),
        _row("S4", 诉求内容="电话 13912345678 回访"),
        _row("S5", 诉求类型="吐槽"),
        _row("S6", 所属区县="宣威"),
        _row("S2", 事项分类="社会保障"),
        _row("S1"),
        _row("S7"),
    ]
    return _csv(*rows)


@pytest.mark.parametrize("batch_rows", [1, 3, 4, 1000])
def test_batches_give_what_the_whole_file_gives(tmp_path, batch_rows):
    path = tmp_path / "工单.csv"
    path.write_bytes(_export())
    out = tmp_path / "staging" / "hotline" / "file=x"
    res = hotline.extract(path, "salt", RUN, out_dir=out, batch_rows=batch_rows)
    tickets = pl.read_parquet(out / "tickets.parquet")
    # worked out from the rows above: 9 rows in; S2's two rows and S5 rejected; S1 once
    assert (res.rows_in, res.rows_loaded, res.rows_rejected) == (9, 5, 3)
    assert sorted(tickets["ticket_id"]) == ["S1", "S3", "S4", "S6", "S7"]
    assert tickets.filter(pl.col("ticket_id") == "S1")["source_row"].to_list() == [2]  # the first of the two
    assert tickets.filter(pl.col("ticket_id") == "S6")["county"].to_list() == ["宣威市"]
    assert "13912345678" not in " ".join(tickets["content"].drop_nulls())
    rejects = res.problems.select("row", "column", "reason").rows()
    assert rejects == [
        (3, "工单编号", "同一文件内同一工单编号出现多次且内容不同"),
        (6, "诉求类型", "未知诉求类型"),
        (8, "工单编号", "同一文件内同一工单编号出现多次且内容不同"),
    ]
    whole = hotline.extract(path, "salt", RUN)  # in memory, one batch
    assert whole.tables["tickets"].sort("ticket_id").equals(tickets.sort("ticket_id"))
    assert whole.problems.equals(res.problems)


def test_header_only_export_stages_an_empty_table(tmp_path):
    path = tmp_path / "工单.csv"
    path.write_bytes((HEADER + "\n").encode())
    out = tmp_path / "hotline" / "file=x"
    res = hotline.extract(path, "salt", RUN, out_dir=out, batch_rows=2)
    assert res.rows_loaded == 0 and pl.read_parquet(out / "tickets.parquet").schema == pl.Schema(hotline.TICKET_SCHEMA)


def test_gb18030_decoded_in_blocks(tmp_path, monkeypatch):
    """Blocks of 7 bytes split the two- and four-byte characters of GB18030 in every possible place."""
    monkeypatch.setattr(encoding, "BLOCK", 7)
    text = HEADER + "\n" + _row("G1", 诉求内容="小区停水，𠀀字（四字节）") + "\n"
    src = tmp_path / "gb.csv"
    src.write_bytes(text.encode("gb18030"))
    out = tmp_path / "utf8.csv"
    assert encoding.transcode(src, out, "gb.csv") == "gb18030"
    assert out.read_text(encoding="utf-8") == text
    res = hotline.extract(src, "salt", RUN, batch_rows=1)
    assert res.summary.startswith("12345 工单（gb18030）：载入 1 行")
    assert res.tables["tickets"]["content"].to_list() == ["小区停水，𠀀字（四字节）"]


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_a_damaged_byte_is_placed_as_in_one_piece(tmp_path, monkeypatch, codec):
    """Line 4 of 150 carries a byte that is neither encoding: the streamed decoder names the same line and offset as
    decoding the whole file, and only that row is rejected."""
    rows = [_row(f"D{i}") for i in range(1, 150)]
    data = bytearray(("\n".join([HEADER, *rows]) + "\n").encode(codec))
    at = data.index(b"\nD3,") + 2
    data[at:at] = b"\xff"
    src = tmp_path / "d.csv"
    src.write_bytes(bytes(data))
    whole_label = encoding.decode(bytes(data), "d.csv")[1]
    monkeypatch.setattr(encoding, "BLOCK", 64)
    label = encoding.transcode(src, tmp_path / "out.csv", "d.csv")
    assert label == whole_label
    assert f"first at line 4, byte 2 of the line (offset {at})" in label
    res = hotline.extract(src, "salt", RUN, batch_rows=10)
    assert (res.rows_loaded, res.rows_rejected) == (148, 1)
    assert set(res.problems["row"]) == {4}


def test_not_an_encoding_at_all_is_refused_with_the_place(tmp_path, monkeypatch):
    """A byte that neither encoding knows on every line: far more than 1% of the lines, so the file is refused, naming
    the first bad byte (the first of line 1)."""
    data = b"\n".join(b"\xff" + line.encode() for line in [HEADER, *(_row(f"U{i}") for i in range(200))])
    src = tmp_path / "u16.csv"
    src.write_bytes(data)
    message = r"u16.csv: neither UTF-8 nor GB18030 \(first undecodable byte at line 1, byte 1 of the line \(offset 0\)\)"
    with pytest.raises(encoding.Undecodable, match=message):
        encoding.decode(data, "u16.csv")
    monkeypatch.setattr(encoding, "BLOCK", 16)
    with pytest.raises(encoding.Undecodable, match=message):
        encoding.transcode(src, tmp_path / "out.csv", "u16.csv")
