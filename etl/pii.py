"""Personal data: caller phone numbers become a salted hash; numbers inside free text are masked.

The salt comes from DASHBOARD_HASH_SALT, else from <lake>/.caller_salt, created once with a random
value. Keep that file with the lake: a new salt makes earlier and later hashes incomparable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import duckdb
import polars as pl

# Numbers are matched in every form a caller or a clerk types them (the forms NFKC folds together), without
# rewriting the rest of the text: half- and full-width digits, groups split by spaces or dashes, +86.
# Only where not part of a longer run of digits: an 18-character ID number (17 digits + digit/X), any
# 11-digit number starting with 1 (mobiles), landlines such as 0874-3121219 or (0874)3121219.
_D = "[0-9０-９]"
_SEP = "[ \u3000\\-－‐–—]"
_START = "(^|[^0-9０-９])"
_END = "([^0-9０-９]|$)"
_ID = f"{_START}{_D}(?:{_SEP}?{_D}){{16}}{_SEP}?[0-9０-９XxＸｘ]{_END}"
_MOBILE = f"{_START}(?:[+＋]?(?:86|８６){_SEP}?)?[1１](?:{_SEP}?{_D}){{10}}{_END}"
_LANDLINE = f"{_START}(?:[(（][0０]{_D}{{2,3}}[)）]|[0０]{_D}{{2,3}}){_SEP}?{_D}{{7,8}}{_END}"
# text that may hold such a number: seven digits, possibly split by separators (a cheap filter before masking)
MAY_HOLD_NUMBER = f"{_D}(?:{_SEP}?{_D}){{6}}"


def salt(lake_dir: Path) -> str:
    if os.environ.get("DASHBOARD_HASH_SALT"):
        return os.environ["DASHBOARD_HASH_SALT"]
    path = lake_dir / ".caller_salt"
    if not path.exists():
        lake_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(16))
    return path.read_text().strip()


def caller_key_sql(hex_digest: str) -> str:
    """DuckDB expression for the stored caller key from a hex SHA-256: its first 64 bits, as a UBIGINT.
    Enough to tell callers apart (a collision among 10 million callers has odds of about 1 in 300,000) and
    a tenth of the cost of the 64 hex characters to store and to group by. The one definition of the key:
    extraction and the upgrade of older lake partitions both use it."""
    return f"('0x' || left({hex_digest}, 16))::UBIGINT"


# the stored key of each phone (digits only): NULL for none; the first 64 bits of sha256(salt ‖ digits)
CALLER_KEYS = (
    "SELECT CASE WHEN coalesce(phone_digits, '') = '' THEN NULL "
    f"ELSE {caller_key_sql('sha256($salt || phone_digits)')} END AS caller_hash FROM phones"
)


def caller_keys(phone_digits: pl.Series, salt: str) -> pl.Series:
    """The caller key of each phone number, in order (DuckDB's sha256: polars has none)."""
    phones = pl.DataFrame({"phone_digits": phone_digits})  # noqa: F841 (read by DuckDB below)
    return duckdb.sql(CALLER_KEYS, params={"salt": salt}).pl()["caller_hash"]


def mask_text(col: pl.Expr) -> pl.Expr:
    """ID numbers and phone numbers inside free text replaced by a marker (applied twice so that two
    numbers separated by one character are both caught)."""
    out = col
    for _ in range(2):
        out = (
            out.str.replace_all(_ID, "${1}[身份证号已隐藏]${2}")
            .str.replace_all(_MOBILE, "${1}[电话已隐藏]${2}")
            .str.replace_all(_LANDLINE, "${1}[电话已隐藏]${2}")
        )
    return out
