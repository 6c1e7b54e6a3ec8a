"""The written case sets and the shared vignettes: accuracy, triage, verdicts.

`kneecheck evaluate tests/cases tests/holdout ../shared/vignettes` prints the
same figures and every miss.
"""

from __future__ import annotations

import pytest
from helpers import CASES, HOLDOUT, VIGNETTES

from kneecheck.catalogue import CONTRACT_CONDITIONS, Catalogue, load_catalogue
from kneecheck.evaluate import Case, load_cases, run, summary

FOLDERS = [CASES, HOLDOUT] + ([VIGNETTES] if VIGNETTES.is_dir() else [])
WRITTEN: list[Case] = load_cases(FOLDERS, load_catalogue())


def test_case_set_is_big_enough(catalogue: Catalogue) -> None:
    """At least 60 own cases, with several for every contract condition."""
    own = load_cases([CASES], catalogue)
    assert len(own) >= 60
    for cid in CONTRACT_CONDITIONS:
        assert sum(c.condition == cid for c in own) >= 3, cid


@pytest.mark.parametrize("case", WRITTEN, ids=[c.id for c in WRITTEN])
def test_case(catalogue: Catalogue, case: Case) -> None:
    """Verdict exact, triage within the expected range, condition in the top 3."""
    (outcome,) = run(catalogue, [case])
    assert outcome.verdict_ok, outcome.misses()
    assert not outcome.under_triaged and not outcome.over_triaged, outcome.misses()
    if case.condition:
        assert outcome.top3, outcome.misses()


def test_textbook_accuracy_targets(catalogue: Catalogue) -> None:
    """No loss on textbook presentations: top-1 at least 95 % over the written
    cases and the vignettes, never less urgent than needed, every verdict right."""
    s = summary(run(catalogue, WRITTEN))
    assert s["top1"] >= 0.95, s
    assert s["top3"] >= 0.98, s
    assert s["under_triaged"] == 0, s
    assert s["verdict_agreement"] == 1.0, s
