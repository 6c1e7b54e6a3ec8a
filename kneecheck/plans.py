"""Staged exercise programmes and the pain-gated return to running.

Pure: a plan is built from the catalogue and a start date; the gate decides the
next walk-run step from the last session's pain. Rendering lives elsewhere.
"""

import math
from datetime import date, timedelta
from typing import Any

from .catalogue import Catalogue, Condition, ReturnToRun, WalkRunStep
from .errors import UsageError
from .namedtuples import NamedTuple
from .output import document
from .pages import exercise_dict

MAX_WEEKS = 52
SESSION_DAYS = (0, 2, 4)  # running days within a plan week: rest days between


class GateDecision(NamedTuple):
    """Where the runner goes after a session, and why."""

    step: int  # 1-based
    good_in_a_row: int
    action: str  # "advance", "repeat" or "back"
    reason: str


def next_step(
    rtr: ReturnToRun, step: int, pain_during: int, settled: bool, good_in_a_row: int = 0
) -> GateDecision:
    """Apply the pain-monitoring gate to one finished session at `step` (1-based).

    A session is good when pain during it stayed under the limit and it had
    settled by the next morning. Enough good sessions in a row move the runner
    on; a bad one sends them back a step. A step is never advanced after a bad
    session.
    """
    last = len(rtr.steps)
    step = min(max(step, 1), last)
    if pain_during >= rtr.pain_limit or not settled:
        why = (
            f"pain reached {pain_during}/10"
            if pain_during >= rtr.pain_limit
            else "the pain had not settled by the next morning"
        )
        if step == 1:
            return GateDecision(1, 0, "repeat", f"{why}: repeat step 1 next time")
        return GateDecision(step - 1, 0, "back", f"{why}: go back to step {step - 1}")
    good = good_in_a_row + 1
    if good >= rtr.sessions_to_advance and step < last:
        return GateDecision(
            step + 1,
            0,
            "advance",
            f"{good} good sessions in a row: on to step {step + 1}",
        )
    if step == last and good >= rtr.sessions_to_advance:
        return GateDecision(
            step, good, "repeat", "last step done: build up normally from here"
        )
    return GateDecision(
        step,
        good,
        "repeat",
        f"a good session ({good} of {rtr.sessions_to_advance}): "
        f"repeat step {step} once more",
    )


class GateResult(NamedTuple):
    """`plan --step N --pain P`: the decision and the session it leads to."""

    decision: GateDecision
    session: str  # the next session in words

    def to_dict(self) -> dict[str, Any]:
        """The payload of the `walk_run_step` document."""
        return {
            "step": self.decision.step,
            "good_in_a_row": self.decision.good_in_a_row,
            "action": self.decision.action,
            "reason": self.decision.reason,
            "session": self.session,
        }


def gate_step(
    rtr: ReturnToRun, step: int, pain_during: int, settled: bool, good: int = 0
) -> GateResult:
    """The gate for a session the runner just did (`step` is 1-based and must
    exist), and the session to do next, in words."""
    if not 1 <= step <= len(rtr.steps):
        raise UsageError(f"--step must be 1 to {len(rtr.steps)}")
    decision = next_step(rtr, step, pain_during, settled, good)
    return GateResult(decision, step_text(rtr.steps[decision.step - 1]))


def parse_start(text: str | None) -> date:
    """A plan's first day: YYYY-MM-DD, or today when not given."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--start '{text}' is not a date like 2026-12-01") from None


def step_text(step: WalkRunStep) -> str:
    """One walk-run step in words."""
    if step.walk_min == 0:
        return f"run {step.run_min} minutes without walking"
    return (
        f"{step.repeats} x (run {step.run_min} min, walk {step.walk_min} min): "
        f"{step.run_min * step.repeats} minutes of running"
    )


class PlanResult(NamedTuple):
    """A condition's whole programme, laid out week by week (`plan --json`)."""

    catalogue_version: str
    condition: dict[str, str]  # id, name
    clinician_first: str | None  # why a clinician must see it first, if so
    clinician_first_note: str | None
    see_someone: list[str]
    start: str  # ISO date
    disclaimer: str
    weeks: int
    stages: list[dict[str, Any]]
    running: str | None
    return_to_run: dict[str, Any] | None
    calendar: list[dict[str, Any]]
    sources: list[dict[str, str]]

    def to_dict(self) -> dict[str, Any]:
        """The `plan --json` document."""
        return document("plan", self)


