"""Kilometres or miles: the diary and the contract keep km; convert at the edges."""

from __future__ import annotations

KM_PER_MILE = 1.609344
UNITS = ("km", "mi")


def to_km(value: float, units: str) -> float:
    return value * KM_PER_MILE if units == "mi" else value


def from_km(value: float, units: str) -> float:
    return value / KM_PER_MILE if units == "mi" else value
