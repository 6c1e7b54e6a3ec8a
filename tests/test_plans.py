"""Exercise plans and the pain-gated return to running."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from kneecheck.catalogue import load_catalogue
from kneecheck.plans import build_plan, next_step
from kneecheck.render.markdown import plan_to_markdown as to_markdown

CATALOGUE = load_catalogue()
RTR = CATALOGUE.return_to_run
STEPS = len(RTR.steps)
START = date(2026, 12, 1)


def test_every_condition_has_a_plan_or_a_reason(catalogue) -> None:
    """Each condition gets a staged plan, or says a clinician comes first and why."""
    for cond in catalogue.conditions:
        plan = build_plan(catalogue, cond, START).to_dict()
        if cond.clinician_first:
            assert plan["clinician_first"] == cond.clinician_first
            assert plan["stages"] == [] and plan["calendar"] == []
        else:
            assert plan["stages"] and plan["calendar"], cond.id
            for stage in plan["stages"]:
                for e in stage["exercises"]:
                    assert e["dose_text"] and e["how"] and e["progression"]
                    assert e["sources"]
        assert plan["sources"], cond.id


def test_evidence_led_programmes(catalogue) -> None:
    """Tendinopathy starts isometric then goes heavy; PFP loads hip and knee."""
    tendon = build_plan(
        catalogue, catalogue.condition("patellar_tendinopathy"), START
    ).to_dict()
    first = [e["id"] for e in tendon["stages"][0]["exercises"]]
    last = [e["id"] for e in tendon["stages"][-1]["exercises"]]
    assert "isometric_knee_extension" in first
    assert "heavy_slow_resistance" in last
    pfp = build_plan(
        catalogue, catalogue.condition("patellofemoral_pain"), START
    ).to_dict()
    used = {e["id"] for s in pfp["stages"] for e in s["exercises"]}
    assert {"clamshell", "side_lying_hip_abduction"} & used  # hip
    assert {"wall_sit", "step_down"} & used  # knee


def test_calendar_dates_and_weeks(catalogue) -> None:
    """Weeks follow the start date; --weeks lays the plan out over N weeks."""
    itb = catalogue.condition("iliotibial_band_syndrome")
    plan = build_plan(catalogue, itb, START).to_dict()
    assert plan["calendar"][0]["from"] == "2026-12-01"
    assert plan["calendar"][1]["from"] == "2026-12-08"
    assert len(build_plan(catalogue, itb, START, weeks=3).to_dict()["calendar"]) == 3
    long = build_plan(catalogue, itb, START, weeks=20).to_dict()["calendar"]
    assert len(long) == 20
    assert long[-1]["runs"][-1]["step"] == STEPS + 1  # past the last step: build up
    assert "10%" in long[-1]["runs"][-1]["text"]


def test_calendar_runs_start_at_the_plan_week(catalogue) -> None:
    """No runs before the return-to-run week; then sessions with rest days between."""
    plan = build_plan(
        catalogue, catalogue.condition("iliotibial_band_syndrome"), START
    ).to_dict()
    week = plan["return_to_run"]["from_week"]
    assert all(not w["runs"] for w in plan["calendar"][: week - 1])
    runs = plan["calendar"][week - 1]["runs"]
    assert len(runs) == RTR.sessions_per_week
    days = [date.fromisoformat(r["date"]) for r in runs]
    assert all((b - a).days >= 2 for a, b in pairwise(days))
    assert runs[0]["step"] == 1


def test_plan_without_return_to_run(catalogue) -> None:
    """Conditions where running goes on within the pain rules show no walk-run."""
    plan = build_plan(
        catalogue, catalogue.condition("patellofemoral_pain"), START
    ).to_dict()
    assert plan["return_to_run"] is None
    assert all(not w["runs"] for w in plan["calendar"])


def test_gate_examples() -> None:
    """Good sessions move on after the set number; a bad one steps back."""
    d = next_step(RTR, 3, pain_during=2, settled=True, good_in_a_row=0)
    assert (d.step, d.action) == (3, "repeat")
    d = next_step(
        RTR, 3, pain_during=2, settled=True, good_in_a_row=RTR.sessions_to_advance - 1
    )
    assert (d.step, d.action) == (4, "advance")
    d = next_step(RTR, 3, pain_during=5, settled=True, good_in_a_row=5)
    assert (d.step, d.action) == (2, "back")
    assert "5/10" in d.reason
    d = next_step(RTR, 1, pain_during=1, settled=False)
    assert (d.step, d.action) == (1, "repeat")
    assert "settled" in d.reason


@settings(max_examples=300, deadline=None)
@given(st.integers(1, STEPS), st.integers(0, 10), st.booleans(), st.integers(0, 5))
def test_never_advances_after_a_bad_session(step, pain, settled, good) -> None:
    """Pain of 5/10 or more, or not settled by morning: never a step forward."""
    d = next_step(RTR, step, pain, settled, good)
    if pain >= RTR.pain_limit or not settled:
        assert d.step <= step
        assert d.action in ("back", "repeat")
        assert d.good_in_a_row == 0
    else:
        assert d.step >= step
    assert 1 <= d.step <= STEPS


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.booleans()), max_size=40))
def test_a_run_of_sessions(sessions) -> None:
    """Following the gate session by session: only good streaks ever move forward."""
    step, good = 1, 0
    for pain, settled in sessions:
        d = next_step(RTR, step, pain, settled, good)
        if d.step > step:
            assert pain < RTR.pain_limit and settled
            assert good + 1 >= RTR.sessions_to_advance
        step, good = d.step, d.good_in_a_row


def test_markdown_export(catalogue) -> None:
    """The Markdown holds the stages, the rule, the calendar and the sources."""
    plan = build_plan(catalogue, catalogue.condition("iliotibial_band_syndrome"), START)
    md = to_markdown(plan)
    assert md.startswith("# Exercise and return-to-run plan: Iliotibial band")
    for part in (
        "## Stage:",
        "| exercise | dose | how |",
        "**The rule:**",
        "## Calendar",
        "| 1 | 2026-12-01 to 2026-12-07 |",
        "## Sources",
        "As in the earlier stage.",
    ):
        assert part in md, part
    # every table row has as many cells as its header (no stray "|" in text)
    tables: list[list[str]] = [[]]
    for line in md.splitlines():
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    for table in filter(None, tables):
        assert {row.count("|") for row in table} == {table[0].count("|")}, table[0]


def test_markdown_for_clinician_first(catalogue) -> None:
    """A clinician-first condition exports its reason instead of a programme."""
    md = to_markdown(
        build_plan(catalogue, catalogue.condition("bone_stress_injury"), START)
    )
    assert "## See a clinician first" in md
    assert "## Stage:" not in md
