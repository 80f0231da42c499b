"""The rural-revitalisation plan's columns (专栏): indicators (1), projects (2–10), investment (11–16)."""

from __future__ import annotations

import re

from etl.sources.gazette.text import Line, compact, squash

COLUMN_TITLE = re.compile(r"^专栏\s*(\d+)\s*(.*)$")
_NUMERIC = re.compile(r"^(?P<cmp>[≥≤><]=?)?\s*(?P<num>-?\d+(?:\.\d+)?)\s*(?P<pct>%)?$")
_PREFIX = re.compile(r"^[一二三四五六七八九十]+、\s*")
_NUMBERED = re.compile(r"^(\d+)[.．、]\s*")
_CLAUSE_SPLIT = re.compile(r"[；;，,。]")
_PROJECT = re.compile(r"^(?P<name>.*?\D)\s*(?P<count>\d+(?:\.\d+)?)\s*(?P<unit>个|件|项|处|座|所)(?P<scale>.*)$")
_HEADING = re.compile(r"^(第[一二三四五六七八九十]+[章节]|专栏)")
_INVEST_TITLE = re.compile(r"(?:(\d{4})\s*[—–-]\s*(\d{4})|(\d{4}))\s*年项目规划投资")
CN_DIGITS = "一二三四五六七八九十"


def parse_number(text: str) -> tuple[float | None, str | None]:
    """'51%' -> 51; '≥ 10' -> (10, '≥'); '—' or '应兜尽兜' -> None (the text is kept by the caller)."""
    m = _NUMERIC.match(text.strip())
    if not m:
        return None, None
    return float(m.group("num")), m.group("cmp")


def column_starts(lines: list[Line], start: int, stop: int) -> dict[int, int]:
    """专栏 number -> index of its first title line (a title repeated after a page break is ignored)."""
    found: dict[int, int] = {}
    for i in range(start, stop):
        m = COLUMN_TITLE.match(lines[i].text.strip())
        if m and int(m.group(1)) not in found:
            found[int(m.group(1))] = i
    return found


def column_title(line: Line) -> str:
    return squash(COLUMN_TITLE.match(line.text.strip()).group(2).replace("\t", " "))


# ---------------------------------------------------------------- 专栏1: indicators
def parse_indicators(lines: list[Line], at: int):
    rows, unread = [], []
    section = None
    i = at + 1
    while i < len(lines) and lines[i].cells[0] != "序号":
        i += 1
    header = lines[i].cells if i < len(lines) else []
    for ln in lines[i + 1 :]:
        t = ln.text.strip()
        if not t:
            continue  # a page break may put blank lines inside the table
        if "\t" not in ln.text:
            break  # the first line of running text ends it
        cells = ln.cells
        if cells[0] in ("—", "-", "－"):
            section = _PREFIX.sub("", cells[1])
            continue
        if not cells[0].isdigit() or len(cells) < 6:
            unread.append((ln.no, t))
            continue
        seq, name, unit, base, target, binding = cells[:6]
        bv, bcmp = parse_number(base)
        tv, tcmp = parse_number(target)
        rows.append(
            {
                "seq": int(seq),
                "section": section,
                "name": squash(name),
                "unit": unit,
                "baseline_text": base,
                "target_text": target,
                "baseline_value": bv,
                "target_value": tv,
                "comparator": tcmp or bcmp,
                "binding": binding,
                "baseline_year": _year(header, 3),
                "target_year": _year(header, 4),
                "unit_mixed": "、" in unit,
                "source_line": ln.no,
            }
        )
    return rows, unread


def _year(header: list[str], k: int) -> int | None:
    m = re.match(r"(\d{4})", header[k]) if len(header) > k else None
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------- 专栏2–9: project counts
def parse_project_column(lines: list[Line], at: int, no: int):
    title = column_title(lines[at])
    rows, group, sub = [], title, None
    for ln in lines[at + 1 :]:
        t = squash(ln.text)
        if not t:
            continue
        if _HEADING.match(t):
            break
        body = t
        if _PREFIX.match(t):  # 一、生产基地项目  /  四、产业服务支撑项目：规划人才培养项目 15 个。
            head, _, body = _PREFIX.sub("", t).partition("：")
            group, sub = head.strip(), None
            if not body:
                continue
        elif _NUMBERED.match(t):  # 1. 特色种植基地项目：规划…
            head, sep, body = _NUMBERED.sub("", t).partition("：")
            if not sep:
                head, body = None, head
            sub = head
        rows.extend(_project_clauses(body, no, group, sub, ln.no))
    return rows


def _project_clauses(body: str, no: int, group: str, sub: str | None, line_no: int) -> list[dict]:
    """'规划特色蔬菜项目 204 个 139 万亩；…' -> one row per counted item; a clause without a count that
    carries a figure ('装机容量 2752kw') belongs to the item before it."""
    out: list[dict] = []
    for clause in _clauses(body):
        if not clause:
            continue
        m = _PROJECT.match(clause)
        if m and not re.search(r"\d", m.group("name")[-1:]):
            name = re.sub(r"^规划(实施)?", "", m.group("name").strip())
            out.append(
                {
                    "column_no": no,
                    "group_name": group,
                    "subgroup": sub,
                    "item": name,
                    "count": float(m.group("count")),
                    "unit": m.group("unit"),
                    "scale_text": m.group("scale").strip() or None,
                    "year": None,
                    "printed": clause,
                    "source_line": line_no,
                }
            )
        elif out and re.search(r"\d", clause):
            extra = clause
            out[-1]["scale_text"] = f"{out[-1]['scale_text']}；{extra}" if out[-1]["scale_text"] else extra
            out[-1]["printed"] += f"，{clause}"
    return out


