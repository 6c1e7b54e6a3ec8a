"""`kneecheck evaluate`: figures, misses, calibration, and bad case files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import ITB_EXPECT, PUBLISHED
from helpers import run_kneecheck as cli

from kneecheck.catalogue import Catalogue
from kneecheck.evaluate import (
    Case,
    Outcome,
    calibration_error,
    changes,
    reliability,
    summary,
    wilson,
)

ITB = {
    "age": 30,
    "onset": "gradual",
    "where": ["outside"],
    "worse_with": ["downhill", "running"],
    "timing": ["set_distance"],
}
EXPECT = {k: v for k, v in ITB_EXPECT.items() if k != "condition"}  # each sets one


def write(folder: Path, name: str, case: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    text = case if isinstance(case, str) else json.dumps(case)
    path.write_text(text, encoding="utf-8")
    return path


def itb_case(name: str, condition: str | None, **expect: Any) -> dict[str, Any]:
    return {
        "id": name,
        "answers": ITB,
        "expect": {**EXPECT, "condition": condition, **expect},
    }


def test_figures_and_misses(tmp_path: Path) -> None:
    """One case right, one wrong: top-1 50 %, the wrong one listed as a miss."""
    write(tmp_path, "right", itb_case("right", "iliotibial_band_syndrome"))
    write(tmp_path, "wrong", itb_case("wrong", "bakers_cyst"))
    done = cli("evaluate", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["schema_version"] == 1
    assert (doc["cases"], doc["with_condition"], doc["top1"]) == (2, 2, 0.5)
    assert doc["triage_safe"] == 1.0 and doc["verdict_agreement"] == 1.0
    assert [m["id"] for m in doc["misses"]] == ["wrong"]
    assert "bakers_cyst not in the top 3" in doc["misses"][0]["problems"][0]
    assert doc["reliability"] and 0 <= doc["calibration_error"] <= 1
    text = cli("evaluate", str(tmp_path))
    assert text.returncode == 0
    assert "right condition first (top-1)" in text.stdout
    assert "50.0 %" in text.stdout
    assert "- wrong: bakers_cyst not in the top 3" in text.stdout
    # both cases have a listed condition, so the two calibration errors agree
    assert doc["calibration_error_every_case"] == doc["calibration_error"]
    assert "ECE counting every case" in text.stdout


def test_triage_and_verdict_misses(tmp_path: Path) -> None:
    """A case wanting more urgency is under-triaged; a wrong verdict is a miss."""
    write(
        tmp_path,
        "urgent",
        itb_case(None, None, triage_min="urgent", triage_max="emergency")
        | {"id": "urgent"},
    )
    write(tmp_path, "stop", itb_case("stop", None, verdict="stop"))
    doc = json.loads(cli("evaluate", str(tmp_path), "--json").stdout)
    assert doc["under_triaged"] == 1 and doc["triage_safe"] == 0.5
    assert doc["verdict_agreement"] == 0.5
    assert doc["top1"] is None  # no case names a condition
    problems = {m["id"]: m["problems"] for m in doc["misses"]}
    assert problems["urgent"] == ["triage self_care, needs at least urgent"]
    assert problems["stop"] == ["verdict reduce, expected stop"]


def test_split_keeps_one_split(tmp_path: Path) -> None:
    """--split tune scores only the cases of that split."""
    write(tmp_path, "a", itb_case("a", "iliotibial_band_syndrome") | {"split": "tune"})
    write(tmp_path, "b", itb_case("b", "bakers_cyst") | {"split": "holdout"})
    doc = json.loads(cli("evaluate", str(tmp_path), "--split", "tune", "--json").stdout)
    assert (doc["cases"], doc["split"], doc["top1"]) == (1, "tune", 1.0)


def test_several_folders_in_one_run(tmp_path: Path) -> None:
    """Every folder given is read; the report names them."""
    write(tmp_path / "one", "a", itb_case("a", "iliotibial_band_syndrome"))
    write(tmp_path / "two", "b", itb_case("b", "iliotibial_band_syndrome"))
    doc = json.loads(
        cli("evaluate", str(tmp_path / "one"), str(tmp_path / "two"), "--json").stdout
    )
    assert doc["cases"] == 2 and len(doc["folders"]) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON (line 1"),
        ("[1, 2]", "must hold a JSON object"),
        ({"id": "x", "answers": {}}, "needs an 'id' string and an 'expect' object"),
        (
            {
                "id": "x",
                "answers": {"age": 300},
                "expect": EXPECT | {"condition": None},
            },
            "answers: 'age' is 300, out of range",
        ),
        (
            {"id": "x", "answers": {}, "expect": EXPECT | {"condition": "gout"}},
            "expect.condition names unknown condition 'gout'",
        ),
        (
            {
                "id": "x",
                "answers": {},
                "expect": EXPECT | {"condition": None, "triage_min": "soon"},
            },
            "expect.triage_min must be one of",
        ),
        (
            {
                "id": "x",
                "answers": {},
                "expect": EXPECT | {"condition": None, "triage_min": "emergency"},
            },
            "triage_min is more urgent than expect.triage_max",
        ),
        (
            {
                "id": "x",
                "answers": {},
                "expect": EXPECT | {"condition": None, "verdict": "walk"},
            },
            "expect.verdict must be one of",
        ),
        (
            {
                "id": "x",
                "split": "train",
                "answers": {},
                "expect": EXPECT | {"condition": None},
            },
            "split must be one of tune, holdout",
        ),
        ("x" * (300 * 1024), "larger than 256 KiB"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"id": "x", "answers": {"age": ' + "9" * 5000 + "}}", "5000 digits long"),
        ('{"id": "x", "answers": {"age": 30, "age": 60}}', "the key 'age' twice"),
    ],
)
def test_a_malformed_case_file_exits_1_naming_it(
    tmp_path: Path, content: Any, message: str
) -> None:
    """Exit 1 and one line that names the file and what is wrong; no figures."""
    write(tmp_path, "good", itb_case("good", "iliotibial_band_syndrome"))
    bad = write(tmp_path, "broken", content)
    done = cli("evaluate", str(tmp_path), "--json")
    assert done.returncode == 1
    assert done.stdout == ""
    assert str(bad) in done.stderr and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    done = cli("evaluate", str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert "nowhere: not a folder of case files" in done.stderr


def test_published_cases_evaluate(catalogue: Catalogue) -> None:
    """The published set runs through evaluate in one process, with every figure."""
    done = cli("evaluate", str(PUBLISHED), "--split", "tune", "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    for key in ("top1", "top3", "triage_safe", "triage_exact", "over_triage"):
        assert 0 <= doc[key] <= 1
    assert doc["calibration_error"] is not None


def outcome(probability: float, right: bool) -> Outcome:
    case = Case("c", "c.json", {}, "x", ("x",), "self_care", "urgent", "reduce", None)
    return Outcome(case, ("x" if right else "y",), probability, "self_care", "reduce")


def test_calibration_error_by_hand() -> None:
    """Two bins: 0.9 said, 1 of 2 right (error 0.4); 0.3 said, 0 of 2 right (0.3)."""
    outcomes = [outcome(0.9, True), outcome(0.9, False)] + [outcome(0.3, False)] * 2
    bins = reliability(outcomes)
    assert [(b.low, b.cases, b.confidence, b.accuracy) for b in bins] == [
        (0.3, 2, 0.3, 0.0),
        (0.9, 2, 0.9, 0.5),
    ]
    assert calibration_error(outcomes) == pytest.approx(0.35)
    perfect = [outcome(1.0, True)] * 3
    assert calibration_error(perfect) == 0.0
    assert summary([])["calibration_error"] is None


def test_calibration_every_case_counts_no_listed_cause_as_wrong() -> None:
    """A case whose cause is none of the listed conditions is left out of the
    usual ECE, but in the every-case ECE its top probability was wrong."""
    none = outcome(0.9, False)._replace(
        case=outcome(0.9, False).case._replace(condition=None)
    )
    outcomes = [outcome(0.9, True), none]
    assert calibration_error(outcomes) == pytest.approx(0.1)
    assert calibration_error(outcomes, every_case=True) == pytest.approx(0.4)
    assert summary(outcomes)["calibration_error_every_case"] == pytest.approx(0.4)


def test_baseline_lists_what_a_catalogue_change_moved(
    tmp_path: Path, catalogue_copy: Path
) -> None:
    """--baseline runs the cases on the catalogue from before a change: its
    figures beside today's, and each case that moved, in words."""
    cases = tmp_path / "cases"
    write(cases, "itb", itb_case("itb", "iliotibial_band_syndrome"))
    scoring = catalogue_copy / "scoring.json"
    doc = json.loads(scoring.read_text(encoding="utf-8"))
    for feature in doc["conditions"]["iliotibial_band_syndrome"]["features"]:
        if feature.get("value") == "outside":  # the baseline hid the lateral pain
            feature["lr"] = 0.05
    scoring.write_text(json.dumps(doc), encoding="utf-8")
    done = cli("evaluate", str(cases), "--json", "--baseline", str(catalogue_copy))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    before = report["baseline"]
    assert before["catalogue"] == str(catalogue_copy.resolve())
    assert (before["top1"], report["top1"]) == (0.0, 1.0)
    [moved] = before["changed"]
    assert moved["id"] == "itb" and moved["file"].endswith("itb.json")
    assert moved["changes"][0].startswith("iliotibial_band_syndrome ")
    assert moved["changes"][0].endswith(" -> first")
    # what else moved with it (triage, verdict) depends on the refitted ratios;
    # the wording of those lines is pinned by test_changes_in_words
    assert all(
        c.startswith(("triage ", "verdict ")) and " -> " in c
        for c in moved["changes"][1:]
    )
    text = cli("evaluate", str(cases), "--baseline", str(catalogue_copy)).stdout
    assert "Against the baseline" in text and "Cases that moved (1)" in text
    assert "- itb: iliotibial_band_syndrome" in text


