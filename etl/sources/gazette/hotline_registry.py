"""附件1 of the hotline work plan: the merged-hotline list (归并清单), one row per hotline.

A note (备注) is printed once for a run of rows that share it: it applies to every following row of
the same group until the next printed note.
"""

from __future__ import annotations

import re

from etl.sources.gazette.checks import count_finding
from etl.sources.gazette.text import Line, compact

CHECK = "hotline_list_count"

_LIST_TITLE = re.compile(r"热线归并清单[（(]共\s*(\d+)\s*条[)）]")
_GROUP = re.compile(r"^[一二三四五六七八九十]+、\s*(?P<type>[^（(]+?)类\s*[（(]\s*(?P<n>\d+)\s*条\s*(?:[，,](?P<note>[^)）]*))?[)）]")
_NUMBER_SPLIT = re.compile(r"[、,，/／\s]+")


def parse_hotline_lines(lines: list[Line], source: str):
    """Returns (rows, findings-as-dicts, unread lines)."""
    title_i = next((i for i, ln in enumerate(lines) if _LIST_TITLE.search(compact(ln.text))), None)
    if title_i is None:
        return [], [], []
    printed_total = int(_LIST_TITLE.search(compact(lines[title_i].text)).group(1))
    rows, findings, unread = [], [], []
    group = None
    groups: list[dict] = []
    header: list[str] | None = None
    note = None
    for ln in lines[title_i + 1 :]:
        t = ln.text.strip()
        if not t:
            continue
        g = _GROUP.match(compact(t))
        if g:
            group = {"type": g.group("type"), "printed": int(g.group("n")), "note": g.group("note"), "line": ln.no}
            groups.append(group)
            header, note = None, None
            continue
        cells = ln.cells
        if cells[0] == "序号":
            header = cells
            continue
        if group is None or header is None or not cells[0].isdigit():
            break  # the list has ended (the next annex starts)
        rec = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))
        name, numbers, dept = rec.get("名称", ""), rec.get("号码", ""), rec.get("责任单位", "")
        if not (name and numbers and dept):
            unread.append((ln.no, t))
            continue
        if rec.get("备注"):
            note = rec["备注"]
        rows.append(
            {
                "group_seq": int(cells[0]),
                "name": name,
                "numbers": [n for n in _NUMBER_SPLIT.split(numbers) if n],
                "numbers_text": numbers,
                "department": dept,
                "merge_type": group["type"],
                "note": note,
                "note_printed": bool(rec.get("备注")),
                "group_note": group["note"],
                "source_line": ln.no,
            }
        )
        group.setdefault("rows", 0)
        group["rows"] += 1

    where = f"line {lines[title_i].no}"
    if len(rows) != printed_total:
        findings.append(count_finding(source, "hotline", where, printed_total, len(rows), "归并清单标题的条数与解析出的行数不一致", CHECK))
    for g in groups:
        if g.get("rows", 0) != g["printed"]:
            findings.append(
                count_finding(
                    source, "hotline", f"line {g['line']}", g["printed"], g.get("rows", 0), f"{g['type']}类标题的条数与行数不一致", CHECK
                )
            )
    return rows, findings, unread
