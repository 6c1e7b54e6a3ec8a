"""The real questionnaire in a pseudo-terminal, end to end (pexpect)."""

from __future__ import annotations

import json
import re
import sys
from datetime import date, timedelta

import pytest
from helpers import kneecheck_env

from kneecheck.catalogue import load_catalogue
from kneecheck.diary import NewEntry

pexpect = pytest.importorskip("pexpect")

DOWN, SPACE, ENTER = "\x1b[B", " ", "\r"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# The end of "(leave empty if you don't know; 0-100)": a digit, then ")", with
# the terminal's line-wrapping codes allowed between them.
RANGE_HINT_END = r"\d(?:\r|\n|\x1b\[[0-9;]*[A-Za-z])*\)"


def spawn(*args: str, columns: int = 100):
    # No terminal emulator answers prompt_toolkit's cursor-position query here;
    # without this it waits about a second for the reply before every question.
    env = {
        **kneecheck_env(),
        "TERM": "xterm",
        "NO_COLOR": "1",
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    env.pop("COLUMNS", None)  # let Rich measure the pseudo-terminal itself
    child = pexpect.spawn(
        sys.executable,
        ["-m", "kneecheck", *args],
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(50, columns),
    )
    return child


def answer(child, prompt: str, keys: str, ready: str = "not sure") -> None:
    """Wait for the prompt to be fully drawn (its last choice), then type.

    Prompts are matched by their first words, which stay on one line even at
    40 columns.
    """
    child.expect(re.escape(prompt))
    child.expect(ready)
    child.send(keys)


def type_in(child, prompt: str, text: str) -> None:
    answer(child, prompt, text + ENTER, ready=RANGE_HINT_END)


def pick(n: int) -> str:
    """Choose the n-th choice (0-based) and confirm. The pointer starts on
    "Don't know", the last choice, and moving down from there wraps to the top."""
    return DOWN * (n + 1) + ENTER


def move(n: int) -> str:
    """Move down n choices from the first and confirm (prompts of `log`, which
    have no "Don't know")."""
    return DOWN * n + ENTER


def tick(*positions: int) -> str:
    """Tick the choices at these 0-based positions in a checkbox, then confirm."""
    keys, at = "", 0
    for p in sorted(positions):
        keys += DOWN * (p - at) + SPACE
        at = p
    return keys + ENTER


# every warning sign of the catalogue, then "None of these"
NONE_OF_THE_FLAGS = len(load_catalogue().red_flags)

EXPECTED = {
    "red_flags": [],
    "age": 34,
    "sex": "male",
    "side": "left",
    "where": ["outside"],
    "onset": "gradual",
    "injury": "none",
    "duration_weeks": 4,
    "worse_with": ["running", "downhill"],
    "timing": ["set_distance"],
    "feels": ["sharp", "burning"],
    "swelling": "none",
    "morning_stiffness_min": 0,
    "limp": False,
    "pain_during_run": 3,
    "pain_after_run": 2,
    "settles_by_morning": True,
    "trend": "same",
    "rested_week": False,
    "weekly_km": 40,
    "weekly_km_change_pct": 10,
    "shoe_km": 300,
    "dont_know": ["longest_run_change_pct", "new_shoes_or_surface"],
}


def drive_full_questionnaire(child, columns: int = 100) -> None:
    answer(child, "warning signs", tick(NONE_OF_THE_FLAGS))
    type_in(child, "How old are you?", "34")
    answer(child, "What is your sex?", pick(1))
    answer(child, "Which knee hurts?", pick(0))
    # the knee picture comes before the zones, when it fits the terminal
    child.expect("FRONT" if columns >= 80 else "A wider terminal shows a picture")
    answer(child, "Where does it hurt?", tick(5))
    answer(child, "How did it start?", pick(0))  # gradual
    answer(child, "Did anything happen to the knee", pick(0))  # nothing
    answer(child, "How long has it been", pick(2))  # 2 to 6 weeks
    answer(child, "What brings the pain on", tick(0, 1))
    answer(child, "When does it hurt?", tick(1))
    answer(child, "What does it feel like?", tick(1, 2))
    answer(child, "Is there any swelling?", pick(0))
    type_in(child, "After getting up in the", "0")
    answer(child, "Does the pain make you", pick(1))
    answer(child, "On your last run, how bad", pick(3))
    answer(child, "In the hours after that run", pick(2))
    answer(child, "By the next morning, had", pick(0))
    answer(child, "Over the last one or two", pick(1))
    answer(child, "Have you already rested", pick(1))
    type_in(child, "How far do you run in a", "40")
    type_in(child, "Compared with the weeks", "10")
    type_in(child, "How much longer was your", "")  # don't know
    type_in(child, "Roughly how far have you", "300")
    answer(child, "Have you recently changed", pick(2))  # don't know


@pytest.mark.timeout(90)
@pytest.mark.parametrize("columns", [80, 40])
def test_questionnaire_gives_the_same_result_as_answers_file(columns: int) -> None:
    """Driving every question by keyboard gives the result of the same --answers."""
    child = spawn("assess", "--json", "--full", columns=columns)
    drive_full_questionnaire(child, columns)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    screen = ANSI.sub("", child.before.replace("\r\n", "\n"))
    doc = json.loads(screen[screen.index('{\n  "schema_version"') :])
    assert doc["answers"] == EXPECTED
    from kneecheck.answers import validate_answers
    from kneecheck.catalogue import load_catalogue
    from kneecheck.engine import assess

    catalogue = load_catalogue()
    scripted = assess(catalogue, validate_answers(EXPECTED, catalogue)).to_dict()
    assert doc == scripted
    assert doc["conditions"][0]["id"] == "iliotibial_band_syndrome"


@pytest.mark.timeout(90)
def test_summary_then_plan_on_request() -> None:
    """After the summary, the questionnaire offers the plan for the top condition."""
    child = spawn("assess", "--full")
    drive_full_questionnaire(child)
    child.expect("Can I keep running?")
    child.expect("Show a week-by-week exercise plan for Iliotibial band")
    child.send("y")
    child.expect("Return to running")
    child.expect("Calendar")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.timeout(60)
def test_red_flag_ends_the_questionnaire_early() -> None:
    """Ticking a warning sign skips the rest and shows the urgent advice."""
    child = spawn("assess")
    answer(child, "warning signs", tick(0))  # cannot bear weight
    child.expect("EMERGENCY")
    child.expect("Go to an emergency department now")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "How old are you?" not in child.before


@pytest.mark.timeout(60)
@pytest.mark.parametrize("columns", [80, 40])
def test_ctrl_c_mid_way_exits_130(columns: int) -> None:
    """Ctrl-C at a question: one line, exit 130, no traceback, nothing stored."""
    from kneecheck.diary import open_diary

    with open_diary() as diary:  # a diary with a run, so assess would store
        diary.add_entries([NewEntry(date.today(), distance_km=5)])
    child = spawn("assess", columns=columns)
    answer(child, "warning signs", ENTER)
    answer(child, "How old are you?", "3", ready=RANGE_HINT_END)
    child.sendcontrol("c")
    child.expect("cancelled; nothing was saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in child.before
    with open_diary() as diary:
        assert diary.assessments() == []


@pytest.mark.timeout(60)
def test_interactive_log_asks_units_once_then_the_run() -> None:
    """Bare `kneecheck log` in a terminal: units on first use, then the entry."""
    child = spawn("log")
    answer(child, "kilometres or miles", move(1), ready="Miles")
    answer(child, "What are you logging?", ENTER, ready="rest day")
    child.expect("Date")
    child.send(ENTER)  # today
    child.expect(r"Distance \(mi\)")
    child.send("5" + ENTER)
    child.expect("Duration in minutes")
    child.send(ENTER)
    answer(child, "Worst pain during the run", move(3), ready="10")
    answer(child, "Pain in the hours after", move(2), ready="10")
    child.expect("Note")
    child.send("felt fine" + ENTER)
    child.expect("Logged a run of 5.0 mi")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    again = spawn("history", "--json")
    again.expect(pexpect.EOF)
    doc = json.loads(ANSI.sub("", again.before.replace("\r\n", "\n")))
    entry = doc["entries"][0]
    assert doc["units"] == "mi"
    assert (entry["pain_during"], entry["pain_after"], entry["note"]) == (
        3,
        2,
        "felt fine",
    )
    assert entry["distance_km"] == pytest.approx(8.047, abs=0.001)


@pytest.mark.timeout(60)
def test_plain_questionnaire_uses_ascii() -> None:
    """--plain: tick boxes and the pointer are plain ASCII for screen readers."""
    child = spawn("--plain", "assess")
    child.expect(re.escape("[ ] After an injury"))
    child.expect("not sure")
    screen = ANSI.sub("", child.before)
    assert "\u25cb" not in screen and "\u00bb" not in screen
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


@pytest.mark.timeout(120)
def test_diary_values_are_offered_and_kept_with_enter() -> None:
    """With a diary, the distance questions come pre-filled; Enter keeps them and
    the result says they came from the diary."""
    from kneecheck.diary import open_diary

    today = date.today()
    with open_diary() as diary:
        diary.add_entries(
            [
                NewEntry(today - timedelta(days=20), distance_km=12),
                NewEntry(today, distance_km=8),
            ]
        )
    child = spawn("assess", "--json", "--full")
    offered = False
    while True:  # Enter at every question: defaults, nothing ticked, or first choice
        found = child.expect(["not sure", RANGE_HINT_END, '"schema_version"'])
        if found == 2:
            break
        if "from your diary" in child.before:
            offered = True
        child.send(ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    screen = ANSI.sub("", child.before.replace("\r\n", "\n"))
    doc = json.loads('{\n  "schema_version"' + screen)
    assert offered
    assert doc["answers"]["weekly_km"] == doc["from_diary"]["weekly_km"] > 0


@pytest.mark.timeout(120)
@pytest.mark.parametrize("mode", ["--full", "--no-diary"])  # --no-diary: adaptive
def test_holding_enter_answers_nothing(mode: str) -> None:
    """Enter at every question, ticking nothing: every answer is "don't know".
    No limp, no rest, no pain score, no sex and no empty `where` is made up."""
    child = spawn("assess", "--json", "--no-diary", mode)
    while True:
        found = child.expect(["not sure", RANGE_HINT_END, '"schema_version"'])
        if found == 2:
            break
        child.send(ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    screen = ANSI.sub("", child.before.replace("\r\n", "\n"))
    doc = json.loads('{\n  "schema_version"' + screen)
    from kneecheck.catalogue import load_catalogue

    catalogue = load_catalogue()
    skipped = {"settles_by_morning"}  # asked only after another answer
    unknown = doc["answers"].pop("dont_know")
    assert doc["answers"] == {}
    if mode == "--full":
        assert set(unknown) >= {q.id for q in catalogue.questions} - skipped
    else:  # the interview stops once nothing left could change the result
        assert set(catalogue.interview.basics) <= set(unknown)
        assert len(unknown) < len(catalogue.questions) - len(skipped)
    assert doc["triage"]["level"] == "appointment"  # not knowing is not reassurance
    assert doc["run_guidance"]["verdict"] == "reduce"


# How to give each answer of EXPECTED at its prompt, in whatever order it comes.
BY_PROMPT = {
    "warning signs": ("red_flags", tick(NONE_OF_THE_FLAGS), "not sure"),
    "How old are you?": ("age", "34" + ENTER, RANGE_HINT_END),
    "What is your sex?": ("sex", pick(1), "not sure"),
    "Which knee hurts?": ("side", pick(0), "not sure"),
    "Where does it hurt?": ("where", tick(5), "not sure"),
    "How did it start?": ("onset", pick(0), "not sure"),
    "Did anything happen to the knee": ("injury", pick(0), "not sure"),
    "How long has it been": ("duration_weeks", pick(2), "not sure"),
    "What brings the pain on": ("worse_with", tick(0, 1), "not sure"),
    "When does it hurt?": ("timing", tick(1), "not sure"),
    "What does it feel like?": ("feels", tick(1, 2), "not sure"),
    "Is there any swelling?": ("swelling", pick(0), "not sure"),
    "After getting up in the": ("morning_stiffness_min", "0" + ENTER, RANGE_HINT_END),
    "Does the pain make you": ("limp", pick(1), "not sure"),
    "On your last run, how bad": ("pain_during_run", pick(3), "not sure"),
    "In the hours after that run": ("pain_after_run", pick(2), "not sure"),
    "By the next morning, had": ("settles_by_morning", pick(0), "not sure"),
    "Over the last one or two": ("trend", pick(1), "not sure"),
    "Have you already rested": ("rested_week", pick(1), "not sure"),
    "How far do you run in a": ("weekly_km", "40" + ENTER, RANGE_HINT_END),
    "Compared with the weeks": ("weekly_km_change_pct", "10" + ENTER, RANGE_HINT_END),
    "How much longer was your": ("longest_run_change_pct", ENTER, RANGE_HINT_END),
    "Roughly how far have you": ("shoe_km", "300" + ENTER, RANGE_HINT_END),
    "Have you recently changed": ("new_shoes_or_surface", pick(2), "not sure"),
}


@pytest.mark.timeout(90)
def test_adaptive_interview_asks_fewer_and_says_why() -> None:
    """Without --full the interview asks only what could change the result, in
    the order `kneecheck next` gives, with a progress line and (asked for) the
    reason for each question; the result is that of the same --answers."""
    import io

    from kneecheck.answers import validate_answers
    from kneecheck.catalogue import load_catalogue
    from kneecheck.engine import assess
    from kneecheck.interview import next_question, simulate

    catalogue = load_catalogue()
    gathered, count = simulate(catalogue, EXPECTED)
    so_far: dict = {}
    order, whys = [], []
    while (step := next_question(catalogue, so_far)).question is not None:
        key = step.question.id
        order.append(key)
        whys.append(step.why)
        if key in gathered:
            so_far[key] = gathered[key]
        else:
            so_far.setdefault("dont_know", []).append(key)

    child = spawn("assess", "--json", "--no-diary", "--explain-questions")
    child.logfile_read = transcript = io.StringIO()
    prompts = list(BY_PROMPT)
    asked = []
    while True:
        found = child.expect([re.escape(p) for p in prompts] + ['"schema_version"'])
        if found == len(prompts):
            break
        key, keys, ready = BY_PROMPT[prompts.pop(found)]  # redrawn while typing
        child.expect(ready)
        child.send(keys)
        asked.append(key)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert asked == order and len(asked) == count < len(catalogue.questions) - 4
    shown = re.sub(r"\s+", " ", ANSI.sub("", transcript.getvalue()))
    assert "Question 1 - about " in shown and f"Question {count} - about 0" in shown
    for why in set(whys):
        assert f"Why: {why}" in shown
    screen = ANSI.sub("", child.before.replace("\r\n", "\n"))
    doc = json.loads('{\n  "schema_version"' + screen)
    assert doc["answers"] == gathered
    assert doc == assess(catalogue, validate_answers(gathered, catalogue)).to_dict()
    assert doc["conditions"][0]["id"] == "iliotibial_band_syndrome"


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("args", "prompt"),
    [
        (["entries", "delete", "1"], "Delete entry 1"),
        (["forget"], "Delete the diary"),
        (["log", "--date", "{day}", "--distance", "4.9"], "Add this one too"),
    ],
)
def test_ctrl_d_at_a_confirm_question_is_a_cancel(args: list[str], prompt: str):
    """Ctrl-D (end of input) at a yes/no question is Ctrl-C: exit 130, one
    line, nothing written; never an internal error."""
    from kneecheck.diary import diary_path, open_diary

    day = date.today()
    with open_diary() as diary:
        diary.add_entries(
            [NewEntry(day, distance_km=5.0, source="gpx", source_key="gpx:1")]
        )
        diary.set_setting("units", "km")  # so log asks only about the run
    before = diary_path().read_bytes()
    child = spawn(*(a.replace("{day}", day.isoformat()) for a in args))
    child.expect(re.escape(prompt))
    child.expect(r"\(y/N\)")
    child.sendcontrol("d")
    child.expect("cancelled; nothing was saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.before
    assert "internal error" not in child.before
    assert diary_path().read_bytes() == before


# The way to each kind of prompt: (prompt, keys, drawn once this shows) to
# answer on the way, then the prompt to press Ctrl-D at and what shows once
# it is drawn. TODAY stands for today's date, the Date prompt's default.
TODAY = "{today}"
EVERY_PROMPT = {
    "units (select)": (["log"], [], "kilometres or miles", "Miles"),
    "log kind (select)": (["log"], [], "What are you logging?", "rest day"),
    "log date (text with a default)": (
        ["log"],
        [("What are you logging?", ENTER, "rest day")],
        "Date",
        TODAY,
    ),
    "log distance (text, typed in)": (
        ["log"],
        [("What are you logging?", ENTER, "rest day"), ("Date", ENTER, TODAY)],
        "Distance",
        r"\(km\)",
    ),
    "morning pain (select)": (["log", "--morning"], [], "this morning", "10"),
    "warning signs (checkbox)": (["assess"], [], "warning signs", "not sure"),
    "age (text, typed in)": (
        ["assess"],
        [("warning signs", ENTER, "not sure")],
        "How old are you?",
        RANGE_HINT_END,
    ),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("where", EVERY_PROMPT)
def test_ctrl_d_at_every_kind_of_prompt_is_a_cancel(where: str) -> None:
    """Ctrl-D at a select, a tick list or a text prompt (empty, with its
    default, or with something typed): exit 130 with one line, never a hang,
    and the diary is as it was."""
    from kneecheck.diary import diary_path, open_diary

    args, steps, prompt, drawn = EVERY_PROMPT[where]
    with open_diary() as diary:
        diary.add_entries([NewEntry(date.today() - timedelta(days=1), distance_km=5)])
        if where != "units (select)":
            diary.set_setting("units", "km")
    before = diary_path().read_bytes()
    # Read when the test runs, and the next day too: the prompt may be drawn
    # just after midnight.
    day = date.today()
    today = f"({day.isoformat()}|{(day + timedelta(days=1)).isoformat()})"
    child = spawn(*args)
    for step_prompt, keys, ready in steps:
        answer(child, step_prompt, keys, ready=ready.replace(TODAY, today))
    child.expect(re.escape(prompt) if drawn != RANGE_HINT_END else prompt)
    child.expect(drawn.replace(TODAY, today))
    if "typed in" in where:
        child.send("3")
    child.sendcontrol("d")
    child.expect("cancelled; nothing was saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.before
    assert "internal error" not in child.before and "Traceback" not in child.before
    assert diary_path().read_bytes() == before


@pytest.mark.timeout(60)
@pytest.mark.parametrize("key", ["c", "d"])
@pytest.mark.parametrize("at", ["units", "the entry"])
def test_a_cancelled_first_log_leaves_no_diary(key: str, at: str) -> None:
    """Ctrl-C or Ctrl-D at the first questions of the first `log` (the units,
    then what to log): exit 130, no diary file and no units setting made."""
    from kneecheck.diary import diary_path

    child = spawn("log")
    if at == "the entry":
        answer(child, "kilometres or miles", move(1), ready="Miles")
        child.expect("What are you logging?")
        child.expect("rest day")
    else:
        child.expect("kilometres or miles")
        child.expect("Miles")
    child.sendcontrol(key)
    child.expect("cancelled; nothing was saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.before
    assert not diary_path().exists()
    assert not list(diary_path().parent.glob("diary.sqlite3*"))


def test_questions_wrap_between_words_at_60_columns() -> None:
    """prompt_toolkit breaks a long line mid-word at the edge; the questionnaire
    wraps each question and choice between words and puts the hint on a line of
    its own."""
    child = spawn("assess", columns=60)
    child.expect("not sure")  # the last choice: the whole list is drawn
    shown = ANSI.sub("", child.before)
    assert "(space ticks, enter confirms)" in shown
    catalogue = load_catalogue()
    question = catalogue.question("red_flags").text
    labels = " ".join(f.label for f in catalogue.red_flags)
    for word in (question + " " + labels).split():  # labels wrap between words too
        assert word in shown, word
    child.sendcontrol("c")
    child.expect(pexpect.EOF)


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_fit_never_splits_a_word(monkeypatch, columns: int) -> None:
    from kneecheck.prompts import TICK_HINT, _fit

    monkeypatch.setenv("COLUMNS", str(columns))
    text = "First, the warning signs. Tick any that are true for you right now."
    drawn = f"? {_fit(text, TICK_HINT)} {TICK_HINT}"  # as questionary draws it
    lines = drawn.split("\n")
    assert all(len(line) < columns for line in lines)
    assert " ".join(w for line in lines for w in line.split()) == (
        f"? {text} {TICK_HINT}"
    )
    if columns == 120:  # room for all of it: one line, as before
        assert len(lines) == 1


def test_long_choices_line_up_under_their_first_line(monkeypatch) -> None:
    """At 40 columns a long label wraps between words, later lines indented to
    start under the first one's text; short labels are left alone."""
    import questionary

    from kneecheck.prompts import _lined_up

    monkeypatch.setenv("COLUMNS", "40")
    label = "I cannot lift the front of my foot, or it slaps down or drags as I walk"
    ticks = _lined_up([questionary.Choice(label), questionary.Choice("No")], tick=True)
    lines = ticks[0].title.split("\n")
    assert len(lines) > 1 and ticks[1].title == "No"
    assert all(line.startswith(" " * 5) for line in lines[1:])  # " » ○ " is 5 wide
    assert all(len(line) + (5 if i == 0 else 0) < 40 for i, line in enumerate(lines))
    assert " ".join(w for line in lines for w in line.split()) == label
    picks = _lined_up([questionary.Choice(label)], tick=False)
    second = picks[0].title.split("\n")[1]
    assert second.startswith(" " * 3) and not second.startswith(" " * 4)  # " » "


def test_plain_choices_line_up_under_the_wider_tick_box(monkeypatch) -> None:
    """--plain draws " > [ ] " before a label: later lines start 7 columns in."""
    import questionary

    from kneecheck import prompts

    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setattr(prompts, "_pointer", ">")
    monkeypatch.setattr(prompts, "_box", "[ ]")
    label = "I cannot lift the front of my foot, or it slaps down or drags as I walk"
    [choice] = prompts._lined_up([questionary.Choice(label)], tick=True)
    later = choice.title.split("\n")[1:]
    assert later and all(
        line.startswith(" " * 7) and not line.startswith(" " * 8) for line in later
    )
