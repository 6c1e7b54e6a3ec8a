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

    def miles(match: re.Match[str]) -> str:
        value = from_km(float(match.group(1)), "mi")
        return f"{value:.0f} mi" if value >= 10 else f"{value:.1f} mi"

    return re.sub(r"(\d+(?:\.\d+)?) km\b", miles, text)
