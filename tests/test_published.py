"""Real patients from published case reports (tests/published/): the yardstick.

Every file cites its source (a DOI or URL), carries the split that a fixed rule
gave it before any weight was changed, and holds only what the patient
reported. The figures of both splits are in the README; the suite pins the
structure of the set and, on the tune split only, the safety of triage.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from helpers import KNOWN_UNDER_TRIAGE, PUBLISHED, URGENT, problems_of, published_split

from kneecheck.catalogue import (
    CONTRACT_CONDITIONS,
    Catalogue,
    load_catalogue,
)
from kneecheck.evaluate import load_cases, run, summary

FILES = sorted(PUBLISHED.glob("*.json"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_case_file_is_sourced_and_split(path: Path, catalogue: Catalogue) -> None:
    """`source` names a DOI or URL, `split` follows the fixed rule, the id is the
    file name, and the answers and expectations are valid."""
    assert problems_of(path, catalogue) == []


def test_the_set_covers_every_condition_and_the_urgent_cases() -> None:
    """At least 80 cases, 3 per condition id, 12 whose safe triage is urgent or
    emergency; the holdout is at least a third and at least 25 cases."""
    cases = load_cases([PUBLISHED], load_catalogue())
    assert len(cases) >= 80
    per_condition = Counter(c.condition for c in cases)
    for cid in CONTRACT_CONDITIONS:
        assert per_condition[cid] >= 3, cid
    assert sum(c.triage_min in URGENT for c in cases) >= 12
    holdout = [c for c in cases if c.split == "holdout"]
    assert len(holdout) >= 25 and len(holdout) * 3 >= len(cases)


def test_published_triage_is_safe_on_the_tune_split(catalogue: Catalogue) -> None:
    """Over-triage under 15 % and no under-triage beyond the documented case, on
    the cases the model may be tuned on (the holdout is reported, never tuned to)."""
    outcomes = run(catalogue, load_cases([PUBLISHED], catalogue, split="tune"))
    assert summary(outcomes)["over_triage"] < 0.15
    assert {o.case.id for o in outcomes if o.under_triaged} == KNOWN_UNDER_TRIAGE


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"id": "x", "split": "holdout"}, "x.json: no 'source'"),
        ({"id": "x", "source": "a friend", "split": "holdout"}, "has no DOI or URL"),
        ({"id": "x", "source": "doi:10.1136/bmj.e250"}, "x.json: no 'split'"),
        (
            {"id": "x", "source": "https://example.org/case", "split": "tune"},
            "not the one the fixed rule gives",
        ),
        (
            {
                "id": "x",
                "source": "https://example.org/case",
                "split": "holdout",
                "answers": {"red_flags": ["fever", "foot_drop"]},
            },
            "x.json: red flags beyond the contract: foot_drop",
        ),
        (
            {
                "id": "x",
                "source": "https://example.org/case",
                "split": "holdout",
                "answers": {"limp": True},
            },
            "x.json: verdict must be stop (a limp)",
        ),
        (
            {
                "id": "x",
                "source": "https://example.org/case",
                "split": "holdout",
                "answers": {"pain_during_run": 3, "settles_by_morning": False},
                "verdict": "continue",
            },
            "x.json: verdict continue needs pain under the limit",
        ),
    ],
)
def test_a_bad_case_file_is_named(
    tmp_path: Path, catalogue: Catalogue, raw: dict[str, object], problem: str
) -> None:
    """A case file without a source, a split, with the wrong split, with a
    warning sign the contract does not have, or with a verdict the contract's
    rule contradicts, fails the structure test with its name."""
    expect = {
        "condition": None,
        "also_acceptable": [],
        "triage_min": "self_care",
        "triage_max": "appointment",
        "verdict": "reduce",
    }
    path = tmp_path / "x.json"
    keys = {k: v for k, v in raw.items() if k != "verdict"}
    verdict = {"verdict": raw["verdict"]} if "verdict" in raw else {}
    path.write_text(
        json.dumps({"answers": {}, **keys, "expect": {**expect, **verdict}}), "utf-8"
    )
    assert published_split("x") == "holdout"  # so "tune" is the wrong one
    assert any(problem in p for p in problems_of(path, catalogue))
