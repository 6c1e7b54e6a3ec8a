"""Question types: the one table of what each type means.

An answer's check, its JSON Schema and what the loader requires of a question
all come from here, so a new type is one entry (plus, for the terminal, its way
of asking in prompts.py).
"""

import json
import math
from collections.abc import Callable
from typing import Any

from ..errors import AnswersError
from ..namedtuples import NamedTuple
from ..output import plain_number
from .models import Question


class QuestionType(NamedTuple):
    """What one type of question means wherever it matters."""

    numeric: bool  # a number with min and max
    choices: bool  # offers choices (single or multi)
    many: bool  # the answer is a list of choice ids
    schema: Callable[[Question], dict[str, Any]]  # JSON Schema of an answer
    check: Callable[[Question, object], Any]  # the normalised answer, or AnswersError
    contract: str  # how `next` names it: single, multi, number or boolean


def quote(text: str) -> str:
    """User text in an error, on one line: control characters escaped, long
    text cut, so a message can never break the terminal or the log."""
    inner = json.dumps(text[:40])[1:-1]
    return f"'{inner}{'...' if len(text) > 40 else ''}'"


def json_type(value: object) -> str:
    """What a JSON value is, in words, for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "infinity"  # JSON has neither
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {json.dumps(value)[:40]}"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _in_range(q: Question, value: float) -> float:
    assert q.min is not None and q.max is not None  # the loader requires both
    if not q.min <= value <= q.max:
        raise AnswersError(
            f"'{q.id}' is {plain_number(value)}, out of range "
            f"({plain_number(q.min)} to {plain_number(q.max)})"
        )
    return value


def _whole(q: Question, value: object) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswersError(f"'{q.id}' must be a whole number, not {json_type(value)}")
    return _in_range(q, value)


def _number(q: Question, value: object) -> Any:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (isinstance(value, float) and not math.isfinite(value))
    ):
        raise AnswersError(f"'{q.id}' must be a number, not {json_type(value)}")
    return _in_range(q, value)


def _yes_no(q: Question, value: object) -> Any:
    if not isinstance(value, bool):
        raise AnswersError(f"'{q.id}' must be true or false, not {json_type(value)}")
    return value


def _single(q: Question, value: object) -> Any:
    known = [c.value for c in q.choices]
    if not isinstance(value, str):
        raise AnswersError(f"'{q.id}' must be a string, not {json_type(value)}")
    if value not in known:
        raise AnswersError(
            f"'{q.id}' has unknown value {quote(value)} (one of: {', '.join(known)})"
        )
    return value


def _multi(q: Question, value: object) -> Any:
    known = [c.value for c in q.choices]
    if not isinstance(value, list):
        raise AnswersError(
            f"'{q.id}' must be a list of strings, not {json_type(value)}"
        )
    for item in value:
        if not isinstance(item, str):
            raise AnswersError(f"'{q.id}' must list strings, found {json_type(item)}")
        if item not in known:
            raise AnswersError(
                f"'{q.id}' has unknown id {quote(item)} (known: {', '.join(known)})"
            )
    return [v for v in known if v in value]  # once each, in the catalogue's order


def _range_schema(kind: str) -> Callable[[Question], dict[str, Any]]:
    return lambda q: {"type": kind, "minimum": q.min, "maximum": q.max}


QUESTION_TYPES: dict[str, QuestionType] = {
    "single": QuestionType(
        False,
        True,
        False,
        lambda q: {"enum": [c.value for c in q.choices]},
        _single,
        "single",
    ),
    "multi": QuestionType(
        False,
        True,
        True,
        lambda q: {
            "type": "array",
            "uniqueItems": False,
            "items": {"enum": [c.value for c in q.choices]},
        },
        _multi,
        "multi",
    ),
    "yes_no": QuestionType(
        False, False, False, lambda q: {"type": "boolean"}, _yes_no, "boolean"
    ),
    "integer": QuestionType(
        True, False, False, _range_schema("integer"), _whole, "number"
    ),
    "number": QuestionType(
        True, False, False, _range_schema("number"), _number, "number"
    ),
    "scale": QuestionType(
        True, False, False, _range_schema("integer"), _whole, "number"
    ),
}