def test_without_a_baseline_nothing_is_compared(tmp_path: Path) -> None:
    write(tmp_path, "itb", itb_case("itb", "iliotibial_band_syndrome"))
    done = cli("evaluate", str(tmp_path), "--json")
    assert json.loads(done.stdout)["baseline"] is None
    assert "Against the baseline" not in cli("evaluate", str(tmp_path)).stdout


def test_a_broken_baseline_is_named(tmp_path: Path) -> None:
    write(tmp_path, "itb", itb_case("itb", "iliotibial_band_syndrome"))
    done = cli("evaluate", str(tmp_path), "--baseline", str(tmp_path / "nowhere"))
    assert done.returncode == 3 and done.stdout == ""
    assert "nowhere" in done.stderr and "Traceback" not in done.stderr


def test_changes_in_words() -> None:
    """Each scored thing that moved, with whether it moved the right way."""
    case = Case("c", "c.json", {}, "x", ("x",), "urgent", "urgent", "stop", None)
    weak = Outcome(case, ("y", "x"), 0.4, "appointment", "reduce")
    strong = Outcome(case, ("x",), 0.6, "urgent", "stop")
    too_much = Outcome(case, ("x",), 0.6, "emergency", "stop")
    assert changes(weak, strong) == [
        "x in the top 3 -> first",
        "triage appointment -> urgent (now safe)",
        "verdict reduce -> stop (now agrees)",
    ]
    assert changes(strong, weak) == [
        "x first -> in the top 3",
        "triage urgent -> appointment (now too little)",
        "verdict stop -> reduce (no longer agrees)",
    ]
    assert changes(strong, too_much) == ["triage urgent -> emergency (now too much)"]
    assert changes(too_much, strong) == [
        "triage emergency -> urgent (now within range)"
    ]
    assert changes(strong, strong) == []
    far = Outcome(case, ("y", "z", "w", "x"), 0.4, "urgent", "stop")
    assert changes(far, strong) == ["x outside the top 3 -> first"]


