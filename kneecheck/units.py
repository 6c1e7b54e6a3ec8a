"""Kilometres or miles: the diary and the contract keep km; convert at the edges."""

from __future__ import annotations

KM_PER_MILE = 1.609344


def to_km(value: float, units: str) -> float:
    """A distance in the runner's units, in km."""
    return value * KM_PER_MILE if units == "mi" else value


def from_km(value: float, units: str) -> float:
    """A distance in km, in the runner's units."""
    return value / KM_PER_MILE if units == "mi" else value


def shown(km: float | None, units: str) -> str:
    """A distance for the screen: '8.0 km', '5.0 mi', or '-' when there is none."""
    return "-" if km is None else f"{from_km(km, units):.1f} {units}"


def localise(text: str, units: str) -> str:
    """'at least 500 km' reads 'at least 311 mi' for a runner who chose miles.

    Only for display: answers, results and the diary keep kilometres.
    """
    if units != "mi" or "km" not in text:
        return text
    import re

    def one(number: str) -> str:
        value = from_km(float(number), "mi")
        return f"{value:.0f}" if value >= 10 else f"{value:.1f}"

    def miles(match: re.Match[str]) -> str:
        low, dash, high = match.group(1), match.group(2), match.group(3)
        return f"{one(low)}{dash}{one(high)} mi" if high else f"{one(low)} mi"

    # a range ("500-800 km") names its unit once: both ends are converted
    number = r"(\d+(?:\.\d+)?)"
    return re.sub(rf"{number}(?:(\s*[-–]\s*){number})? km\b", miles, text)
