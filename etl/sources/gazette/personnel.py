"""人事任免: '- 马国庆 任曲靖市行政学院院长。' / '- 杨中华 免去曲靖市行政学院院长职务。'"""

from __future__ import annotations

import re

from etl.sources.gazette.documents import Document
from etl.sources.gazette.text import Line

_ROW = re.compile(r"^[-－·•]?\s*(?P<name>[\u3400-\u9fff·]{2,5})\s+(?P<verb>任|免去)(?P<post>.+?)。?$")


def parse_personnel(lines: list[Line], docs: list[Document], source: str):
    rows, unread = [], []
    for d in docs:
        if d.doc_type != "曲政任":
            continue
        for ln in lines[d.start : d.end]:
            t = ln.text.strip()
            if not t.startswith(("-", "－", "·", "•")):
                continue
            m = _ROW.match(t)
            if not m:
                unread.append((ln.no, t))
                continue
            post = m.group("post")
            action = "任" if m.group("verb") == "任" else "免"
            if action == "免" and post.endswith("职务"):
                post = post[: -len("职务")]
            rows.append(
                {
                    "doc_no": d.doc_no,
                    "name": m.group("name"),
                    "action": action,
                    "post": post,
                    "text": t.lstrip("-－·• "),
                    "source_line": ln.no,
                }
            )
    return rows, unread
