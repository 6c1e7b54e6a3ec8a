"""The `next` verb (contract 1.1, section 4): a front end's question loop."""

from __future__ import annotations

import json

from helpers import run_kneecheck as cli

from kneecheck.answers import validate_answers
from kneecheck.engine import assess
from kneecheck.interview import next_question


def step(catalogue, answers: dict) -> dict:
    return next_question(catalogue, validate_answers(answers, catalogue)).to_dict()


def test_warning_signs_come_first_and_a_ticked_one_ends(catalogue) -> None:
    first = step(catalogue, {})
    assert first["done"] is False
    assert first["question"]["key"] == "red_flags"
    assert first["question"]["type"] == "multi"
    assert first["asked"] == 0
    ids = [c["id"] for c in first["question"]["choices"]]
    assert "fever" in ids and all(
        set(c) == {"id", "label"} for c in first["question"]["choices"]
    )
    assert first["question"]["why"]
    assert step(catalogue, {"red_flags": ["fever"]}) == {
        **{k: first[k] for k in ("schema_version", "kneecheck_version", "kind")},
        "done": True,
        "asked": 1,
    }


def test_the_loop_asks_each_open_question_once_and_ends(catalogue) -> None:
    """Answering 'don't know' to everything walks every question once, in the
    questionnaire's order, with a shrinking estimate; then assess works."""
    answers: dict = {"red_flags": []}
    seen = ["red_flags"]
    last_remaining = 10**6
    while not (doc := step(catalogue, answers))["done"]:
        q = doc["question"]
        assert q["key"] not in seen
        assert q["type"] in ("single", "multi", "number", "boolean")
        assert ("choices" in q) == (q["type"] in ("single", "multi"))
        assert doc["remaining_estimate"] < last_remaining
        assert doc["asked"] == len(seen)
        last_remaining = doc["remaining_estimate"]
        seen.append(q["key"])
        answers.setdefault("dont_know", []).append(q["key"])
    assert seen == [q.id for q in catalogue.questions]
    assert doc["asked"] == len(seen)
    result = assess(catalogue, validate_answers(answers, catalogue))
    assert result.triage.level == "appointment"  # knowing nothing never reassures


def test_skip_rules_hold_and_answers_are_not_asked_again(catalogue) -> None:
    """A gradual onset skips the injury question; the same answers, the same
    question."""
    answers = {"red_flags": [], "age": 30, "sex": "female", "side": "left"}
    answers["where"] = ["outside"]
    doc = step(catalogue, {**answers, "onset": "gradual"})
    assert doc["question"]["key"] not in {"injury", "onset", "where", "age"}
    assert (
        step(catalogue, {**answers, "onset": "sudden"})["question"]["key"] == "injury"
    )
    assert step(catalogue, answers) == step(catalogue, answers)
    numeric = step(catalogue, {**answers, "onset": "sudden", "injury": "twist"})
    assert numeric["question"] == {**numeric["question"], "type": "number"}
    assert numeric["question"]["min"] < numeric["question"]["max"]


def test_next_on_the_command_line() -> None:
    out = cli("next", "--answers", "-", "--json", stdin='{"red_flags": []}')
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["kind"] == "next" and doc["question"]["key"] == "age"
    text = cli("next", "--answers", "-", stdin='{"red_flags": []}')
    assert text.stdout.startswith("age: ")
    done = cli("next", "--answers", "-", stdin='{"red_flags": ["fever"]}')
    assert "done" in done.stdout


def test_next_refuses_bad_answers_without_a_traceback() -> None:
    out = cli("next", "--answers", "-", "--json", stdin='{"agex": 1}')
    assert out.returncode != 0
    assert "unknown answer key 'agex'" in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
    missing = cli("next", "--json")
    assert missing.returncode == 2 and "--answers" in missing.stderr