def test_wilson_interval_by_hand() -> None:
    """The 95 % Wilson interval: known values, the 0 % and 100 % ends, no cases."""
    assert wilson(1, 2) == [0.0945, 0.9055]
    assert wilson(0, 10) == [0.0, 0.2775]
    assert wilson(10, 10) == [0.7225, 1.0]
    assert wilson(0, 0) is None


def test_each_share_carries_its_95_range(tmp_path: Path) -> None:
    """JSON and text give each share's 95 % range, so small moves are not news."""
    write(tmp_path, "right", itb_case("right", "iliotibial_band_syndrome"))
    write(tmp_path, "wrong", itb_case("wrong", "bakers_cyst"))
    doc = json.loads(cli("evaluate", str(tmp_path), "--json").stdout)
    assert doc["intervals_95"]["top1"] == wilson(1, 2)
    assert doc["intervals_95"]["triage_safe"] == wilson(2, 2)
    text = cli("evaluate", str(tmp_path)).stdout
    assert "50.0 %  (95 % range 9-91)" in text


def test_a_case_the_baseline_cannot_read_is_named_as_such(
    tmp_path: Path, catalogue_copy: Path
) -> None:
    """A case file valid today but not for the baseline (here: a warning sign
    the older catalogue lacks) stops it with exit 1, saying which catalogue."""
    case = itb_case("new_sign", None) | {"answers": {**ITB, "red_flags": ["foot_drop"]}}
    case_file = write(tmp_path / "cases", "new_sign", case)
    triage = json.loads((catalogue_copy / "triage.json").read_text(encoding="utf-8"))
    triage["red_flags"] = [f for f in triage["red_flags"] if f["id"] != "foot_drop"]
    (catalogue_copy / "triage.json").write_text(json.dumps(triage), encoding="utf-8")
    scoring = json.loads((catalogue_copy / "scoring.json").read_text(encoding="utf-8"))
    other = scoring["something_else"]
    other["features"] = [f for f in other["features"] if f["value"] != "foot_drop"]
    (catalogue_copy / "scoring.json").write_text(json.dumps(scoring), encoding="utf-8")
    done = cli("evaluate", str(tmp_path / "cases"), "--baseline", str(catalogue_copy))
    assert done.returncode == 1 and done.stdout == ""
    assert str(case_file) in done.stderr
    assert "read by the baseline catalogue" in done.stderr


def test_a_case_id_never_steers_the_terminal(tmp_path: Path) -> None:
    """An id is a file's text: shown without its control characters."""
    write(tmp_path, "evil", itb_case("evil\x1b[31mRED\x07", "bakers_cyst"))
    done = cli("evaluate", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "- evil[31mRED: bakers_cyst not in the top 3" in done.stdout
    assert "\x1b[31m" not in done.stdout and "\x07" not in done.stdout
