"""The one decoder of every text input (CSV exports, the gazette, a file's first line when it is described):
UTF-8 with or without BOM, else GB18030/GBK, the two encodings these documents come in. A file that is
neither but damaged in a few places only (a byte broken in transfer) may be decoded with those bytes marked
(`tolerate_damage`), so that only the rows holding them are rejected."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ENCODINGS = ("utf-8-sig", "gb18030")
# a row holding a byte that could not be decoded carries this character in the cell (and is rejected)
UNDECODABLE = "\ufffd"
DAMAGED = "undecodable bytes"
BLOCK = 1 << 24  # bytes read at a time when a file is decoded in a stream
BOM = b"\xef\xbb\xbf"


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


def _blocks(path: Path, start: int = 0) -> Iterator[bytes]:
    """The file's bytes from start, a block at a time; the next block is read in a thread (file reads release the
    GIL) while the caller decodes this one."""
    with open(path, "rb") as fh, ThreadPoolExecutor(max_workers=1) as pool:
        fh.seek(start)
        ahead = pool.submit(fh.read, BLOCK)
        while block := ahead.result():
            ahead = pool.submit(fh.read, BLOCK)
            yield block


def where_in_file(path: Path, offset: int) -> str:
    """where() for a file too large to hold: reads it up to offset, in blocks."""
    lines, line_start, seen = 1, 0, 0
    for block in _blocks(path):
        part = block[: max(0, offset - seen)]
        lines += part.count(b"\n")
        last = part.rfind(b"\n")
        if last >= 0:
            line_start = seen + last + 1
        seen += len(block)
        if seen >= offset:
            break
    return f"line {lines}, byte {offset - line_start + 1} of the line (offset {offset})"


def _stream(path: Path, encoding: str, errors: str, out=None) -> tuple[int | None, int, int]:
    """Decodes path block by block (writing UTF-8 to out when given). Strict: (offset of the first bad byte or
    None, 0, lines). With errors='replace': (offset of the first bad byte, lines holding one, lines)."""
    with open(path, "rb") as fh:
        start = len(BOM) if encoding == "utf-8" and fh.read(3) == BOM else 0
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    consumed, bad_lines, lines, first_bad, open_line_bad = start, 0, 1, None, False
    writing = None  # the previous block's UTF-8, written in a thread while this one is decoded
    with ThreadPoolExecutor(max_workers=1) as pool:
        for block, final in _with_last(_blocks(path, start)):
            pending = len(decoder.getstate()[0])  # bytes of a character split across blocks, carried over
            try:
                text = decoder.decode(block, final)
            except UnicodeDecodeError as e:
                return consumed - pending + e.start, 0, lines
            if writing is not None:
                writing.result()
            if out is not None:
                writing = pool.submit(out.write, text.encode("utf-8"))
            if UNDECODABLE in text:
                if first_bad is None:
                    prefix = text[: text.index(UNDECODABLE)]
                    first_bad = consumed - pending + len(prefix.encode(encoding, errors="replace"))
                parts = text.split("\n")
                flags = [UNDECODABLE in part for part in parts]
                flags[0] = flags[0] or open_line_bad
                bad_lines += sum(flags[:-1])
                open_line_bad = flags[-1]
            elif "\n" in text:
                bad_lines += open_line_bad
                open_line_bad = False
            lines += text.count("\n")
            consumed += len(block)
        if writing is not None:
            writing.result()
    return first_bad, bad_lines + open_line_bad, lines


def _with_last(blocks: Iterator[bytes]) -> Iterator[tuple[bytes, bool]]:
    previous = next(blocks, None)
    if previous is None:
        yield b"", True
        return
    for block in blocks:
        yield previous, False
        previous = block
    yield previous, True


def transcode(src: Path, dst: Path, name: str) -> str:
    """decode() for a file of any size: src written to dst as UTF-8 a block at a time, so memory does not grow with
    the file. Returns the encoding as decode() names it; raises Undecodable as decode() does."""
    with open(dst, "wb") as out:
        first_bad, _, _ = _stream(src, "utf-8", "strict", out)
    if first_bad is None:
        return "utf-8"
    with open(dst, "wb") as out:
        if _stream(src, "gb18030", "strict", out)[0] is None:
            return "gb18030"
    refused = Undecodable(f"{name}: neither UTF-8 nor GB18030 (first undecodable byte at {where_in_file(src, first_bad)})")
    damage = {enc: _stream(src, enc, "replace") for enc in ("utf-8", "gb18030")}
    enc = min(damage, key=lambda e: damage[e][1])
    first, bad, lines = damage[enc]
    if bad > max(1, lines // 100):  # as decode(): more than 1% of the lines is the wrong encoding
        raise refused
    with open(dst, "wb") as out:
        _stream(src, enc, "replace", out)
    first_bad = first if enc == "gb18030" else first_bad
    return f"{enc}, {DAMAGED} on {bad} line(s) (first at {where_in_file(src, first_bad)}; those rows are rejected)"
