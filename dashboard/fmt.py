"""Chinese number formatting for the interface."""

from __future__ import annotations


def wan_yuan(amount_wan: float | None) -> str:
    """Amounts held in 万元: 亿元 with two decimals from 1 亿 up, else 万元."""
    if amount_wan is None:
        return "—"
    if abs(amount_wan) >= 10_000:
        return f"{amount_wan / 10_000:,.2f} 亿元"
    return f"{amount_wan:,.2f} 万元"


def pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}%"


def count(n: int | None, unit: str = "") -> str:
    """Counts as leaders read them: 8,641 件 below 10 万, 30.0 万件 from there on."""
    if n is None:
        return "—"
    if abs(n) >= 100_000:
        return f"{n / 10_000:.1f} 万{unit.strip()}"
    return f"{n:,}{unit}"
