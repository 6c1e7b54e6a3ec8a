"""Conditions on answers, shared by features, skip rules, triage rules and tips.

A predicate never matches a missing answer: "don't know" must count as neither
for nor against anything.
"""

from collections.abc import Mapping
from typing import Any

from .namedtuples import NamedTuple

LIST_OPS = frozenset({"includes", "excludes", "includes_any"})
VALUE_OPS = frozenset({"eq", "ne", "in"})
NUMBER_OPS = frozenset({"gt", "gte", "lt", "lte"})
OPS = LIST_OPS | VALUE_OPS | NUMBER_OPS


class Predicate(NamedTuple):
    """`answers[key] <op> value`, for example `where includes outside`."""

    key: str
    op: str
    value: Any

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """True only when the answer is present and satisfies the condition."""
        if key_missing(answers, self.key):
            return False
        given = answers[self.key]
        op, value = self.op, self.value
        if op == "includes":
            return value in given
        if op == "excludes":
            return value not in given
        if op == "includes_any":
            return any(v in given for v in value)
        if op == "eq":
            return bool(given == value)
        if op == "ne":
            return bool(given != value)
        if op == "in":
            return given in value
        if op == "gt":
            return bool(given > value)
        if op == "gte":
            return bool(given >= value)
        if op == "lt":
            return bool(given < value)
        return bool(given <= value)  # lte: the loader admits no other op


def key_missing(answers: Mapping[str, Any], key: str) -> bool:
    """A key counts as missing when absent or None (never asked / don't know)."""
    return answers.get(key) is None


def all_hold(preds: tuple[Predicate, ...], answers: Mapping[str, Any]) -> bool:
    """True when every predicate holds (and there is at least one)."""
    if len(preds) == 1:  # most features: skip the generator (a hot path)
        return preds[0].holds(answers)
    return bool(preds) and all(p.holds(answers) for p in preds)
