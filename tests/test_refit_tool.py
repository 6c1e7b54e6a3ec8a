"""The likelihood-ratio refit (.tools/refit_lrs.py) and what it leaves in the
catalogue: every moved ratio names its hand estimate and stays on its side."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import ModuleType

from helpers import PUBLISHED, load_tool

from kneecheck.catalogue import load_catalogue
from kneecheck.engine import rank_conditions
from kneecheck.evaluate import load_cases

ROOT = Path(__file__).resolve().parent.parent
SCORING = ROOT / "data" / "scoring.json"


def tool() -> ModuleType:
    return load_tool("refit_lrs")


def features() -> list[tuple[str, dict]]:
    scoring = json.loads(SCORING.read_text(encoding="utf-8"))
    return [
        (cid, feat)
        for cid, entry in scoring["conditions"].items()
        for feat in entry["features"]
    ]


def test_dump_keeps_the_catalogue_layout() -> None:
    """A refit rewrites scoring.json in its own layout, so only ratios change."""
    text = SCORING.read_text(encoding="utf-8")
    assert tool().dump(json.loads(text)) + "\n" == text


def test_hand_estimate_is_read_back_from_the_note() -> None:
    """A later refit starts from the clinician's figure, not the last refit."""
    scoring = {
        "conditions": {
            "x": {
                "features": [
                    {
                        "lr": 2.7,
                        "basis": "estimate",
                        "note": "The hand estimate was 2.",
                    },
                    {"lr": 0.4, "basis": "estimate"},
                    {"lr": 9.8, "basis": "published", "source": "s"},
                ]
            }
        }
    }
    assert tool().hand_estimates(scoring) == {("x", 0): 2.0, ("x", 1): 0.4}


def test_hand_estimate_follows_the_note_as_its_own_sentence() -> None:
    """The suffix never runs on from the clinician's last words."""
    with_hand = tool().with_hand
    assert with_hand("", 2) == "The hand estimate was 2."
    assert with_hand("estimated", 2) == "estimated. The hand estimate was 2."
    assert with_hand("Set low.", 0.5) == "Set low. The hand estimate was 0.5."
    pattern = tool().HAND
    for cid, feat in features():
        note = feat.get("note", "")
        if pattern.search(note) and (head := pattern.sub("", note)):
            assert head.endswith((".", "!", "?", ")")), (cid, note)


def test_refit_ratios_name_their_hand_estimate_and_keep_their_side() -> None:
    """An answer that counted for a condition still counts for it after the
    refit, and a clinician can see both figures; published ratios never move."""
    pattern = tool().HAND
    moved = 0
    for cid, feat in features():
        found = pattern.search(feat.get("note", ""))
        if not found:
            continue
        moved += 1
        hand = float(found.group(1))
        assert feat["basis"] == "estimate", (cid, feat)
        assert (feat["lr"] > 1) == (hand > 1), (cid, feat)
        assert abs(math.log(feat["lr"] / hand)) >= 0.05, (cid, feat)
    assert moved > 0


def test_a_held_estimate_keeps_the_clinicians_figure() -> None:
    """An estimate marked "refit": false is left at the clinician's figure: no
    hand-estimate suffix, and the refit's free set leaves it out."""
    pattern = tool().HAND
    held = [(cid, f) for cid, f in features() if f.get("refit") is False]
    assert held, "the sprain's sudden start is held"
    for cid, feat in held:
        assert feat["basis"] == "estimate", cid
        assert not pattern.search(feat.get("note", "")), (cid, feat)
    est = {"basis": "estimate", "lr": 2}
    scoring = {
        "conditions": {
            "a": {"features": [est, {**est, "refit": False}]},
            "b": {"features": [{"basis": "published", "lr": 3}, est]},
        }
    }
    assert tool().refittable(scoring) == {("a", 0), ("b", 1)}


def test_cross_validation_folds_come_from_the_case_id() -> None:
    """A case's fold is its id's alone (so adding cases never reshuffles the
    others), every fold is used, and none holds much more than its share."""
    refit = tool()
    ids = sorted(p.stem for p in (ROOT / "tests" / "published").glob("*.json"))
    folds = [refit.fold_of(i) for i in ids]
    assert set(folds) == set(range(refit.FOLDS))
    share = len(ids) / refit.FOLDS
    assert all(abs(folds.count(k) - share) < share * 0.2 for k in range(refit.FOLDS))
    # pinned: a change of rule would move every case and void comparisons
    assert refit.fold_of("bakers_cyst-crira2012-fmf") == 0
    assert refit.fold_of("plica_syndrome-nakamura") == 2


def test_hand_copy_puts_every_estimate_back_at_the_clinicians_figure() -> None:
    """The refit table's baseline: each moved ratio at the figure its note
    names, the note without that sentence, and nothing else changed."""
    refit = tool()
    scoring = json.loads(SCORING.read_text(encoding="utf-8"))
    hand = refit.hand_scoring(scoring)
    moved = 0
    for cid, entry in scoring["conditions"].items():
        old = hand["conditions"][cid]["features"]
        for now, was in zip(entry["features"], old, strict=True):
            found = refit.HAND.search(now.get("note", ""))
            if found:
                moved += 1
                assert was["lr"] == float(found.group(1))
                assert "The hand estimate was" not in was.get("note", "")
                assert {k: v for k, v in now.items() if k not in ("lr", "note")} == {
                    k: v for k, v in was.items() if k not in ("lr", "note")
                }
            else:
                assert was == now
    assert moved > 100  # the refit has moved ratios: the test compares something
    assert {k: v for k, v in hand.items() if k != "conditions"} == {
        k: v for k, v in scoring.items() if k != "conditions"
    }


def test_cross_validation_ranks_only_the_listed_conditions() -> None:
    """The cross-validated hits and calibration pairs rank as `evaluate` does:
    a condition no answer speaks for is never shown, however high its prior,
    and a case with nothing listed is a miss at probability 0."""
    refit = tool()
    th = {("b", 0): math.log(3.0)}
    # "a" has the bigger prior but no answer for it; only "b" is listed
    case = refit.Prepared(
        [("a", 50.0, []), ("b", 5.0, [0])], 45.0, 0.0, ("b",), 1.0, ("b",)
    )
    probs = refit.probabilities(th, case, 1.0)
    assert probs["a"] > probs["b"]
    _, one, three, pairs = refit.score(th, [case], 1.0)
    assert (one, three) == (1, 1)
    assert pairs == [(probs["b"], True)]
    unlisted = case._replace(listed=())
    assert refit.score(th, [unlisted], 1.0)[1:] == (0, 0, [(0.0, False)])


def test_cross_validation_lists_what_the_engine_lists() -> None:
    """What the fit's cases list is what a result lists for the same answers:
    the ranking rule has one home, the engine."""
    refit = tool()
    cat = load_catalogue()
    cases = load_cases([PUBLISHED], cat, "tune")
    for case, prepared in zip(cases, refit.prepare(cat, cases, 1.0), strict=True):
        ranked, _ = rank_conditions(cat, case.answers)
        assert set(prepared.listed) == {r.id for r in ranked}, case.id
