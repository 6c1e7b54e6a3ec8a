"""The `next` verb (contract 1.1, section 4): a front end's question loop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import INTERVIEWED_TIMEOUT, KNOWN_UNDER_TRIAGE, URGENT
from helpers import run_kneecheck as cli

from kneecheck.answers import validate_answers
from kneecheck.catalogue import LEVELS
from kneecheck.engine import assess
from kneecheck.interview import next_question


def step(catalogue, answers: dict, full: bool = False) -> dict:
    return next_question(
        catalogue, validate_answers(answers, catalogue), full
    ).to_dict()


def dont_know_to_everything(catalogue, full: bool) -> tuple[list[str], dict]:
    """Walk the interview answering "don't know" throughout, checking each step."""
    answers: dict = {}
    seen: list[str] = []
    while not (doc := step(catalogue, answers, full))["done"]:
        q = doc["question"]
        assert q["key"] not in seen  # never asked again
        assert q["type"] in ("single", "multi", "number", "boolean")
        assert ("choices" in q) == (q["type"] in ("single", "multi"))
        assert doc["asked"] == len(seen) and doc["remaining_estimate"] >= 1
        assert q["why"]
        seen.append(q["key"])
        answers.setdefault("dont_know", []).append(q["key"])
    assert doc["asked"] == len(seen)
    return seen, answers


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
    envelope = {k: first[k] for k in ("schema_version", "kneecheck_version", "kind")}
    for full in (False, True):
        ended = step(catalogue, {"red_flags": ["cannot_bear_weight"]}, full)
        assert ended == {**envelope, "done": True, "asked": 1}


def test_a_ticked_warning_sign_still_asks_what_could_make_it_an_emergency(
    catalogue,
) -> None:
    """Fever with a swollen knee is an emergency (septic arthritis): after the
    fever, the swelling question comes, then nothing else."""
    doc = step(catalogue, {"red_flags": ["fever"]})
    assert doc["question"]["key"] == "swelling"
    assert doc["question"]["why"] == catalogue.interview.texts.safety
    answered = {"red_flags": ["fever"], "swelling": "mild"}
    assert step(catalogue, answered)["done"] is True
    result = assess(catalogue, validate_answers(answered, catalogue))
    assert result.triage.level == "emergency"
    unsure = {"red_flags": ["fever"], "dont_know": ["swelling"]}
    assert step(catalogue, unsure)["done"] is True


def test_full_asks_every_open_question_once_in_order(catalogue) -> None:
    """--full: "don't know" to everything walks every question once, in the
    questionnaire's order; then assess works and does not reassure."""
    seen, answers = dont_know_to_everything(catalogue, full=True)
    assert seen == [q.id for q in catalogue.questions]
    result = assess(catalogue, validate_answers(answers, catalogue))
    assert result.triage.level == "appointment"  # knowing nothing never reassures


def test_adaptive_asks_the_basics_then_fewer_and_ends(catalogue) -> None:
    """Adaptive: the warning signs and the basics first, in order, then little
    more than half the questions (13 of 24: the eight basics, two that tell
    causes apart and three the verdict needs); knowing nothing still does not
    reassure."""
    seen, answers = dont_know_to_everything(catalogue, full=False)
    basics = list(catalogue.interview.basics)
    assert seen[: len(basics)] == basics
    assert len(seen) <= len(catalogue.questions) / 2 + 1
    # nothing scores or triages on these: no answer could change anything
    assert not {"shoe_km", "new_shoes_or_surface"} & set(seen)
    result = assess(catalogue, validate_answers(answers, catalogue))
    assert result.triage.level == "appointment"
    assert result.run_guidance.verdict != "continue"


