"""The physio report: Markdown and one self-contained HTML page from one dict."""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from kneecheck.report import to_html, to_markdown

SCRIPT_NOTE = "<script>alert(1)</script>"
ESCAPED_NOTE = "&lt;script&gt;alert(1)&lt;/script&gt;"
PIPE_NOTE = "left | right both sore"
DISCLAIMER = (
    "kneecheck is a self-check, not a diagnosis. It cannot examine your knee, "
    "and it can be wrong."
)
RED_FLAGS = [
    ("cannot_bear_weight", "After an injury I could not take four steps"),
    ("locked", "The knee is stuck and will not straighten fully"),
    ("hot_red_swollen", "The knee is hot, red and swollen"),
    ("calf_swelling", "My calf is painful, swollen, warm or tender"),
]
SECTIONS = [
    "# kneecheck report",
    "## Latest assessment",
    "## Pain and distance over time",
    "## Pain-monitoring verdict",
    "## Shoes",
    "## Notes",
]


def run(
    day: str,
    km: float,
    during: int,
    after: int,
    morning: int,
    note: str | None = None,
    shoes: str = "Blue trainers",
) -> dict[str, Any]:
    return {
        "date": day,
        "kind": "run",
        "distance_km": km,
        "duration_min": round(km * 5.8, 1),
        "pain_during": during,
        "pain_after": after,
        "next_morning": morning,
        "settled": morning == 0,
        "shoes": shoes,
        "note": note,
        "source": "manual",
    }


def rest(day: str, morning: int) -> dict[str, Any]:
    return {
        "date": day,
        "kind": "rest",
        "distance_km": None,
        "duration_min": None,
        "pain_during": None,
        "pain_after": None,
        "next_morning": morning,
        "settled": None,
        "shoes": None,
        "note": None,
        "source": "manual",
    }


@pytest.fixture
def data() -> dict[str, Any]:
    """Four weeks of a runner whose knee got worse after a long-run spike."""
    entries = [
        run("2026-11-02", 8.0, 1, 1, 0),
        run("2026-11-04", 10.0, 2, 1, 0, "felt tight downhill"),
        run("2026-11-07", 12.0, 2, 2, 0),
        run("2026-11-09", 8.0, 2, 2, 1),
        run("2026-11-11", 10.0, 2, 3, 1, shoes="Red racers"),
        run("2026-11-14", 14.0, 3, 3, 1),
        run("2026-11-17", 8.0, 3, 3, 1),
        run("2026-11-19", 9.5, 3, 4, 2, PIPE_NOTE),
        run("2026-11-22", 21.1, 6, 7, 4, SCRIPT_NOTE),
        rest("2026-11-23", 3),
        run("2026-11-24", 5.0, 4, 4, 2),
    ]
    for number, entry in enumerate(entries, start=1):
        entry["id"] = number
    return {
        "generated": "2026-11-25T09:30:00",
        "kneecheck_version": "0.1.0",
        "units": "km",
        "disclaimer": DISCLAIMER,
        "pain_limit": 5,
        "verdict_titles": {  # the catalogue's titles, as the terminal shows them
            "stop": "Stop running for now",
            "reduce": "Keep running, but less",
            "continue": "Keep running and keep checking",
        },
        "history": {
            "from": "2026-10-28",
            "to": "2026-11-25",
            "entries": entries,
            "weeks": [
                week("2026-11-02", 30.0, 3, None, 2, 1.7),
                week("2026-11-09", 32.0, 3, 6.7, 3, 2.3),
                week("2026-11-16", 38.6, 3, 20.6, 6, 4.0),
                week("2026-11-23", 5.0, 1, -87.0, 4, 4.0),
            ],
            "spikes": [
                {
                    "date": "2026-11-22",
                    "distance_km": 21.1,
                    "previous_longest_km": 14.0,
                    "over_pct": 50.7,
                }
            ],
            "verdict": {
                "verdict": "reduce",
                "reasons": [
                    "Pain during your run on 22 Nov reached 6/10, over the 5/10 limit."
                ],
            },
            "trend": "worse",
            "shoes": [
                {
                    "name": "Blue trainers",
                    "distance_km": 612.0,
                    "start_km": 0.0,
                    "retired": False,
                    "default": True,
                    "warning": "past 500 km: the cushioning may be worn",
                },
                {
                    "name": "Red racers & spikes",
                    "distance_km": 120.0,
                    "start_km": 100.0,
                    "retired": True,
                    "default": False,
                    "warning": None,
                },
            ],
        },
        "assessment": assessment(),
        "red_flags_screened": [{"id": i, "label": label} for i, label in RED_FLAGS],
    }


