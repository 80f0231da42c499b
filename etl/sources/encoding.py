"""The one decoder of every text input (CSV exports, the gazette, a file's first line when it is described):
UTF-8 with or without BOM, else GB18030/GBK, the two encodings these documents come in. A file that is
neither but damaged in a few places only (a byte broken in transfer) may be decoded with those bytes marked
(`tolerate_damage`), so that only the rows holding them are rejected."""

from __future__ import annotations

ENCODINGS = ("utf-8-sig", "gb18030")
# a row holding a byte that could not be decoded carries this character in the cell (and is rejected)
UNDECODABLE = "\ufffd"
DAMAGED = "undecodable bytes"


class Undecodable(ValueError):
    """Neither UTF-8 nor GB18030; the message names the source and where the first bad byte is."""


def where(raw: bytes, offset: int) -> str:
    """A byte offset as an operator finds it in an editor: line, byte within the line, and the offset."""
    newline = b"\n"
    line_start = raw.rfind(newline, 0, offset) + 1
    return f"line {raw.count(newline, 0, offset) + 1}, byte {offset - line_start + 1} of the line (offset {offset})"


def decode(raw: bytes, name: str, tolerate_damage: bool = True) -> tuple[str, str]:
    """(text, encoding). With tolerate_damage, damage on at most 1% of the lines is decoded with the bad bytes
    marked (UNDECODABLE) and the encoding returned says where the first one is; more is the wrong encoding."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as e:
        first_bad = e.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    refused = Undecodable(f"{name}: neither UTF-8 nor GB18030 (first undecodable byte at {where(raw, first_bad)})")
    if not tolerate_damage:
        raise refused
    candidates = [(raw.decode(enc, errors="replace"), enc) for enc in ENCODINGS]
    text, enc = min(candidates, key=lambda c: c[0].count(UNDECODABLE))
    lines = text.split("\n")
    bad = sum(UNDECODABLE in line for line in lines)
    if bad > max(1, len(lines) // 100):  # damage on more than 1% of the lines: the wrong encoding, not a broken byte
        raise refused
    if enc == "gb18030":
        first_bad = len(text[: text.index(UNDECODABLE)].encode("gb18030", errors="replace"))
    label = enc.removesuffix("-sig")
    return text, f"{label}, {DAMAGED} on {bad} line(s) (first at {where(raw, first_bad)}; those rows are rejected)"


def decode_text(raw: bytes, name: str) -> str:
    """Text that must decode whole (the gazette: its structure, not rows, would be lost)."""
    return decode(raw, name, tolerate_damage=False)[0]
