"""The clinical content: sourced, in our own words, and free of brands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import TESTS

from kneecheck.catalogue import (
    CONTRACT_CONDITIONS,
    CONTRACT_RED_FLAGS,
    default_catalogue_dir,
)
from kneecheck.engine import assess

ARTICLE = TESTS.parent.parent / "shared" / "reference" / "000_158c4da11f99c2b2.txt"
BRANDS = (
    "nike",
    "adidas",
    "asics",
    "brooks",
    "hoka",
    "saucony",
    "new balance",
    "mizuno",
    "on cloud",
    "altra",
    "puma",
)
WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("\u2019", "'"))


def catalogue_text() -> str:
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in sorted(default_catalogue_dir().glob("*.json"))
    )


def test_no_eight_word_run_copied_from_the_article() -> None:
    """User-facing text is our own: no 8 words in a row from the source article."""
    if not ARTICLE.is_file():
        pytest.skip("source article not present")
    seed = words(ARTICLE.read_text(encoding="utf-8", errors="replace"))
    grams = {tuple(seed[i : i + 8]) for i in range(len(seed) - 7)}
    ours = words(catalogue_text())
    copied = [
        " ".join(ours[i : i + 8])
        for i in range(len(ours) - 7)
        if tuple(ours[i : i + 8]) in grams
    ]
    assert copied == []


def test_no_shoe_brands() -> None:
    """Footwear advice names no brands: there is no evidence for any."""
    text = catalogue_text().lower()
    assert [b for b in BRANDS if re.search(rf"\b{b}\b", text)] == []


def test_every_condition_is_sourced_and_complete(catalogue) -> None:
    """Each contract condition has sources, self-care, when to see someone."""
    ids = {c.id for c in catalogue.conditions}
    assert set(CONTRACT_CONDITIONS) <= ids
    for c in catalogue.conditions:
        assert c.sources and c.self_care and c.see_someone, c.id
        assert c.exercises or c.clinician_first, c.id
        assert all(t.sources for t in c.treatments), c.id


def test_questions_cover_the_contract(catalogue) -> None:
    """Every answer key of the contract is a question, and red flags match triage."""
    keys = [q.id for q in catalogue.questions]
    assert keys[0] == "red_flags"  # warning signs always come first
    assert set(keys) == {
        "age",
        "sex",
        "side",
        "onset",
        "injury",
        "where",
        "worse_with",
        "timing",
        "feels",
        "swelling",
        "morning_stiffness_min",
        "red_flags",
        "limp",
        "pain_during_run",
        "pain_after_run",
        "settles_by_morning",
        "trend",
        "rested_week",
        "duration_weeks",
        "weekly_km",
        "weekly_km_change_pct",
        "longest_run_change_pct",
        "shoe_km",
        "new_shoes_or_surface",
    }
    flags = [c.value for c in catalogue.question("red_flags").choices]
    assert flags == [f.id for f in catalogue.red_flags]
    contract = set(CONTRACT_RED_FLAGS)
    # the contract lets the project add ids; these five are kneecheck's own
    assert set(flags) - contract == {
        "foot_drop",
        "pulsing_lump",
        "after_knee_procedure",
        "pierced_knee",
        "replaced_knee",
    }
    assert contract <= set(flags)


def _texts(value: object) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return []


def test_no_text_calls_pain_at_the_limit_fine(catalogue) -> None:
    """Pain during a run at the limit (5/10) means stop, so no advice, plan or
    tip may say running is fine while it stays "at 5/10 or less". (Plans keep a
    lower bar, under 3/10, for moving on to the next stage.)"""
    limit = catalogue.advice.run_rules.pain_limit
    texts = [
        t
        for path in default_catalogue_dir().glob("*.json")
        for t in _texts(json.loads(path.read_text(encoding="utf-8")))
    ]
    at_limit = rf"\b{limit}(?:/10| out of 10) or less"
    assert [t for t in texts if re.search(at_limit, t)] == []
    assert any(re.search(rf"under {limit}(?:/10| out of 10)", t) for t in texts)


def test_honest_evidence_statements(catalogue) -> None:
    """The tips state the shoe, 10 % rule and single-run evidence honestly."""
    text = " ".join(f"{t.text} {t.evidence}" for t in catalogue.tips).lower()
    assert "10 %" in text or "10%" in text
    assert "longest run you have done in the last 30 days" in text
    assert "injur" in text and ("machine" in text or "mechanical" in text)


def test_data_files_are_json_objects_with_versions() -> None:
    """Every data file is a JSON object; all but the manifest carry their format's
    version (the scoring model is at 2: likelihood ratios replaced weights)."""
    formats = {"scoring.json": 2}
    for path in default_catalogue_dir().glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict), path.name
        if path.name != "catalogue.json":
            assert data.get("version") == formats.get(path.name, 1), path.name


def test_licensed_questionnaires_not_embedded() -> None:
    """KOOS, Kujala, VISA-P and friends are at most named, never reproduced."""
    text = catalogue_text()
    assert not re.search(r"(KOOS|Kujala|VISA-P|IKDC|Lysholm)", text)


def test_catalogue_path_is_data_folder() -> None:
    """Installed or not, the catalogue comes from a folder holding the manifest."""
    assert (Path(default_catalogue_dir()) / "catalogue.json").is_file()


ORDER_TO_STOP = re.compile(r"^(stop running|no running|do not run|don't run)", re.I)
SAME_DAY = re.compile(r"same[- ]day|same day|today|within a day", re.I)


def test_care_advice_never_contradicts_the_verdict_or_the_triage(
    catalogue, written_cases, published_tune_cases
) -> None:
    """The "What to do now" advice of the top condition is shown beside the run
    verdict and the triage level, so it must not order a stop where the verdict
    says run less, nor send the runner the same day where the triage says book
    an appointment: a same-day line is a safety net that starts with "If"."""
    checked = 0
    for case in [*written_cases, *published_tune_cases]:
        result = assess(catalogue, case.answers)
        for line in result.care.self_care:
            checked += 1
            if result.run_guidance.verdict != "stop":
                assert not ORDER_TO_STOP.search(line), (case.id, line)
            if result.triage.level in ("self_care", "appointment"):
                assert not SAME_DAY.search(line) or line.startswith("If "), (
                    case.id,
                    line,
                )
    assert checked > 1000  # the cases reach the advice: the test checks something
