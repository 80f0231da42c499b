"""Blank input templates users download, fill in Excel and drop in the inbox."""

from __future__ import annotations

import io

import polars as pl
import xlsxwriter


def concession_template_xlsx(rubric: pl.DataFrame, veto_rules: pl.DataFrame) -> bytes:
    """The wide score sheet: one row per enterprise × period; item headers carry code, name and maximum
    (the ETL reads the leading code). A second sheet lists the rubric, a third the 一票否决 items."""
    headers = ["企业名称", "区县", "考核期间", "考核类型"]
    headers += [f"{r['item_code']} {r['item_name']}（{r['max_points']:g}分）" for r in rubric.iter_rows(named=True)]
    headers += ["一票否决", "备注"]
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True}) as wb:
        bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
        text = wb.add_format({"num_format": "@"})
        ws = wb.add_worksheet("评分表")
        for c, h in enumerate(headers):
            ws.write_string(0, c, h, bold)
            ws.set_column(c, c, 14 if c >= 4 else 18, text if c in (0, 1, 2, 3, len(headers) - 2, len(headers) - 1) else None)
        ws.set_row(0, 60)
        ws.freeze_panes(1, 1)
        ws.write_comment(0, 2, "年度考评填年份，如 2024；季度自评填季度，如 2024Q1")
        ws.write_comment(0, 3, "自评 / 年度考评 / 第三方评估 / 复核")
        ws.write_comment(0, len(headers) - 2, "触发的一票否决项编号，多个用顿号分隔，如 4、10；未触发留空")
        ws.data_validation(1, 3, 1000, 3, {"validate": "list", "source": ["自评", "年度考评", "第三方评估", "复核"]})
        info = wb.add_worksheet("评分细则")
        cols = ["item_code", "group_name", "item_name", "max_points", "method", "basis"]
        for c, h in enumerate(["指标编号", "考核项目", "考核内容", "分值", "评价方法与标准", "评价依据"]):
            info.write_string(0, c, h, bold)
        for r, row in enumerate(rubric.select(cols).iter_rows(), start=1):
            for c, v in enumerate(row):
                info.write(r, c, v)
        veto = wb.add_worksheet("一票否决")
        veto.write_string(0, 0, "编号", bold)
        veto.write_string(0, 1, "情形", bold)
        for r, (no, t) in enumerate(veto_rules.iter_rows(), start=1):
            veto.write(r, 0, no)
            veto.write(r, 1, t)
    return buf.getvalue()