def test_skip_rules_hold_and_the_same_answers_give_the_same_question(
    catalogue,
) -> None:
    """No pain after the run never brings "settled by the next morning" (in
    either mode); pain after it does in full. What happened at the start is
    asked after a gradual start too: the case files the ratios are fitted on
    answer it then. The same answers always give the same question."""
    answers = {"red_flags": [], "age": 30, "sex": "female", "side": "left"}
    answers["where"] = ["outside"]
    gradual = {**answers, "onset": "gradual"}
    assert step(catalogue, gradual, full=True)["question"]["key"] == "injury"
    ids = [q.id for q in catalogue.questions]
    before = ids[: ids.index("pain_after_run")]
    unknown = [k for k in before if k not in answers]
    no_pain = {**answers, "dont_know": unknown, "pain_after_run": 0}
    assert (
        step(catalogue, no_pain, full=True)["question"]["key"]
        == ids[ids.index("settles_by_morning") + 1]
    )
    walk = dict(no_pain)
    while not (doc := step(catalogue, walk))["done"]:
        assert doc["question"]["key"] != "settles_by_morning"
        walk.setdefault("dont_know", []).append(doc["question"]["key"])
    sore = {**no_pain, "pain_after_run": 4}
    assert step(catalogue, sore, full=True)["question"]["key"] == "settles_by_morning"
    sudden = {**answers, "onset": "sudden"}
    assert step(catalogue, sudden, full=True)["question"]["key"] == "injury"
    for _ in range(3):
        assert step(catalogue, sudden) == step(catalogue, sudden)
    numeric = step(catalogue, {**sudden, "injury": "twist"}, full=True)
    assert numeric["question"] == {**numeric["question"], "type": "number"}
    assert numeric["question"]["min"] < numeric["question"]["max"]


def _more_urgent_by_a_rule(catalogue, before, after) -> bool:
    """`after` is more urgent than `before` through a warning sign or a rule on
    the answers (not through the probabilities alone)."""
    from kneecheck.catalogue import DERIVED_FROM

    if LEVELS.index(after.level) >= LEVELS.index(before.level):
        return False
    by_probability = {
        r.id
        for r in catalogue.rules
        if all(p.key in DERIVED_FROM and DERIVED_FROM[p.key] is None for p in r.when)
    }
    new = {r.id for r in after.reasons} - {r.id for r in before.reasons}
    return bool(new - by_probability)


@INTERVIEWED_TIMEOUT
def test_when_it_stops_no_answer_could_raise_the_triage_or_the_verdict(
    catalogue, interviewed
) -> None:
    """For every case in the suite, answering the interview as the patient
    would: when it says done, no single answer to any question left unasked
    makes the triage more urgent by a rule, or the verdict more cautious; and
    a stop set by the probabilities alone (no urgent triage) is not one answer
    away from being lifted."""
    from kneecheck.catalogue import VERDICTS
    from kneecheck.interview import probes
    from kneecheck.predicates import all_hold

    checked = 0
    outcomes = [
        *interviewed["tune"].outcomes,
        *(
            o
            for o in interviewed["written"].outcomes
            if Path(o.case.path).parent.name == "cases"
        ),
    ]
    for outcome in outcomes:
        case, gathered = outcome.case, outcome.gathered
        assert gathered is not None
        now = assess(catalogue, gathered)
        if gathered.get("red_flags"):
            continue  # a ticked warning sign ends it (tested above)
        unsure = set(gathered.get("dont_know", ()))
        lifted_stop_open = (
            now.run_guidance.verdict == "stop" and now.triage.level not in URGENT
        )
        for q in catalogue.questions:
            if q.id in gathered or q.id in unsure or all_hold(q.skip_if, gathered):
                continue  # answered, or never asked after these answers
            for answer in probes(catalogue, q):
                tried = assess(catalogue, {**gathered, q.id: answer})
                assert not _more_urgent_by_a_rule(
                    catalogue, now.triage, tried.triage
                ), (
                    case.id,
                    q.id,
                    answer,
                )
                assert VERDICTS.index(tried.run_guidance.verdict) >= VERDICTS.index(
                    now.run_guidance.verdict
                ), (case.id, q.id, answer)
                if lifted_stop_open:
                    assert tried.run_guidance.verdict == "stop", (case.id, q.id)
        checked += 1
    assert checked > 100


