"""The Chinese fonts a briefing embeds: Noto Sans CJK SC (and Noto Serif CJK SC for titles) from Debian's fonts-noto-cjk,
found through fontconfig, or the files named by $DASHBOARD_BRIEF_FONT / $DASHBOARD_BRIEF_FONT_BOLD. The PDF embeds a
subset of each, so its text is selectable and searchable; the Word file names the fonts an office PC has."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# faces asked of fontconfig: (family and style, environment variable that overrides it)
FACES = {
    "regular": ("Noto Sans CJK SC:style=Regular", "DASHBOARD_BRIEF_FONT"),
    "bold": ("Noto Sans CJK SC:style=Bold", "DASHBOARD_BRIEF_FONT_BOLD"),
    "title": ("Noto Serif CJK SC:style=Bold", "DASHBOARD_BRIEF_FONT_TITLE"),
}
SANS = "Noto Sans CJK SC"  # the family matplotlib draws chart text in
# what the Word file asks for: fonts found on a government office PC (Word substitutes where one is missing)
WORD_BODY, WORD_HEADING, WORD_TITLE = "仿宋", "黑体", "宋体"


class FontMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Face:
    path: Path
    index: int  # the face's number inside a .ttc collection


def _fontconfig(pattern: str) -> Face | None:
    if not shutil.which("fc-match"):
        return None
    out = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{family}", pattern], capture_output=True, text=True, timeout=20).stdout
    parts = out.split("\t")
    if len(parts) < 3 or "CJK" not in parts[2] or not Path(parts[0]).is_file():
        return None  # fontconfig falls back to any font: only a CJK face will do
    return Face(Path(parts[0]), int(parts[1] or 0))


@cache
def face(kind: str) -> Face:
    pattern, env = FACES[kind]
    if os.environ.get(env):
        path, _, index = os.environ[env].partition(":")
        if not Path(path).is_file():
            raise FontMissing(f"{env}={os.environ[env]}：字体文件不存在")
        return Face(Path(path), int(index or 0))
    found = _fontconfig(pattern) or (_fontconfig(FACES["regular"][0]) if kind != "regular" else None)
    if found is None:
        raise FontMissing(
            "生成简报需要中文字体 Noto Sans CJK SC：请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk），"
            f"或用环境变量 {env} 指定字体文件（路径:集合内序号）。"
        )
    return found
