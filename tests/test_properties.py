"""Properties of the engine over arbitrary valid answers (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from kneecheck.answers import validate_answers
from kneecheck.catalogue import LEVELS, Catalogue, Question, load_catalogue
from kneecheck.engine import assess
from kneecheck.schema import result_schema

CATALOGUE = load_catalogue()
URGENT = ("emergency", "urgent")


def _value(q: Question) -> st.SearchStrategy[Any]:
    if q.type in ("integer", "scale"):
        return st.integers(int(q.min or 0), int(q.max or 0))
    if q.type == "number":
        return st.floats(q.min, q.max, allow_nan=False, allow_infinity=False)
    if q.type == "yes_no":
        return st.booleans()
    values = [c.value for c in q.choices]
    if q.type == "single":
        return st.sampled_from(values)
    return st.lists(st.sampled_from(values), unique=True, max_size=len(values))


def answers_strategy(catalogue: Catalogue) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {}, optional={q.id: _value(q) for q in catalogue.questions}
    )


ANSWERS = answers_strategy(CATALOGUE)
FLAGS = st.sampled_from([f for f in CATALOGUE.red_flags])
FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@FAST
@given(ANSWERS, FLAGS)
def test_red_flag_always_decides_triage(raw: dict[str, Any], flag) -> None:
    """Whatever else is answered, a red flag sets at least its level and stops."""
    raw = {**raw, "red_flags": sorted({*raw.get("red_flags", []), flag.id})}
    result = assess(CATALOGUE, validate_answers(raw, CATALOGUE))
    assert LEVELS.index(result.triage.level) <= LEVELS.index(flag.level)
    assert result.triage.level in URGENT
    assert flag.id in result.triage.red_flags
    assert result.run_guidance.verdict == "stop"


@FAST
@given(ANSWERS)
def test_deterministic(raw: dict[str, Any]) -> None:
    """The same answers always give the same result."""
    a = validate_answers(raw, CATALOGUE)
    assert assess(CATALOGUE, a).to_dict() == assess(CATALOGUE, dict(a)).to_dict()


@FAST
@given(ANSWERS)
def test_dont_know_changes_nothing(raw: dict[str, Any]) -> None:
    """Adding "don't know" (null) for every unanswered question changes nothing."""
    padded = {q.id: None for q in CATALOGUE.questions} | raw
    plain = assess(CATALOGUE, validate_answers(raw, CATALOGUE)).to_dict()
    assert assess(CATALOGUE, validate_answers(padded, CATALOGUE)).to_dict() == plain


@FAST
@given(ANSWERS)
def test_result_shape(raw: dict[str, Any]) -> None:
    """Scores in [0, 1], ranked, each listed condition has support; schema-valid."""
    result = assess(CATALOGUE, validate_answers(raw, CATALOGUE))
    scores = [c.score for c in result.conditions]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    assert all(c.for_ for c in result.conditions)
    doc = result.to_dict()
    Draft202012Validator(result_schema(CATALOGUE)).validate(doc)
    # the echoed answers are themselves valid answers, unchanged by a second pass
    assert validate_answers(doc["answers"], CATALOGUE) == doc["answers"]


@FAST
@given(ANSWERS)
def test_verdict_follows_the_rules(raw: dict[str, Any]) -> None:
    """Stop on limp, pain of 5+ or a red flag; continue only when all checks pass."""
    a = validate_answers(raw, CATALOGUE)
    verdict = assess(CATALOGUE, a).run_guidance.verdict
    pain = a.get("pain_during_run")
    if a.get("limp") or (pain is not None and pain >= 5) or a.get("red_flags"):
        assert verdict == "stop"
    if verdict == "continue":
        assert pain is not None and pain < 5
        assert a.get("trend") in ("better", "same")
        assert a.get("settles_by_morning") is True or a.get("pain_after_run") == 0
        assert not a.get("limp")


def test_loading_twice_gives_the_same_catalogue() -> None:
    """The catalogue is read once and cached."""
    assert load_catalogue() is CATALOGUE