def week(
    start: str, km: float, runs: int, change: float | None, worst: int, mean: float
) -> dict[str, Any]:
    return {
        "week_start": start,
        "distance_km": km,
        "runs": runs,
        "change_pct": change,
        "max_pain_during": worst,
        "mean_pain_during": mean,
    }


def assessment() -> dict[str, Any]:
    names = [
        ("patellofemoral_pain", "Patellofemoral pain (runner's knee)", 0.71, "likely"),
        ("iliotibial_band_syndrome", "Iliotibial band syndrome", 0.12, "possible"),
        ("patellar_tendinopathy", "Patellar tendinopathy", 0.08, "unlikely"),
        ("fat_pad_impingement", "Fat pad impingement", 0.04, "unlikely"),
        ("plica_syndrome", "Plica syndrome", 0.03, "unlikely"),
        ("bakers_cyst", "Baker's cyst", 0.02, "unlikely"),
    ]
    return {
        "created_at": "2026-11-24T18:00:00",
        "triage": {
            "level": "appointment",
            "title": "Book an appointment",
            "action": "See a physiotherapist or GP in the next week or two.",
            "reasons": [{"id": "worse", "message": "The pain is getting worse."}],
            "red_flags": [],
        },
        "conditions": [
            {
                "id": cid,
                "name": name,
                "score": score,
                "band": band,
                "for": ["Where it hurts: around or behind the kneecap"],
                "against": ["Start: suddenly"] if band == "unlikely" else [],
            }
            for cid, name, score, band in names
        ],
        "run_guidance": {
            "verdict": "reduce",
            "title": "Cut back and keep checking",
            "reasons": ["Pain during running was 6/10, over the 5/10 limit."],
            "advice": "Run shorter and flatter until runs stay under 5/10.",
        },
        "answers": {
            "age": 34,
            "where": ["front", "around_kneecap"],
            "red_flags": [],
            "limp": False,
            "settles_by_morning": True,
            "pain_during_run": 6,
        },
        "disclaimer": DISCLAIMER,
    }


def md_row(markdown: str, first_cell: str) -> list[str]:
    """The cells of the table row that starts with first_cell."""
    for line in markdown.splitlines():
        if line.startswith(f"| {first_cell} |"):
            # Split on '|' that is not escaped, then drop the outer empties.
            return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
    raise AssertionError(f"no row for {first_cell!r}")


# ---------------------------------------------------------------------------
# Markdown


def test_markdown_sections_in_order(data: dict[str, Any]) -> None:
    md = to_markdown(data)
    places = [
        md.index(f"\n{h}\n") if i else md.index(h) for i, h in enumerate(SECTIONS)
    ]
    assert places == sorted(places)
    # The disclaimer comes before the first section, and again at the end.
    assert md.index(DISCLAIMER) < md.index("## Latest assessment")
    assert md.rstrip().endswith(
        "Data stays on this computer; this file contains health information."
    )
    assert md.count(DISCLAIMER) == 2
    assert "Generated 25 Nov 2026 at 09:30 by kneecheck 0.1.0" in md


def test_markdown_assessment(data: dict[str, Any]) -> None:
    md = to_markdown(data)
    assert "Assessment taken on 24 Nov 2026 at 18:00." in md
    assert "**Book an appointment.** See a physiotherapist or GP" in md
    assert "- The pain is getting worse." in md
    for _, label in RED_FLAGS:
        assert md_row(md, label) == [label, "no"]
    assert md_row(md, "Pain during run") == ["Pain during run", "6"]
    assert md_row(md, "Where") == ["Where", "front, around_kneecap"]
    assert md_row(md, "Limp") == ["Limp", "no"]
    assert md_row(md, "Settles by morning") == ["Settles by morning", "yes"]
    assert md_row(md, "Red flags") == ["Red flags", "none"]
    # The top five only, ranked, with band and chance.
    assert "1. **Patellofemoral pain (runner's knee)**: likely, about 71 % chance" in md
    assert "5. **Plica syndrome**: unlikely, about 3 % chance" in md
    assert "Baker's cyst" not in md
    assert "   - Points against: Start: suddenly" in md
    assert "**Keep running, but less:** Cut back and keep checking" in md
    assert "Run shorter and flatter until runs stay under 5/10." in md


