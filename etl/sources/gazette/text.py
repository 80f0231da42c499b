"""Line-level helpers for the gazette's plain text: numbering, joining wrapped text, locating sections."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CJK = r"\u3400-\u9fff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}（）()《》“”、，。：；])\s+(?=[{CJK}（）()《》“”、，。：；])")
_ISSUE_LINE = re.compile(r"^(\d{4})\s*(?:[.．]|年\s*第)\s*(\d{1,2})\s*期?$")
DOC_NO = re.compile(r"^(曲政发|曲政办发|曲政办规|曲政任)\s*[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*(\d+)\s*号$")
DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


class GazetteFormatError(ValueError):
    """The file is not a gazette issue this parser understands (names file and line)."""


@dataclass(frozen=True)
class Line:
    no: int  # 1-based line number in the source file
    text: str  # stripped of trailing whitespace only; tabs kept

    @property
    def cells(self) -> list[str]:
        return [c.strip() for c in self.text.split("\t")]


def read_lines(raw: str) -> list[Line]:
    return [Line(i + 1, t.rstrip()) for i, t in enumerate(raw.splitlines())]


def squash(text: str) -> str:
    """Remove the spaces that the print layout put between Chinese characters (keeps 'A 12345' spacing)."""
    return _SPACE_BETWEEN_CJK.sub("", text.strip())


def compact(text: str) -> str:
    """All whitespace removed: for matching figures in running text."""
    return re.sub(r"\s+", "", text)


def normalise(text: str) -> str:
    """Full-width digits, letters, punctuation and spaces folded to their usual forms (NFKC), for matching."""
    return unicodedata.normalize("NFKC", text).strip()


def find_issue(lines: list[Line], source: str) -> tuple[int, int]:
    """The issue's year and month from the cover ('2022.9', '２０２３．１', '2022年第12期')."""
    for line in lines[:80]:
        m = _ISSUE_LINE.match(normalise(line.text))
        if m:
            return int(m.group(1)), int(m.group(2))
    raise GazetteFormatError(f"{source}: no issue line such as '2022.9' in the first 80 lines of the cover")
