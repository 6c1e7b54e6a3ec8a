"""Typed, problem-collecting access to the catalogue's JSON: the loader's tools.

Every problem is recorded with its file and entry and raised together at the
end, so a clinician editing the data sees the whole list at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..inputs import repeated_keys
from ..predicates import LIST_OPS, NUMBER_OPS, OPS, Predicate
from .models import DERIVED_FACTS, Question
from .types import QUESTION_TYPES


class Entry:
    """Typed access to one JSON object, recording problems under its file and entry."""

    def __init__(self, loader: Loader, file: str, where: str, raw: object) -> None:
        self.loader, self.file, self.where = loader, file, where
        loader.context = f"{file}: {where}"  # named if something unforeseen breaks
        self.raw: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if not isinstance(raw, dict):
            self.problem("must be a JSON object")

    def problem(self, message: str) -> None:
        """Record a problem, named by file and entry."""
        self.loader.problems.append(f"{self.file}: {self.where}: {message}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        """A field of the given type, or `default` with a problem recorded."""
        if key not in self.raw:
            if default is None:
                self.problem(f"missing field '{key}'")
            return default
        value = self.raw[key]
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            self.problem(f"field '{key}' must be a number, not true/false")
            return default
        if not isinstance(value, kind):
            self.problem(f"field '{key}' has the wrong type ({type(value).__name__})")
            return default
        return value

    def text(self, key: str, optional: bool = False) -> str:
        """A text field; empty is a problem unless it is optional."""
        value = self.get(key, str, "" if optional else None)
        if not optional and value == "":
            self.problem(f"field '{key}' is empty")
        return value or ""

    def texts(self, key: str, optional: bool = False) -> tuple[str, ...]:
        """A list of non-empty texts."""
        value = self.get(key, list, [] if optional else None) or []
        if not all(isinstance(v, str) and v for v in value):
            self.problem(f"field '{key}' must be a list of non-empty strings")
            return ()
        return tuple(value)

    def number(self, key: str, default: float | None = None) -> float:
        """A number field (true/false is refused)."""
        return float(self.get(key, (int, float), default) or 0)

    def objects(self, key: str, optional: bool = False) -> list[Any]:
        """A list field, of objects to read further."""
        return list(self.get(key, list, [] if optional else None) or [])

    def sources(self, key: str = "sources") -> tuple[str, ...]:
        """Source ids, at least one; checked against sources.json at the end."""
        ids = self.texts(key)
        if not ids:
            self.problem(f"'{key}' must name at least one source")
        self.loader.source_refs.append((self, ids))
        return ids


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # C0, DEL and C1
# Where a JSON text may hold one: any escape that can stand for a control
# character (raw C0 is not valid JSON) and raw DEL or C1, which JSON allows.
# A false alarm (an escaped accent, an escaped backslash before an n) only
# costs the walk below, which decides.
_MAY_HOLD_CONTROL = re.compile(r"\\[bfnrtu]|[\x7f-\x9f]")


def _control_characters(value: object, where: str) -> Iterator[tuple[str, str]]:
    """Each string (keys too) of a JSON value that holds a control character:
    where it is, as a path, and the first such character."""
    if isinstance(value, str):
        if found := _CONTROL.search(value):
            yield where or "(top)", found.group()
    elif isinstance(value, dict):
        for key, item in value.items():
            shown = f"{where}.{key if key.isprintable() else repr(key)}".lstrip(".")
            yield from _control_characters(key, shown)
            yield from _control_characters(item, shown)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _control_characters(item, f"{where}[{i}]")


def _keep_track(
    twice: list[str],
) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """A JSON object hook that notes each key an object holds twice: JSON keeps
    only the last value, so an edit that added a second "note" would lose the
    first without a word."""

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        data = dict(pairs)
        if len(data) < len(pairs):
            where = data.get("id") or data.get("text") or data.get("key")
            near = f" (in the object of {where!r})" if isinstance(where, str) else ""
            twice.extend(
                f"an object holds the key {key!r} twice{near}; JSON keeps "
                "only the last, so remove or merge the other"
                for key in repeated_keys(pairs)
            )
        return data

    return hook


class Loader:
    """Reads the files of one catalogue folder and collects every problem found."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[str] = []
        self.source_refs: list[tuple[Entry, tuple[str, ...]]] = []
        self.question_index: dict[str, Question] = {}
        self.context = "catalogue.json"
        self.file_names: dict[str, str] = {}
        self.allow_derived = False  # only triage rules may test derived facts
        # Named bounds (triage.json "limits") that rules share, so a bound two
        # rules hold in common is written once; and which of them a rule used.
        self.limits: dict[str, int | float | None] = {}
        self.limits_used: set[str] = set()
        self.checked: dict[tuple[object, ...], Predicate] = {}
        self.described: dict[tuple[Predicate, ...], str] = {}
        self.derived = {
            key: Question(key, "", kind, key, key, "", (), lo, hi, "", (), "")
            for key, (kind, lo, hi) in DERIVED_FACTS.items()
        }

    def read(self, name: str) -> dict[str, Any]:
        """One file of the folder as a JSON object; a problem (and {}) when it cannot
        be."""
        path = self.folder / name
        twice: list[str] = []
        try:
            text = path.read_text(encoding="utf-8")
            data = json.loads(text, object_pairs_hook=_keep_track(twice))
        except FileNotFoundError:
            self.problems.append(f"{name}: file not found in {self.folder}")
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(f"{name}: cannot be read ({exc})")
            return {}
        except json.JSONDecodeError as exc:
            self.problems.append(
                f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                f"{exc.msg})"
            )
            return {}
        if not isinstance(data, dict):
            self.problems.append(f"{name}: must hold a JSON object")
            return {}
        self.problems.extend(f"{name}: {problem}" for problem in twice)
        # look for a control character in the text (fast), and walk the data for
        # where it is only when there is one
        found = _MAY_HOLD_CONTROL.search(text)
        for where, char in _control_characters(data, "") if found else ():
            self.problems.append(
                f"{name}: {where}: holds the control character U+{ord(char):04X}; "
                "catalogue text is shown on the terminal, so it must be plain"
            )
        return data

    def entries(
        self, file: str, items: list[Any], label: str
    ) -> Iterator[tuple[Entry, str]]:
        """Each item of a list as an Entry, checking ids are present and unique."""
        seen: set[str] = set()
        for i, raw in enumerate(items):
            rid = raw.get("id") if isinstance(raw, dict) else None
            where = f"{label} '{rid}'" if isinstance(rid, str) else f"{label} #{i + 1}"
            entry = Entry(self, file, where, raw)
            ident = entry.text("id")
            if ident in seen:
                entry.problem("duplicate id")
            seen.add(ident)
            yield entry, ident

    def predicates(self, entry: Entry, raw: object, what: str) -> tuple[Predicate, ...]:
        """Parse a list of {key, op, value}, checking keys and ids against questions."""
        if not isinstance(raw, list) or not raw:
            entry.problem(f"'{what}' must be a non-empty list of conditions")
            return ()
        out = []
        for item in raw:
            pred = self.predicate(entry, item, what)
            if pred is not None:
                out.append(pred)
        return tuple(out)

    def predicate(self, entry: Entry, item: object, what: str) -> Predicate | None:
        """One {key, op, value} condition, checked against the questions."""
        if not isinstance(item, dict) or set(item) - {"key", "op", "value"}:
            entry.problem(f"'{what}': each condition needs exactly key, op and value")
            return None
        key, op, value = item.get("key"), item.get("op"), item.get("value")
        # The same condition recurs across conditions, rules and tips: a good
        # one is checked once (a bad one is checked, and reported, every time).
        memo = (repr(item), self.allow_derived, what)  # JSON values: repr is exact
        if memo in self.checked:
            return self.checked[memo]
        pred = self._predicate(entry, key, op, value, what)
        if pred is not None:
            self.checked[memo] = pred
        return pred

    def _predicate(
        self, entry: Entry, key: object, op: object, value: Any, what: str
    ) -> Predicate | None:
        question = self.question_index.get(key) if isinstance(key, str) else None
        if question is None and self.allow_derived and isinstance(key, str):
            question = self.derived.get(key)
        if question is None:
            entry.problem(f"'{what}' names no answer: unknown key {key!r}")
            return None
        kind = QUESTION_TYPES.get(question.type)
        if kind is None:  # its unknown type is reported with the question
            return None
        if isinstance(value, dict):  # a named limit, marked used even if the op is bad
            value = self._limit(entry, key, value, what)
            if value is None:
                return None
        if not isinstance(op, str) or op not in OPS:
            entry.problem(f"'{what}' on '{key}': unknown op {op!r}")
            return None
        values = value if isinstance(value, list) else [value]
        if op in NUMBER_OPS:
            if not kind.numeric or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
            ):
                entry.problem(f"'{what}' on '{key}': {op} needs a numeric answer")
                return None
            lo, hi = question.min, question.max
            bound = float(values[0] or 0)
            if (
                lo is not None
                and hi is not None
                and not (
                    (op == "gt" and bound < hi)
                    or (op == "gte" and bound <= hi)
                    or (op == "lt" and bound > lo)
                    or (op == "lte" and bound >= lo)
                )
            ):
                entry.problem(
                    f"'{what}' on '{key}': {op} {bound:g} can never be true "
                    f"(answers run from {lo:g} to {hi:g})"
                )
                return None
        elif (op in LIST_OPS) != kind.many:
            entry.problem(
                f"'{what}' on '{key}': op {op} does not fit a {question.type}"
            )
            return None
        elif question.type == "yes_no":
            if not all(isinstance(v, bool) for v in values):
                entry.problem(f"'{what}' on '{key}': value must be true or false")
                return None
        elif question.choices:
            known = {c.value for c in question.choices}
            for v in values:
                if not isinstance(v, str) or v not in known:
                    entry.problem(f"'{what}' on '{key}': unknown id {v!r}")
                    return None
        if op in ("in", "includes_any") and not isinstance(value, list):
            entry.problem(f"'{what}' on '{key}': {op} needs a list value")
            return None
        return Predicate(
            question.id, op, tuple(value) if isinstance(value, list) else value
        )

    def _limit(
        self, entry: Entry, key: object, value: dict[str, Any], what: str
    ) -> int | float | None:
        """The number a {"limit": id} value names, from triage.json's limits."""
        name = value.get("limit")
        if set(value) != {"limit"} or not isinstance(name, str):
            entry.problem(
                f"'{what}' on '{key}': a value object must be {{\"limit\": id}}"
            )
            return None
        if name not in self.limits:
            entry.problem(f"'{what}' on '{key}': unknown limit {name!r}")
            return None
        self.limits_used.add(name)
        return self.limits[name]  # None: the limit's own problem names it

    def describe(self, when: tuple[Predicate, ...]) -> str:
        """Plain words for a single-predicate feature, from the question's labels."""
        if len(when) != 1:
            return ""
        if when not in self.described:
            self.described[when] = self._describe(when[0])
        return self.described[when]

    def _describe(self, p: Predicate) -> str:
        q = self.question_index[p.key]
        if q.type == "yes_no":
            return f"{q.short}: {'yes' if p.value else 'no'}"
        if p.op in NUMBER_OPS:
            word = {"gt": "over", "gte": "at least", "lt": "under", "lte": "at most"}
            unit = f" {q.unit}" if q.unit and q.unit != "%" else q.unit
            return f"{q.short}: {word[p.op]} {p.value:g}{unit}"
        values = p.value if isinstance(p.value, tuple) else (p.value,)
        labels = " or ".join(_lower_first(q.label(v)) for v in values)
        negative = p.op in ("excludes", "ne")
        return f"{q.short}: {'not ' if negative else ''}{labels}"

    def required_keys(self, entry: Entry) -> tuple[str, ...]:
        """The `requires` answer keys of an entry, each a known question."""
        keys = entry.texts("requires", optional=True)
        for key in keys:
            if key not in self.question_index:
                entry.problem(f"'requires' names unknown answer key '{key}'")
        return keys


def _lower_first(label: str) -> str:
    """'Going up stairs' -> 'going up stairs', but 'I fell' stays as it is."""
    if label[:2] in ("I ", "I'"):
        return label
    return label[:1].lower() + label[1:]