def test_markdown_history_tables(data: dict[str, Any]) -> None:
    md = to_markdown(data)
    assert "From 28 Oct 2026 to 25 Nov 2026." in md
    assert md_row(md, "24 Nov 2026") == [
        "24 Nov 2026", "5.0 km", "4/10", "4/10", "2/10", "Blue trainers", ""
    ]  # fmt: skip
    assert md_row(md, "23 Nov 2026")[:5] == [
        "23 Nov 2026",
        "rest day",
        "–",
        "–",
        "3/10",
    ]
    assert md_row(md, "11 Nov 2026")[5] == "Red racers"
    weekly = md[md.index("### Week by week") :]
    assert md_row(weekly, "16 Nov 2026") == [
        "16 Nov 2026", "38.6 km", "+20.6%", "3", "6/10"
    ]  # fmt: skip
    assert md_row(weekly, "2 Nov 2026") == ["2 Nov 2026", "30.0 km", "–", "3", "2/10"]
    assert md_row(weekly, "23 Nov 2026")[2] == "-87.0%"


def test_markdown_verdict_spikes_shoes_notes(data: dict[str, Any]) -> None:
    md = to_markdown(data)
    verdict = md[md.index("## Pain-monitoring verdict") : md.index("## Shoes")]
    assert "**Keep running, but less.**" in verdict
    assert "reached 6/10, over the 5/10 limit." in verdict
    assert "Trend in pain from week to week: getting worse." in verdict
    assert "| 22 Nov 2026 | 21.1 km | 14.0 km | 50.7% |" in verdict
    assert md_row(md, "Blue trainers")[1:] == [
        "612.0 km", "no", "yes", "past 500 km: the cushioning may be worn"
    ]  # fmt: skip
    assert md_row(md, "Red racers & spikes")[1:] == ["120.0 km", "yes", "no", "none"]
    notes = md[md.index("## Notes") :]
    assert "- 4 Nov 2026: felt tight downhill" in notes
    assert "- 22 Nov 2026: \\<script\\>alert(1)\\</script\\>" in notes


def test_markdown_pipe_in_note_stays_in_its_cell(data: dict[str, Any]) -> None:
    md = to_markdown(data)
    assert "left \\| right both sore" in md
    row = md_row(md, "19 Nov 2026")
    assert len(row) == 7
    assert row[6] == "left \\| right both sore"
    # No raw HTML can reach a Markdown renderer from a note.
    assert SCRIPT_NOTE not in md


def test_markdown_shows_only_the_last_42_entries(data: dict[str, Any]) -> None:
    start = dt.date(2026, 9, 1)
    data["history"]["entries"] = [
        dict(run((start + dt.timedelta(days=i)).isoformat(), 5.0, 1, 1, 0), id=i)
        for i in range(50)
    ]
    md = to_markdown(data)
    assert "The last 42 of 50 entries, oldest first." in md
    assert "| 8 Sep 2026 |" not in md  # entry 8 of 50 is dropped
    assert "| 9 Sep 2026 |" in md
    assert "| 20 Oct 2026 |" in md


def test_no_assessment(data: dict[str, Any]) -> None:
    data["assessment"] = None
    md = to_markdown(data)
    assert "No assessment recorded yet. Run \\`kneecheck assess\\`." in md
    assert "Warning signs screened" not in md
    page = to_html(data)
    assert "No assessment recorded yet. Run <code>kneecheck assess</code>." in page
    check_html(page)


def test_red_flag_present_and_not_asked(data: dict[str, Any]) -> None:
    data["assessment"]["answers"]["red_flags"] = ["locked", "gone_from_catalogue"]
    md = to_markdown(data)
    assert md_row(md, RED_FLAGS[1][1]) == [RED_FLAGS[1][1], "yes"]
    assert md_row(md, RED_FLAGS[0][1]) == [RED_FLAGS[0][1], "no"]
    assert md_row(md, "gone_from_catalogue") == ["gone_from_catalogue", "yes"]
    del data["assessment"]["answers"]["red_flags"]
    md = to_markdown(data)
    for _, label in RED_FLAGS:
        assert md_row(md, label) == [label, "not asked"]


