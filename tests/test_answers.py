"""The answers contract: every bad input is a clear error naming the key."""

from __future__ import annotations

from typing import Any

import pytest

from kneecheck.answers import read_answers, validate_answers
from kneecheck.errors import AnswersError, ExitCode


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "answers must be a JSON object, not a list"),
        ("x", "answers must be a JSON object"),
        ({"elbow": 1}, "unknown answer key 'elbow'"),
        ({"age": "30"}, "'age' must be a whole number"),
        ({"age": 30.5}, "'age' must be a whole number"),
        ({"age": True}, "'age' must be a whole number, not true/false"),
        ({"age": 4}, "'age' is 4, out of range (5 to 100)"),
        ({"age": 101}, "'age' is 101, out of range"),
        ({"pain_during_run": 11}, "'pain_during_run' is 11, out of range (0 to 10)"),
        ({"pain_after_run": -1}, "'pain_after_run' is -1, out of range"),
        ({"morning_stiffness_min": 601}, "'morning_stiffness_min' is 601"),
        ({"weekly_km": -5}, "'weekly_km' is -5, out of range"),
        ({"weekly_km": "ten"}, "'weekly_km' must be a number"),
        ({"limp": "yes"}, "'limp' must be true or false"),
        ({"limp": 1}, "'limp' must be true or false"),
        ({"sex": "f"}, "'sex' has unknown value 'f'"),
        ({"onset": 3}, "'onset' must be a string"),
        ({"where": "outside"}, "'where' must be a list of strings"),
        ({"where": ["elbow"]}, "'where' has unknown id 'elbow'"),
        ({"where": [1]}, "'where' must list strings"),
        ({"red_flags": ["tired"]}, "'red_flags' has unknown id 'tired'"),
        ({"feels": ["pop", "itchy"]}, "'feels' has unknown id 'itchy'"),
        ({"duration_weeks": -1}, "'duration_weeks' is -1, out of range (0 to 1040)"),
        ({"duration_weeks": 1041}, "'duration_weeks' is 1041, out of range"),
        ({"duration_weeks": float("nan")}, "'duration_weeks' must be a number"),
        ({"duration_weeks": float("inf")}, "'duration_weeks' must be a number"),
        ({"duration_weeks": "3 weeks"}, "'duration_weeks' must be a number"),
        ({"duration_weeks": True}, "'duration_weeks' must be a number"),
        ({"dont_know": "age"}, "'dont_know' must be a list of answer keys"),
        ({"dont_know": [3]}, "'dont_know' must list strings"),
        ({"dont_know": ["elbow"]}, "'dont_know' names unknown answer key 'elbow'"),
        ({"dont_know": ["dont_know"]}, "'dont_know' names unknown answer key"),
        ({"age": 30, "dont_know": ["age"]}, "'dont_know' lists 'age', which is also"),
    ],
)
def test_bad_answers_name_the_key(catalogue, raw: Any, message: str) -> None:
    """Wrong types, unknown keys and ids, and out-of-range values are errors."""
    with pytest.raises(AnswersError) as info:
        validate_answers(raw, catalogue)
    assert message in info.value.message
    assert info.value.exit_code == ExitCode.USAGE


def test_normalisation_dedupes_and_orders_lists(catalogue) -> None:
    """Lists lose duplicates; lists and keys come back in catalogue order."""
    got = validate_answers(
        {"where": ["outside", "around_kneecap", "outside"], "age": 30}, catalogue
    )
    assert got == {"age": 30, "where": ["around_kneecap", "outside"]}
    assert list(got) == ["age", "where"]


def test_an_empty_where_is_dont_know_but_an_empty_list_with_none_is_none(
    catalogue,
) -> None:
    """Pain is somewhere, so `where: []` (what the old questionnaire stored when
    nothing was ticked) says nothing and must not count against every place;
    for a question that offers "none of these", [] is that answer."""
    got = validate_answers({"where": [], "worse_with": [], "feels": []}, catalogue)
    # recorded as "don't know", as the questionnaire does, so `next` moves on
    assert got == {"worse_with": [], "feels": [], "dont_know": ["where"]}
    got = validate_answers(
        {"where": [], "dont_know": ["limp", "where", "age"]}, catalogue
    )
    assert got == {"dont_know": ["age", "where", "limp"]}


