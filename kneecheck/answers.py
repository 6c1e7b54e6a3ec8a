"""Read and validate the answers object of the contract (section 1).

Unknown keys, wrong types, out-of-range values and unknown ids are errors that
name the key; nothing is silently dropped. Valid answers are normalised: list
answers lose duplicates and follow the catalogue's order, and an empty list for
a tick question that offers no "none of these" (where it hurts) is "don't know",
as the questionnaire records it: pain is somewhere, so [] only says nothing was
ticked, and it must not count against every place.
"""

from __future__ import annotations

from typing import Any

from .catalogue import Catalogue
from .catalogue.types import QUESTION_TYPES, json_type, quote
from .errors import AnswersError
from .inputs import read_json

Answers = dict[str, Any]
# Contract 1.1: answer keys that were asked and answered "don't know". They
# count exactly like missing keys; the list is kept so they are not asked again.
DONT_KNOW_KEY = "dont_know"


def read_answers(source: str, catalogue: Catalogue) -> Answers:
    """Load answers from a file path, or from standard input when `source` is '-'
    (capped in size and depth: kneecheck.inputs)."""
    return validate_answers(read_json(source, "answers", AnswersError), catalogue)


def validate_answers(raw: object, catalogue: Catalogue) -> Answers:
    """Check a decoded answers object against the questions; return it normalised."""
    if not isinstance(raw, dict):
        raise AnswersError(f"answers must be a JSON object, not {json_type(raw)}")
    questions = {q.id: q for q in catalogue.questions}
    unknown = sorted(k for k in raw if k not in questions and k != DONT_KNOW_KEY)
    if unknown and isinstance(raw.get("answers"), dict):  # a case or vignette file
        raise AnswersError(
            "this looks like a case file: its answers sit under 'answers'; pass "
            "that object alone, or run case files with 'kneecheck evaluate FOLDER'"
        )
    if unknown:
        raise AnswersError(
            f"unknown answer key {quote(unknown[0])} "
            f"(known keys: {', '.join([*questions, DONT_KNOW_KEY])})"
        )
    out: Answers = {}
    unticked: set[str] = set()
    for q in catalogue.questions:  # catalogue order keeps output stable
        if q.id in raw and raw[q.id] is not None:
            value = QUESTION_TYPES[q.type].check(q, raw[q.id])
            if value == [] and not q.none_label:
                unticked.add(q.id)  # asked, nothing ticked: as the questionnaire
                continue
            out[q.id] = value
    unsure = unticked.union(_dont_know(raw.get(DONT_KNOW_KEY), list(questions), out))
    if unsure:
        out[DONT_KNOW_KEY] = [k for k in questions if k in unsure]
    return out


def _dont_know(value: object, keys: list[str], answered: Answers) -> list[str]:
    """The `dont_know` list: known answer keys, none of them also answered."""
    if value is None:
        return []
    key = DONT_KNOW_KEY
    if not isinstance(value, list):
        raise AnswersError(
            f"'{key}' must be a list of answer keys, not {json_type(value)}"
        )
    for item in value:
        if not isinstance(item, str):
            raise AnswersError(f"'{key}' must list strings, found {json_type(item)}")
        if item not in keys:
            raise AnswersError(f"'{key}' names unknown answer key {quote(item)}")
        if item in answered:
            raise AnswersError(
                f"'{key}' lists {quote(item)}, which is also answered; "
                "give one or the other"
            )
    return [k for k in keys if k in value]
