"""The documents of an issue (文号, title, date issued) and the line range each one covers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from etl.sources.gazette.text import DATE_LINE, DOC_NO, Line, normalise, squash


@dataclass(frozen=True)
class Document:
    doc_no: str
    doc_type: str  # 曲政发, 曲政办发, 曲政办规, 曲政任
    title: str
    issued_on: dt.date | None
    start: int  # index of the title line
    end: int  # index one past the document's last line
    line_no: int  # source line of the 文号


def find_documents(lines: list[Line], body_end: int) -> list[Document]:
    """Each 文号 line opens a document; its title is the nearest non-blank line above it.

    The date issued is the first stand-alone 'YYYY年M月D日' line of the document (the signature),
    which is printed either right after the cover letter or at the end of the text.
    """
    heads: list[tuple[int, int, str, str]] = []  # (title index, doc_no index, doc_no, type)
    for i in range(body_end):
        m = DOC_NO.match(normalise(lines[i].text))
        if not m:
            continue
        t = i - 1
        while t >= 0 and not lines[t].text.strip():
            t -= 1
        heads.append((t, i, f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号", m.group(1)))  # one spelling of a 文号

    docs = []
    for k, (t, i, doc_no, doc_type) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else body_end
        issued = None
        for ln in lines[i + 1 : end]:
            m = DATE_LINE.match(normalise(ln.text))
            if m:
                issued = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                break
        docs.append(Document(doc_no, doc_type, squash(lines[t].text), issued, t, end, lines[i].no))
    return docs


def document_at(docs: list[Document], index: int) -> Document | None:
    for d in docs:
        if d.start <= index < d.end:
            return d
    return None
