"""The staging check for new published cases (.tools/add_cases.py): it refuses
the mechanical slips a reviewer can miss, and copies only good files."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest
from helpers import ITB_EXPECT, PUBLISHED, load_tool, published_split

# the split the fixed rule does not give the test's case
WRONG_SPLIT = "tune" if published_split("itbs-test-30m") == "holdout" else "holdout"


def tool() -> ModuleType:
    return load_tool("add_cases")


def staged(folder: Path, cid: str, **changes: object) -> Path:
    """A valid case file in the staging folder, with changes on top."""
    raw = {
        "id": cid,
        "source": "https://example.org/new-case",
        "split": published_split(cid),
        "summary": "A made-up patient for this test.",
        "answers": {"age": 30, "sex": "male", "where": ["outside"]},
        "expect": dict(ITB_EXPECT),
        **changes,
    }
    path = folder / f"{cid}.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_citations_match_across_spellings() -> None:
    cite = tool().citations
    assert cite("doi:10.1136/BCR-2020-1. https://x.org/a/?utm_source=feed") == {
        "10.1136/bcr-2020-1",
        "https://x.org/a",
    }
    # the language or viewer of a page, or the part of a multi-page case, does
    # not make it another report; the parameters that name the page stay, sorted
    assert cite("https://s.org/scielo.php?lng=pt&pid=S01&script=x&tlng=pt") == {
        "https://s.org/scielo.php?pid=s01"
    }
    assert cite("https://a.org/case.html?Part=4&StartPos=460") == {
        "https://a.org/case.html"
    }
    assert cite("https://k.org/c?idx=126&gubun=5&page=91") == {
        "https://k.org/c?gubun=5&idx=126"
    }
    assert cite("https://l.org/Text.aspx?page=156488") == {
        "https://l.org/text.aspx?page=156488"
    }


def test_pages_told_apart_by_their_query_are_two_sources() -> None:
    """Two reports on one site that differ only by ?id= or ?p= are not one
    source (the check used to drop the whole query and refuse the second)."""
    cite = tool().citations
    assert cite("https://e.org/case.php?id=7125") != cite(
        "https://e.org/case.php?id=8013"
    )
    assert cite("https://j.org/wp/?p=1") != cite("https://j.org/wp/?p=2")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, None),
        ({"split": "other"}, "no 'split' (tune or holdout)"),
        ({"split": WRONG_SPLIT}, "'split' is not the one the fixed rule gives"),
        ({"id": "elsewhere"}, "'id' is not the file name"),
        ({"note": "x"}, "unknown keys: note"),
        ({"source": "a friend told me"}, "'source' has no DOI or URL"),
        ({"answers": {"limp": True}}, "verdict must be stop (a limp)"),
        ({"answers": {"age": 300}}, "answers: 'age' is 300, out of range"),
    ],
)
def test_each_slip_is_refused(
    tmp_path: Path, catalogue, changes: dict, problem: str | None
) -> None:
    path = staged(tmp_path, "itbs-test-30m", **changes)
    problems, _ = tool().check(path, catalogue, {}, {})
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_a_report_already_in_the_set_is_refused(tmp_path: Path, catalogue) -> None:
    mod = tool()
    known = mod.cited_in(PUBLISHED)
    taken = next(iter(known))
    path = staged(tmp_path, "itbs-test-30m", source=f"A report. {taken}")
    problems, _ = mod.check(path, catalogue, known, {})
    assert f"{known[taken]} already cites {taken}" in problems


def test_two_patients_of_one_staged_report_are_noted_not_refused(
    tmp_path: Path, catalogue
) -> None:
    mod = tool()
    seen: dict[str, str] = {}
    first = staged(tmp_path, "itbs-test-a-30m", source="https://example.org/series")
    second = staged(tmp_path, "itbs-test-b-41f", source="https://example.org/series")
    assert mod.check(first, catalogue, {}, seen) == ([], [])
    problems, notes = mod.check(second, catalogue, {}, seen)
    assert problems == []
    assert notes == ["same report as staged itbs-test-a-30m: check the patients differ"]


def test_write_copies_only_the_good_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--write copies what passed into the set and exits 1 while any is refused."""
    mod = tool()
    target = tmp_path / "published"
    target.mkdir()
    monkeypatch.setattr(mod, "PUBLISHED", target)
    stage = tmp_path / "stage"
    stage.mkdir()
    staged(stage, "itbs-test-good-30m", source="https://example.org/good")
    staged(stage, "itbs-test-bad-30m", split="nope", source="https://example.org/b")
    monkeypatch.setattr("sys.argv", ["add_cases.py", str(stage), "--write"])
    with pytest.raises(SystemExit) as done:
        mod.main()
    assert done.value.code == 1
    assert [p.name for p in target.iterdir()] == ["itbs-test-good-30m.json"]
    out = capsys.readouterr().out
    assert "REFUSED " in out and "no 'split' (tune or holdout)" in out