def build_plan(
    catalogue: Catalogue, cond: Condition, start: date, weeks: int | None = None
) -> PlanResult:
    """The whole programme for a condition, laid out week by week from `start`."""
    base: dict[str, Any] = {
        "catalogue_version": catalogue.version,
        "condition": {"id": cond.id, "name": cond.name},
        "clinician_first": cond.clinician_first,
        "clinician_first_note": catalogue.advice.clinician_first_plan
        if cond.clinician_first
        else None,
        "see_someone": list(cond.see_someone),
        "start": start.isoformat(),
        "disclaimer": catalogue.advice.disclaimer,
    }
    plan = catalogue.plans.get(cond.id)
    if plan is None:  # the loader guarantees a clinician-first reason instead
        return PlanResult(
            **base,
            weeks=0,
            stages=[],
            running=None,
            return_to_run=None,
            calendar=[],
            sources=[{"id": s, "citation": catalogue.sources[s]} for s in cond.sources],
        )
    rtr = catalogue.return_to_run
    stage_weeks = sum(s.weeks for s in plan.stages)
    run_weeks = 0
    if plan.return_to_run_week is not None:
        sessions = len(rtr.steps) * rtr.sessions_to_advance
        run_weeks = (
            plan.return_to_run_week - 1 + math.ceil(sessions / rtr.sessions_per_week)
        )
    total = max(1, min(weeks or max(stage_weeks, run_weeks), MAX_WEEKS))

    stages, first = [], 1
    for s in plan.stages:
        stages.append(
            {
                "title": s.title,
                "aim": s.aim,
                "move_on_when": s.move_on_when,
                "weeks": s.weeks,
                "from_week": first,
                "to_week": first + s.weeks - 1,
                "span": f"week {first}"
                if s.weeks == 1
                else f"weeks {first}-{first + s.weeks - 1}",
                "exercises": [
                    exercise_dict(catalogue, catalogue.exercises[e])
                    for e in s.exercises
                ],
            }
        )
        first += s.weeks
    return PlanResult(
        **base,
        weeks=total,
        stages=stages,
        running=plan.running,
        return_to_run=None
        if plan.return_to_run_week is None
        else {
            "title": rtr.title,
            "intro": rtr.intro,
            "rule": rtr.rule,
            "from_week": plan.return_to_run_week,
            "sessions_per_week": rtr.sessions_per_week,
            "sessions_to_advance": rtr.sessions_to_advance,
            "pain_limit": rtr.pain_limit,
            "evidence": rtr.evidence,
            "evidence_note": rtr.evidence_note,
            "steps": [
                {
                    "step": i,
                    "run_min": st.run_min,
                    "walk_min": st.walk_min,
                    "repeats": st.repeats,
                    "text": step_text(st),
                }
                for i, st in enumerate(rtr.steps, 1)
            ],
            "sources": [catalogue.sources[s] for s in rtr.sources],
        },
        calendar=_calendar(
            catalogue, plan.stages, plan.return_to_run_week, rtr, start, total
        ),
        sources=[
            {"id": s, "citation": catalogue.sources[s]}
            for s in dict.fromkeys((*plan.sources, *cond.sources))
        ],
    )


def _calendar(
    catalogue: Catalogue,
    stages: tuple[Any, ...],
    run_from: int | None,
    rtr: ReturnToRun,
    start: date,
    total: int,
) -> list[dict[str, Any]]:
    """Week by week; walk-run sessions show the earliest step if every one goes well."""
    out = []
    session = 0
    for week in range(1, total + 1):
        first_day = start + timedelta(days=7 * (week - 1))
        stage, upto = stages[-1], 0
        for s in stages:
            upto += s.weeks
            if week <= upto:
                stage = s
                break
        runs = []
        if run_from is not None and week >= run_from:
            for offset in SESSION_DAYS[: rtr.sessions_per_week]:
                index = session // rtr.sessions_to_advance
                text = (
                    step_text(rtr.steps[index])
                    if index < len(rtr.steps)
                    else "steady easy run; lengthen gradually, each run within "
                    "about 10% of your longest of the last 30 days"
                )
                runs.append(
                    {
                        "date": (first_day + timedelta(days=offset)).isoformat(),
                        "step": min(index + 1, len(rtr.steps) + 1),
                        "text": text,
                    }
                )
                session += 1
        out.append(
            {
                "week": week,
                "from": first_day.isoformat(),
                "to": (first_day + timedelta(days=6)).isoformat(),
                "stage": stage.title,
                "exercises": [catalogue.exercises[e].name for e in stage.exercises],
                "runs": runs,
            }
        )
    return out
