"""月度简报: one month of the city or one county as a leader reads it on paper, an A4 PDF and the same content as an
editable Word file. Built by `python -m etl brief`, by the scheduler (etl.brief_job) and by the 下载简报 button on 总览
and 区县画像 (dashboard.views.briefing), all through build()."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dashboard.brief.model import Briefing

FORMATS = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@dataclass(frozen=True)
class Files:
    brief: Briefing
    pdf: bytes
    docx: bytes

    def named(self) -> dict[str, bytes]:
        return {f"{self.brief.stem}.pdf": self.pdf, f"{self.brief.stem}.docx": self.docx}


def build(month: dt.date, counties=(), departments=(), generated_at: dt.datetime | None = None) -> Files:
    """Both files of one briefing. The logged-in user's scope (dashboard.auth) narrows every query it makes."""
    from dashboard.brief import content, pdf, word

    b = content.gather(month, counties, departments, generated_at)
    return Files(b, pdf.render(b), word.render(b))
