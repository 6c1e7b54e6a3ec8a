"""The check as library functions: prefill from the diary, assess, store.

Nothing here imports SQLite unless the diary is used, so `assess --no-diary`
starts quickly.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from .. import engine
from ..answers import DONT_KNOW_KEY, Answers, validate_answers
from ..catalogue import Catalogue
from ..catalogue.types import QUESTION_TYPES
from ..engine import Assessment
from ..errors import AnswersError
from ..namedtuples import NamedTuple

if TYPE_CHECKING:
    from ..plans import PlanResult

# ---------------------------------------------------------------- assess


class Prefill(NamedTuple):
    """What the diary can answer before the questions, in the runner's units."""

    answers: Answers
    units: str
    warning: str | None  # the diary could not be read (assess goes on without it)
    # another process holds the diary: saving would only wait for it again
    busy: str | None = None


NO_PREFILL = Prefill({}, "km", None)  # with --no-diary


def prefill_from_diary(catalogue: Catalogue, today: date | None = None) -> Prefill:
    """Answers the diary can give: load, spikes, shoes, trend. A diary that
    cannot be read never blocks the check: it is only reported."""
    from ..diary import DiaryBusy, DiaryError, exists, open_diary
    from ..trends import diary_answers

    if not exists():
        return NO_PREFILL
    try:
        with open_diary(readonly=True) as diary:
            found = diary_answers(
                diary.entries(), diary.shoes(), today or date.today(), catalogue.advice
            )
            units = diary.units()
    except DiaryError as exc:
        busy = exc.message if isinstance(exc, DiaryBusy) else None
        return NO_PREFILL._replace(warning=f"diary not used: {exc.message}", busy=busy)
    kept, dropped = _within_ranges(catalogue, found)
    warning = None
    if dropped:
        warning = "diary figures left out of the assessment: " + "; ".join(dropped)
    return Prefill(kept, units, warning)


def _within_ranges(catalogue: Catalogue, found: Answers) -> tuple[Answers, list[str]]:
    """The diary's answers that the answers contract accepts, and why each other
    one was left out: a wild value in the diary (an old typo, a GPS glitch) must
    never turn the runner's check into an error about their answers."""
    questions = {q.id: q for q in catalogue.questions}
    kept: Answers = {}
    dropped: list[str] = []
    for key, value in found.items():
        q = questions.get(key)
        if q is None:
            continue
        try:
            kept[key] = QUESTION_TYPES[q.type].check(q, value)
        except AnswersError as exc:
            dropped.append(exc.message)
    return kept, dropped


def merge_answers(
    catalogue: Catalogue, given: Answers, prefill: Prefill
) -> tuple[Answers, Answers]:
    """The runner's answers with the diary's filling the gaps; the runner's own
    always win. Returns (answers, the ones taken from the diary)."""
    from_diary = {
        k: v
        for k, v in prefill.answers.items()
        if k not in given and k not in given.get(DONT_KNOW_KEY, ())
    }
    return validate_answers({**given, **from_diary}, catalogue), from_diary


def kept_from_diary(given: Answers, prefill: Prefill) -> Answers:
    """After the questionnaire: the diary's offers the runner kept."""
    return {
        k: v for k, v in prefill.answers.items() if k in given and _same(given[k], v)
    }


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 0.1  # a distance shown in miles comes back rounded
    return bool(a == b)


class Assessed(NamedTuple):
    """An assessment, and a warning when the diary could not keep it."""

    result: Assessment
    warning: str | None


def assess_and_store(
    catalogue: Catalogue,
    answers: Answers,
    *,
    stopped_early: bool = False,
    from_diary: Answers | None = None,
    with_plan: bool = False,
    store: bool = True,
    busy: str | None = None,
) -> Assessed:
    """Assess, add what the diary gave and the plan when asked, keep it in the
    diary (when `store`). The result is what `--json` prints. `busy`: the
    diary was found locked a moment ago (why); it is not waited for twice."""
    result = engine.assess(catalogue, answers, stopped_early=stopped_early)
    if from_diary:
        result = result.with_extra(from_diary=from_diary)
    if with_plan:
        plan = plan_for(catalogue, result.plan_condition())
        result = result.with_extra(plan=plan.to_dict() if plan else None)
    warning = None
    if store and busy:
        warning = f"assessment not saved: {busy}"
    elif store:
        from ..diary import DiaryError, open_diary

        try:
            with open_diary() as diary:
                diary.add_assessment(answers, result.to_dict())
        except DiaryError as exc:
            warning = f"assessment not saved: {exc.message}"
    return Assessed(result, warning)


def plan_for(catalogue: Catalogue, condition_id: str | None) -> "PlanResult | None":
    """The plan for a condition from today, or None (no contender, or a
    clinician must see it first)."""
    from ..plans import build_plan

    if condition_id is None:
        return None
    return build_plan(catalogue, catalogue.condition(condition_id), date.today())