def test_empty_history(data: dict[str, Any]) -> None:
    history = data["history"]
    history.update(entries=[], weeks=[], spikes=[], trend=None)
    history["verdict"] = {"verdict": "continue", "reasons": []}
    md = to_markdown(data)
    assert "No runs logged yet." in md
    assert "No notes." in md
    assert "Trend in pain from week to week: not enough entries yet to tell." in md
    assert "No run was more than 10% longer than the longest of the 30 days" in md
    assert "Runs more than 10% longer" not in md
    page = to_html(data)
    assert "<p>No runs logged yet.</p>" in page
    assert "<svg" not in page
    check_html(page)


def test_miles(data: dict[str, Any]) -> None:
    data["units"] = "mi"
    md = to_markdown(data)
    assert "Distances are in miles." in md
    assert md_row(md, "4 Nov 2026")[1] == "6.2 mi"  # 10 km
    assert md_row(md, "22 Nov 2026")[1] == "13.1 mi"  # 21.1 km
    assert "| 22 Nov 2026 | 13.1 mi | 8.7 mi | 50.7% |" in md
    assert md_row(md, "Blue trainers")[1] == "380.3 mi"
    assert md_row(md[md.index("### Week by week") :], "16 Nov 2026")[1] == "24.0 mi"
    page = to_html(data)
    assert "Distance per day (mi)" in page
    assert "6.2 mi" in page
    assert not re.search(r"\d km\b", md.replace("past 500 km", ""))


def test_unknown_units_are_refused(data: dict[str, Any]) -> None:
    data["units"] = "furlongs"
    with pytest.raises(ValueError, match="furlongs"):
        to_markdown(data)


def test_rendering_is_pure(data: dict[str, Any]) -> None:
    before = copy.deepcopy(data)
    assert to_html(data) == to_html(data)
    assert to_markdown(data) == to_markdown(data)
    assert data == before


# ---------------------------------------------------------------------------
# HTML

VOID = {"meta", "link", "br", "hr", "img", "input", "col", "area", "base", "wbr"}


