"""What a run takes from the inbox: regular files only, each within the size limit, names shown safely.

The inbox is a folder other people and systems write into, so nothing in it is trusted: a symbolic link
is never followed (a link to /etc/passwd must not reach the run log), a FIFO or device is never opened,
and hidden files or folders named like data files are reported, not silently passed over.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

# A file larger than this is refused unread (DASHBOARD_MAX_INPUT_MB overrides it). CSV exports are read as a stream, so
# the limit guards the disk (a GB18030 file is decoded into a temporary UTF-8 copy), not memory: a year of the
# whole city (10 M tickets) is about 2.6 GB. A year of one county's
# 12345 exports is far below it; the limit stops a runaway or hostile file from exhausting memory and disk.
DEFAULT_MAX_INPUT_MB = 8192


def max_input_bytes() -> int:
    return int(float(os.environ.get("DASHBOARD_MAX_INPUT_MB") or DEFAULT_MAX_INPUT_MB) * 1024 * 1024)


def printable(text: str) -> str:
    """Text safe for one log line: control characters (a newline in a file name) shown escaped, so a
    name can never start a forged line in the log or the run log."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in text)


@dataclass(frozen=True)
class Entry:
    path: Path
    status: str  # "file" (to be read), "skipped" or "rejected"
    message: str = ""


def scan(inbox: Path) -> list[Entry]:
    """Every entry of the inbox, sorted by name: regular files to read, the rest skipped or rejected with
    the reason (lstat only: nothing is followed or opened here)."""
    limit = max_input_bytes()
    out = []
    for path in sorted(inbox.iterdir(), key=lambda p: p.name):
        name = printable(path.name)
        st = path.lstat()
        hidden = path.name.startswith(".")
        if stat.S_ISLNK(st.st_mode):
            out.append(Entry(path, "skipped", f"{name}: a symbolic link; links are never followed, copy the file itself into the inbox"))
        elif stat.S_ISDIR(st.st_mode):
            if hidden and not _looks_like_data(path.name):
                continue  # .git, .DS_Store-like folders: nothing an operator dropped
            out.append(Entry(path, "skipped", f"{name}: a folder, not a file; put the files themselves in the inbox"))
        elif not stat.S_ISREG(st.st_mode):
            out.append(Entry(path, "skipped", f"{name}: not a regular file (pipe, socket or device); ignored"))
        elif hidden:
            if _looks_like_data(path.name):
                out.append(Entry(path, "skipped", f"{name}: a hidden file (name starts with '.'); rename it to load it"))
        elif st.st_size > limit:
            out.append(
                Entry(
                    path,
                    "rejected",
                    f"{name}: {st.st_size / 1024 / 1024:,.0f} MB is over the input limit of {limit / 1024 / 1024:,.0f} MB "
                    "(DASHBOARD_MAX_INPUT_MB); split the export by month",
                )
            )
        else:
            out.append(Entry(path, "file"))
    return out


def _looks_like_data(name: str) -> bool:
    return name.lower().rstrip("#~").endswith((".csv", ".xlsx", ".txt"))


def read_head(path: Path, size: int = 65536) -> bytes:
    """The first bytes of a file, for sniffing what it is without reading it whole."""
    with open(path, "rb") as fh:
        return fh.read(size)