@INTERVIEWED_TIMEOUT
def test_adaptive_is_as_safe_as_every_answer_on_the_suite(interviewed) -> None:
    """The interview never leaves a case less urgent than needed (as all its
    answers never do, but for the documented cases), and keeps top-3 within 2
    points of answering everything. It may differ from all the answers within
    the safe range: two answers together can tip a condition out of "likely",
    which one at a time cannot."""
    from kneecheck.evaluate import summary

    for name, report in interviewed.items():
        full, adaptive = report.full, report.outcomes
        assert full is not None
        assert {f.case.id for f in full if f.under_triaged} <= KNOWN_UNDER_TRIAGE
        for a in adaptive:
            assert not a.under_triaged or a.case.id in KNOWN_UNDER_TRIAGE, a.case.id
        # Nor less urgent than every answer: a question it skips must not hold
        # back an answer the case files (and so the ratios) have.
        calmer = [
            a.case.id
            for a, f in zip(adaptive, full, strict=True)
            if LEVELS.index(a.level) > LEVELS.index(f.level)  # most urgent first
        ]
        assert not calmer, calmer
        # The goal: top-3 at most 2 points below every answer (0.6 points on
        # the 260-case tune split).
        assert summary(adaptive)["top3"] >= summary(full)["top3"] - 0.02
        if name == "written":
            # Narrowing before the verdict's questions: with the verdict first,
            # eight written cases get the wrong verdict (the typical
            # patellofemoral vignette keeps a suspected bone stress injury and
            # is told to stop, not reduce).
            wrong = [a.case.id for a in adaptive if not a.verdict_ok]
            assert not wrong, wrong


def test_next_on_the_command_line() -> None:
    out = cli("next", "--answers", "-", "--json", stdin='{"red_flags": []}')
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["kind"] == "next" and doc["question"]["key"] == "age"
    text = cli("next", "--answers", "-", stdin='{"red_flags": []}')
    assert text.stdout.startswith("age: ")
    done = cli("next", "--answers", "-", stdin='{"red_flags": ["cannot_bear_weight"]}')
    assert "done" in done.stdout
    full = cli("next", "--answers", "-", "--json", "--full", stdin='{"red_flags": []}')
    assert json.loads(full.stdout)["question"]["key"] == "age"
    assert "usual order" in json.loads(full.stdout)["question"]["why"]


def test_next_refuses_bad_answers_without_a_traceback() -> None:
    out = cli("next", "--answers", "-", "--json", stdin='{"agex": 1}')
    assert out.returncode != 0
    assert "unknown answer key 'agex'" in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
    missing = cli("next", "--json")
    assert missing.returncode == 2 and "--answers" in missing.stderr


def test_information_gain_is_the_mutual_information() -> None:
    """An answer that spreads a confident ranking still teaches: the gain is
    positive (the expected fall in entropy would be negative here), none when
    no answer moves anything, and never more than the uncertainty there is."""
    from kneecheck.interview import _information_gain

    now = {"a": 0.8, "b": 0.1}  # "something else" holds 0.1
    spreads = (1.0, {"a": 0.3, "b": 0.6})  # 1.30 bits after it, 0.92 now
    confirms = (1.0, {"a": 0.9, "b": 0.05})  # 0.57 bits after it
    gain = _information_gain(now, [spreads, confirms])
    assert 0.1 < gain < 0.922  # 0.922 bits: all the uncertainty there is
    assert _information_gain(now, [(1.0, now), (3.0, now)]) == pytest.approx(0.0)
    assert _information_gain(now, []) == 0.0


def test_a_question_that_tells_causes_apart_is_worth_asking(catalogue) -> None:
    """A young woman with a knee that has hurt for three years and nothing else
    known: a question about the knee itself tells the front-of-knee causes
    apart, so the interview asks on (it stopped, as answers spread the ranking).
    It asks that before the pain during runs, which the verdict still needs and
    which is asked whatever the count: narrowing first, so that the count is not
    used up before anything tells the causes apart."""
    answers = {
        "age": 25,
        "sex": "female",
        "duration_weeks": 156,
        "dont_know": ["red_flags", "side", "where", "onset", "injury", "limp"],
    }
    doc = step(catalogue, answers)
    assert not doc["done"]
    assert doc["question"]["key"] in ("worse_with", "feels", "timing", "swelling")
    assert doc["question"]["why"].startswith("To ")  # narrowing, not safety
