"""The case set and the shared vignettes: accuracy, triage safety, run verdicts.

`python tests/accuracy.py -v` prints the same numbers and every miss.
"""

from __future__ import annotations

from typing import Any

import pytest
from accuracy import LEVELS, run, summary
from conftest import all_cases

from kneecheck.answers import validate_answers
from kneecheck.engine import assess

CASES = all_cases()


def test_case_set_is_big_enough() -> None:
    """At least 60 own cases, with several for every contract condition."""
    from conftest import CASES as folder
    from conftest import load_cases

    own = load_cases(folder)
    assert len(own) >= 60
    from kneecheck.catalogue import CONTRACT_CONDITIONS

    for cid in CONTRACT_CONDITIONS:
        assert sum(c["expect"]["condition"] == cid for c in own) >= 3, cid


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(catalogue, case: dict[str, Any]) -> None:
    """Verdict exact, triage never less urgent than expected, condition in the top 3."""
    result = assess(catalogue, validate_answers(case["answers"], catalogue))
    expect = case["expect"]
    assert result.run_guidance.verdict == expect["verdict"]
    assert LEVELS.index(result.triage.level) >= LEVELS.index(expect["triage_min"])
    assert LEVELS.index(result.triage.level) <= LEVELS.index(expect["triage_max"])
    if expect["condition"]:
        wanted = {expect["condition"], *expect["also_acceptable"]}
        assert wanted & {c.id for c in result.conditions[:3]}


def test_accuracy_targets(catalogue) -> None:
    """Top-1 at least 85 % and top-3 at least 95 % over all cases with a condition."""
    s = summary(run(catalogue, CASES))
    assert s["top1"] >= 0.85, s
    assert s["top3"] >= 0.95, s
    assert s["under_triaged"] == 0, s
    assert s["verdict_mismatches"] == 0, s