def test_null_means_dont_know(catalogue) -> None:
    """A null answer is the same as leaving the key out."""
    assert validate_answers({"age": None, "limp": None}, catalogue) == {}


def test_every_contract_key_accepted(catalogue) -> None:
    """A full answers object using every key of the contract validates unchanged."""
    full = {
        "age": 30,
        "sex": "female",
        "side": "both",
        "onset": "sudden",
        "injury": "twist",
        "where": ["inside"],
        "worse_with": ["twisting"],
        "timing": ["at_rest"],
        "feels": ["catching"],
        "swelling": "mild",
        "morning_stiffness_min": 0,
        "red_flags": [],
        "limp": False,
        "pain_during_run": 0,
        "pain_after_run": 0,
        "settles_by_morning": True,
        "trend": "better",
        "rested_week": False,
        "weekly_km": 12.5,
        "weekly_km_change_pct": -10,
        "longest_run_change_pct": 0,
        "shoe_km": 0,
        "new_shoes_or_surface": False,
        "duration_weeks": 0.4,
    }
    assert validate_answers(full, catalogue) == full
    unsure = {"dont_know": ["limp", "age"]}  # 1.1: kept, in catalogue order
    assert validate_answers(unsure, catalogue) == {"dont_know": ["age", "limp"]}


def test_duration_weeks_takes_any_number_in_range(catalogue) -> None:
    """Fractions and whole numbers from --answers; 0 and 1040 are the ends."""
    for weeks in (0, 0.4, 6, 52.5, 1040):
        assert validate_answers({"duration_weeks": weeks}, catalogue) == {
            "duration_weeks": weeks
        }


def test_nan_in_an_answers_file_is_refused(catalogue, tmp_path) -> None:
    """Python's JSON reader accepts NaN; the answers never do."""
    path = tmp_path / "a.json"
    path.write_text('{"duration_weeks": NaN}', encoding="utf-8")
    with pytest.raises(
        AnswersError, match=r"'duration_weeks' must be a number, not NaN$"
    ):
        read_answers(str(path), catalogue)
    path.write_text('{"duration_weeks": -Infinity}', encoding="utf-8")
    with pytest.raises(AnswersError, match=r"must be a number, not infinity$"):
        read_answers(str(path), catalogue)


def test_byte_order_mark_is_accepted(catalogue, tmp_path) -> None:
    """Answers saved by an editor that writes a UTF-8 BOM still load."""
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"age": 40}')
    assert read_answers(str(path), catalogue) == {"age": 40}


def test_read_answers_file_errors(catalogue, tmp_path) -> None:
    """Missing files, folders and malformed JSON give one clear line each."""
    with pytest.raises(AnswersError, match=r"answers file not found: nope\.json"):
        read_answers("nope.json", catalogue)
    with pytest.raises(AnswersError, match="is a folder"):
        read_answers(str(tmp_path), catalogue)
    bad = tmp_path / "bad.json"
    bad.write_text('{"age": 30,', encoding="utf-8")
    with pytest.raises(AnswersError, match=r"not valid JSON \(line 1, column 12"):
        read_answers(str(bad), catalogue)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(AnswersError, match="cannot read answers file"):
        read_answers(str(binary), catalogue)


@pytest.mark.parametrize(
    "text",
    [
        '{"duration_weeks": -1}',
        '{"duration_weeks": NaN}',
        '{"duration_weeks": "long"}',
        '{"duration_weeks": 2000}',
    ],
)
def test_bad_duration_from_the_command_line(text: str) -> None:
    """One line naming the key, exit 2, nothing on standard output."""
    from helpers import run_kneecheck

    done = run_kneecheck("assess", "--answers", "-", "--json", stdin=text)
    assert done.returncode == 2 and done.stdout == ""
    assert "'duration_weeks'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
