"""人事任免: '- 马国庆 任曲靖市行政学院院长。' / '- 杨中华 免去曲靖市行政学院院长职务。', with or without a list marker
('- ', '·', '1.', '（一）'), half- or full-width, '张三同志任…', '任命张三为…'."""

from __future__ import annotations

import re
import unicodedata

from etl.sources.gazette.documents import Document
from etl.sources.gazette.text import Line

_MARKER = r"(?:[-·•]\s*|\(?[一二三四五六七八九十]+\)\s*|[一二三四五六七八九十]+、\s*|\d{1,3}[.、]\s*)?"
_NAME = r"(?P<name>[\u3400-\u9fff·]{2,5}?)(?:同志)?"
_ROW = re.compile(rf"^{_MARKER}{_NAME}\s*(?P<verb>任|免去|兼任)(?P<post>.*?)。?$")
_APPOINT = re.compile(rf"^{_MARKER}(?P<verb>任命|免去){_NAME}(?:为|的)?(?P<post>.*?)。?$")
# a line of the document body that is an appointment or removal, not its heading, number or signature
_PERSONNEL_LINE = re.compile(r"(任|免去|兼任)")


def parse_personnel(lines: list[Line], docs: list[Document], source: str):
    """Returns (rows, lines no rule parsed, lines that name no post)."""
    rows, unread, no_post = [], [], []
    for d in docs:
        if d.doc_type != "曲政任":
            continue
        for ln in lines[d.start : d.end]:
            t = unicodedata.normalize("NFKC", ln.text).strip()
            if not t or t == "人事任免" or t.startswith(("曲政任", "曲靖市人民政府")) or re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", t):
                continue
            m = _ROW.match(t) or _APPOINT.match(t)
            if not m:
                if _PERSONNEL_LINE.search(t) and len(t) <= 80:
                    unread.append((ln.no, t))
                continue
            post = m.group("post").strip()
            action = "免" if m.group("verb") == "免去" else "任"
            if action == "免" and post.endswith("职务"):
                post = post[: -len("职务")]
            if not post or post in ("其", "其职务"):
                no_post.append((ln.no, t))
                continue
            rows.append(
                {
                    "doc_no": d.doc_no,
                    "name": m.group("name"),
                    "action": action,
                    "post": post,
                    "text": re.sub(rf"^{_MARKER}", "", t),
                    "source_line": ln.no,
                }
            )
    return rows, unread, no_post