def _clauses(body: str) -> list[str]:
    """Split on ；，。 and also on 、 where every part is a counted item ('帮扶车间 82 个、作坊 3 个'),
    not where 、 joins words inside one item name ('产地初加工和精深加工、副产物综合利用项目 321 个')."""
    out = []
    for piece in (c.strip() for c in _CLAUSE_SPLIT.split(body)):
        parts = [p.strip() for p in piece.split("、")]
        out.extend(parts if len(parts) > 1 and all(_PROJECT.match(p) for p in parts) else [piece])
    return [c for c in out if c]


# ---------------------------------------------------------------- 专栏10: yearly targets table
def parse_yearly_targets(lines: list[Line], at: int, no: int):
    title = column_title(lines[at])
    rows, years = [], []
    for ln in lines[at + 1 :]:
        t = ln.text.strip()
        if not t:
            continue
        if "\t" not in ln.text:
            break
        cells = ln.cells
        if cells[0] == "项目名称":
            continue
        if not cells[0] and any(re.fullmatch(r"\d{4}", c) for c in cells):
            years = [int(c) for c in cells if re.fullmatch(r"\d{4}", c)]
            continue
        name, unit, scale, *per_year = cells
        rows.append(
            {
                "column_no": no,
                "group_name": title,
                "subgroup": None,
                "item": name,
                "count": parse_number(scale)[0],
                "unit": unit,
                "scale_text": None,
                "year": None,
                "printed": " ".join(c for c in cells if c),
                "source_line": ln.no,
            }
        )
        for y, v in zip(years, per_year, strict=False):
            num = parse_number(v)[0]
            rows.append(
                {
                    "column_no": no,
                    "group_name": title,
                    "subgroup": None,
                    "item": name,
                    "count": num,
                    "unit": unit,
                    "scale_text": None if num is not None else v,
                    "year": y,
                    "printed": v,
                    "source_line": ln.no,
                }
            )
    return rows


# ---------------------------------------------------------------- 专栏11–16: investment tables
def investment_year(title: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, first, last): (2021, 2021, 2021) for a yearly table, (None, 2021, 2025) for the plan total."""
    m = _INVEST_TITLE.search(compact(title))
    if not m:
        return None
    if m.group(3):
        y = int(m.group(3))
        return y, y, y
    return None, int(m.group(1)), int(m.group(2))


def parse_investment_table(lines: list[Line], at: int, no: int):
    """Rows of (category, source, amount) exactly as printed, the 合计 row and column included."""
    kind = investment_year(column_title(lines[at]))
    rows, unread = [], []
    sources: list[str] | None = None
    for ln in lines[at + 1 :]:
        t = ln.text.strip()
        if not t or COLUMN_TITLE.match(t) or compact(t).startswith("单位"):
            continue
        if "\t" not in ln.text:
            break
        cells = [c for c in ln.cells]
        if cells[0] == "项目分类":
            continue
        if not cells[0]:  # the second header line names the funding sources
            sources = ["合计"] + [c for c in cells if c]
            continue
        if sources is None:
            unread.append((ln.no, t, "表头缺少资金来源行"))
            continue
        label = cells[0]
        category_no = 0 if label == "合计" else _cn_number(label)
        category = _PREFIX.sub("", label)
        values = [c for c in cells[1:]]
        if len(values) != len(sources):
            unread.append((ln.no, t, f"应有 {len(sources)} 个金额，实际 {len(values)} 个"))
            continue
        for src, text in zip(sources, values, strict=False):
            amount, _ = parse_number(text.replace(",", ""))
            if amount is None:
                unread.append((ln.no, t, f"列“{src}”不是数字：{text}"))
                continue
            rows.append(
                {
                    "column_no": no,
                    "year": kind[0],
                    "period_start": kind[1],
                    "period_end": kind[2],
                    "category_no": category_no,
                    "category": category,
                    "source": src,
                    "amount_wan": amount,
                    "amount_text": text,
                    "source_line": ln.no,
                }
            )
    return rows, unread


def _cn_number(label: str) -> int | None:
    m = re.match(r"^([一二三四五六七八九十]+)、", label)
    if not m:
        return None
    s = m.group(1)
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + CN_DIGITS.index(s[1]) + 1
    if len(s) == 2 and s.endswith("十"):
        return (CN_DIGITS.index(s[0]) + 1) * 10
    return CN_DIGITS.index(s[0]) + 1


_TEXT_FIGURES = re.compile(
    r"概算总投资(?P<total>[\d.]+)万元.*?财政衔接资金投入(?P<a>[\d.]+)万元[，,]占总投资的(?P<ap>[\d.]+)%"
    r".*?其他财政资金投入(?P<b>[\d.]+)万元[，,]占总投资的(?P<bp>[\d.]+)%"
    r".*?业主投资(?P<c>[\d.]+)万元[，,]占总投资的(?P<cp>[\d.]+)%"
)
# The running text calls the third funding source 业主投资; the tables call it 其他资金.
TEXT_SOURCE_NAMES = {"total": "合计", "a": "财政衔接资金", "b": "其他财政资金", "c": "其他资金"}


def investment_text_figures(lines: list[Line], at: int) -> tuple[int, dict] | None:
    """The paragraph above an investment table states its total, the sources and their shares."""
    i = at - 1
    while i >= 0 and not (_HEADING.match(lines[i].text.strip()) or re.match(r"^[（(][一二三四五六七八九十]+[)）]", lines[i].text.strip())):
        i -= 1
    text = compact("".join(ln.text for ln in lines[i + 1 : at]))
    m = _TEXT_FIGURES.search(text)
    if not m:
        return None
    return lines[i + 1].no, {k: float(v) for k, v in m.groupdict().items()}