class Checker(HTMLParser):
    """Every element closed, in order: the page is not left to a browser's
    error recovery, which could move text out of its table or section."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.seen: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.col_heads: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)
        if tag == "th":
            self.col_heads.append(dict(attrs))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)  # <rect/> and friends inside the SVG

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.stack and self.stack[-1] in {"h1", "h2", "h3"}:
            self.headings.append((self.stack[-1], data.strip()))


def check_html(page: str) -> Checker:
    assert page.startswith("<!DOCTYPE html>")
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.problems == []
    assert checker.stack == []
    for tag in ["html", "head", "style", "body", "header", "main", "footer"]:
        assert checker.seen.count(tag) == 1, tag
    return checker


def test_html_structure(data: dict[str, Any]) -> None:
    page = to_html(data)
    checker = check_html(page)
    assert '<html lang="en">' in page
    assert '<meta charset="utf-8">' in page
    assert "<title>kneecheck report, 25 Nov 2026 at 09:30</title>" in page
    assert "@media print" in page
    assert checker.seen.count("section") == 5
    assert checker.col_heads and all(h.get("scope") for h in checker.col_heads)
    assert sum(h.get("scope") == "col" for h in checker.col_heads) >= 30
    # Same sections in the same order as the Markdown.
    assert [h for h in checker.headings if h[0] in {"h1", "h2"}] == [
        (f"h{h.count('#')}", h.strip("# ")) for h in SECTIONS
    ]
    assert [text for tag, text in checker.headings if tag == "h3"] == [
        "Urgency",
        "Warning signs screened",
        "Answers given",
        "Possible causes",
        "Running advice",
        "Day by day",
        "Week by week",
        "Jumps in distance",
    ]
    text = " ".join(" ".join(checker.text).split())
    # The disclaimer near the top, and again in the footer with the privacy line.
    assert text.index(DISCLAIMER) < text.index("Latest assessment")
    assert text.endswith(
        "Data stays on this computer; this file contains health information."
    )
    assert text.count(DISCLAIMER) == 2
    assert "Book an appointment" in text
    assert "Keep running, but less" in text  # the verdict in words, not a colour


def test_html_escapes_user_text(data: dict[str, Any]) -> None:
    page = to_html(data)
    assert "<script" not in page
    assert ESCAPED_NOTE in page
    assert "Red racers &amp; spikes" in page
    assert "Red racers & spikes" not in page
    assert "left | right both sore" in page  # no Markdown escaping in HTML
    # Even the data's own fixed strings go through html.escape.
    data["disclaimer"] = 'Not a "diagnosis" <b>'
    assert "Not a &quot;diagnosis&quot; &lt;b&gt;" in to_html(data)


def test_no_control_character_from_data_reaches_either_report(
    data: dict[str, Any],
) -> None:
    """A stored assessment or note holding ESC, OSC, BEL or NUL (a hand-edited
    diary, a doctored backup) is shown without them in both reports."""
    hostile = "T\x1b]0;PWN\x07itle\x00\x1b[2J\x9b"
    data["assessment"]["triage"]["title"] = hostile
    data["assessment"]["conditions"][0]["name"] = hostile
    data["assessment"]["created_at"] = "2026\x1b[2J-11-24"
    data["history"]["entries"][0]["note"] = hostile
    for page in (to_markdown(data), to_html(data)):
        assert not any(c in page for c in "\x1b\x07\x00\x9b")
        assert "PWNitle" in page  # the text stays, its controls go


def test_html_is_self_contained(data: dict[str, Any]) -> None:
    page = to_html(data)
    for outside in ["http://", "https://", "src=", "href=", "url(", "@import", "<link"]:
        assert outside not in page
    assert "<script" not in page
    assert "javascript:" not in page.lower()


def test_html_chart(data: dict[str, Any]) -> None:
    page = to_html(data)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg
    assert 'aria-label="Chart of distance run per day' in svg
    assert "<title>Chart of distance run per day" in svg
    assert "5/10 limit" in svg
    assert 'stroke-dasharray="12 6"' in svg
    for words in [
        "Distance per day (km)",
        "Pain during run",
        "Pain after run",
        "Next-morning pain",
        "Pain score (0 to 10)",
        "Date",
    ]:
        assert words in svg
    # One bar per day with a run: ten runs on ten different days.
    assert svg.count('class="bar"') == 10


def test_long_period_uses_weekly_bars(data: dict[str, Any]) -> None:
    data["history"]["from"] = "2026-05-01"  # 208 days: too many for daily bars
    data["history"]["day_by_day"] = False  # as trends decides for such a period
    starts = [dt.date(2026, 5, 4) + dt.timedelta(weeks=i) for i in range(29)]
    weeks = [
        week(d.isoformat(), 20.0 + i, 3, None, 2, 1.0) for i, d in enumerate(starts)
    ]
    data["history"]["weeks"] = weeks
    page = to_html(data)
    check_html(page)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count('class="bar"') == 29
    assert "Distance per week (km)" in svg
    assert "Week starting" in svg
    assert 'aria-label="Chart of distance run per week' in svg


# ---------------------------------------------------------------------------
# A real browser

CHROMIUM = (
    shutil.which("chromium")
    or shutil.which("chromium-browser")
    or shutil.which("google-chrome")
)


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    # A fresh profile each time, and nothing that reaches the network.
    profile = tempfile.mkdtemp(prefix="kneecheck-chromium-")
    try:
        return subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.timeout(180)
def test_html_renders_in_a_real_browser(tmp_path: Path, data: dict[str, Any]) -> None:
    """The HTML report renders in headless Chromium: DOM and a non-blank screenshot.

    Skipped where no Chromium is installed, except when KNEECHECK_REQUIRE_BROWSER
    is set (.ci/run sets it after installing Debian's chromium), so CI cannot
    skip it silently.
    """
    if CHROMIUM is None:
        if os.environ.get("KNEECHECK_REQUIRE_BROWSER"):
            pytest.fail("KNEECHECK_REQUIRE_BROWSER is set but no Chromium was found")
        pytest.skip(
            "no Chromium on this machine; CI installs Debian's chromium "
            "and runs this test"
        )
    page = tmp_path / "report.html"
    page.write_text(to_html(data), encoding="utf-8")

    dumped = chromium("--dump-dom", page.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = dumped.stdout
    assert "<h1>kneecheck report</h1>" in dom
    assert "<svg" in dom and "5/10 limit" in dom
    assert ESCAPED_NOTE in dom
    assert "<script>alert(1)" not in dom

    shot = tmp_path / "shot.png"
    taken = chromium(f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri())
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.exists()
    assert shot.stat().st_size > 10_000  # a blank page is much smaller
