"""The advice around the model: exercises, tips, plans, advice texts, sources."""

from __future__ import annotations

from typing import Any

from .models import (
    EVIDENCE_GRADES,
    TEMPLATE_FIELDS,
    VERDICT_NEEDS,
    VERDICTS,
    Advice,
    Condition,
    Exercise,
    HistoryTexts,
    Plan,
    ReturnToRun,
    RunMessages,
    RunRules,
    ScoringTexts,
    Stage,
    Tip,
    Topic,
    VerdictText,
    WalkRunStep,
)
from .reader import Entry, Loader


def load_exercises(loader: Loader, file: str) -> dict[str, Exercise]:
    """The exercises with their dose, how-to and the conditions that use them."""
    data = loader.read(file)
    out: dict[str, Exercise] = {}
    top = Entry(loader, file, "file", data)
    for entry, eid in loader.entries(file, top.objects("exercises"), "exercise"):
        dose = Entry(
            loader, file, f"exercise '{eid}' dose", entry.get("dose", dict, {})
        )
        reps = dose.raw.get("reps")
        hold = dose.raw.get("hold_seconds")
        if (reps is None) == (hold is None):
            dose.problem("give exactly one of 'reps' and 'hold_seconds'")
        for k, v in (("reps", reps), ("hold_seconds", hold)):
            if v is not None and (
                not isinstance(v, int) or isinstance(v, bool) or v <= 0
            ):
                dose.problem(f"'{k}' must be a positive whole number")
        out[eid] = Exercise(
            eid,
            entry.text("name"),
            entry.texts("how"),
            int(dose.number("sets")),
            reps if isinstance(reps, int) else None,
            hold if isinstance(hold, int) else None,
            int(dose.number("days_per_week")),
            entry.text("progression"),
            entry.texts("conditions"),
            entry.sources(),
        )
    return out


def load_tips(
    loader: Loader, file: str, condition_ids: set[str]
) -> tuple[tuple[Topic, ...], tuple[Tip, ...]]:
    """The prevention topics and tips, with what triggers each."""
    data = loader.read(file)
    top = Entry(loader, file, "file", data)
    topics = tuple(
        Topic(tid, e.text("title"))
        for e, tid in loader.entries(file, top.objects("topics"), "topic")
    )
    topic_ids = {t.id for t in topics}
    tips = []
    for entry, tid in loader.entries(file, top.objects("tips"), "tip"):
        topic = entry.text("topic")
        if topic not in topic_ids:
            entry.problem(f"unknown topic '{topic}'")
        when_raw = entry.raw.get("when", [])
        when = loader.predicates(entry, when_raw, "when") if when_raw else ()
        for cid in entry.texts("for_conditions", optional=True):
            if cid not in condition_ids:
                entry.problem(f"'for_conditions' names unknown condition '{cid}'")
        tips.append(
            Tip(
                tid,
                topic,
                entry.text("title"),
                entry.text("text"),
                entry.text("evidence"),
                entry.sources(),
                when,
                entry.texts("for_conditions", optional=True),
                "; ".join(loader.describe((p,)) for p in when),
                loader.required_keys(entry),
            )
        )
    return topics, tuple(tips)


def load_plans(
    loader: Loader, file: str, conditions: tuple[Condition, ...], pain_limit: int
) -> tuple[dict[str, Plan], ReturnToRun]:
    """Each condition's staged plan, and the walk-run return to running gated by
    `pain_limit`."""
    data = loader.read(file)
    top = Entry(loader, file, "file", data)
    rtr = Entry(loader, file, "return_to_run", top.get("return_to_run", dict, {}))
    steps = []
    for i, raw in enumerate(rtr.objects("steps")):
        se = Entry(loader, file, f"return_to_run step {i + 1}", raw)
        counts = [se.get(k, int) for k in ("run_min", "walk_min", "repeats")]
        if any(not isinstance(c, int) or c < 0 for c in counts) or (
            counts[0] == 0 or counts[2] == 0
        ):
            se.problem("run_min and repeats must be at least 1, walk_min 0 or more")
            continue
        steps.append(WalkRunStep(*counts))
    if not steps:
        rtr.problem("needs at least one walk-run step")
    grade = rtr.text("evidence")
    if grade not in EVIDENCE_GRADES:
        rtr.problem(f"evidence must be one of {', '.join(EVIDENCE_GRADES)}")
    whole = {
        k: int(rtr.number(k)) for k in ("sessions_per_week", "sessions_to_advance")
    }
    if not 1 <= whole["sessions_per_week"] <= 7 or whole["sessions_to_advance"] < 1:
        rtr.problem("sessions_per_week must be 1 to 7, sessions_to_advance >= 1")
    return_to_run = ReturnToRun(
        rtr.text("title"),
        rtr.text("intro"),
        rtr.text("rule"),
        whole["sessions_per_week"],
        whole["sessions_to_advance"],
        pain_limit,
        grade,
        rtr.text("evidence_note"),
        rtr.sources(),
        tuple(steps),
    )
    by_id = {c.id: c for c in conditions}
    plans: dict[str, Plan] = {}
    for i, raw in enumerate(top.objects("plans")):
        cid = raw.get("condition") if isinstance(raw, dict) else None
        pe = Entry(loader, file, f"plan '{cid}'" if cid else f"plan #{i + 1}", raw)
        cond = by_id.get(pe.text("condition"))
        if cond is None:
            pe.problem("names no condition of the catalogue")
            continue
        if cid in plans:
            pe.problem("duplicate plan for this condition")
        if cond.clinician_first:
            pe.problem("the condition needs a clinician first, so it has no plan")
        stages = []
        used: set[str] = set()
        for j, sraw in enumerate(pe.objects("stages")):
            st = Entry(loader, file, f"plan '{cid}' stage {j + 1}", sraw)
            weeks = st.get("weeks", int)
            if not isinstance(weeks, int) or weeks < 1:
                st.problem("'weeks' must be a whole number of at least 1")
                weeks = 1
            ex = st.texts("exercises")
            for eid in ex:
                if eid not in cond.exercises:
                    st.problem(f"exercise '{eid}' is not one of this condition's")
            used.update(ex)
            stages.append(
                Stage(
                    st.text("title"),
                    weeks,
                    st.text("aim"),
                    ex,
                    st.text("move_on_when"),
                )
            )
        if not stages:
            pe.problem("needs at least one stage")
        for eid in cond.exercises:
            if eid not in used:
                pe.problem(f"exercise '{eid}' of the condition is in no stage")
        week = pe.raw.get("return_to_run_week")
        if week is not None and (
            not isinstance(week, int) or isinstance(week, bool) or week < 1
        ):
            pe.problem("'return_to_run_week' must be null or a week number")
            week = None
        plans[cond.id] = Plan(
            cond.id, pe.text("running"), week, tuple(stages), pe.sources()
        )
    for cond in conditions:
        if not cond.clinician_first and cond.id not in plans:
            top.problem(
                f"condition '{cond.id}' has neither a plan nor a clinician-first reason"
            )
    return plans, return_to_run


def load_sources(loader: Loader, file: str) -> dict[str, str]:
    """Every source id and its citation."""
    data = loader.read(file)
    out: dict[str, str] = {}
    for entry, sid in loader.entries(file, data.get("sources", []), "source"):
        out[sid] = entry.text("citation")
    return out


def load_advice(loader: Loader, file: str) -> Advice:
    """data/advice.json as a typed record: every text present, every template's
    placeholders known, the pain limits sensible."""
    top = Entry(loader, file, "advice", loader.read(file))
    verdicts = {}
    raw_verdicts = top.get("verdicts", dict, {}) or {}
    for v in VERDICTS:
        if v not in raw_verdicts:
            top.problem(f"'verdicts' has no entry for '{v}'")
        entry = Entry(loader, file, f"verdict '{v}'", raw_verdicts.get(v, {}))
        verdicts[v] = VerdictText(entry.text("title"), entry.text("advice"))
    rules = Entry(loader, file, "run_rules", top.get("run_rules", dict, {}))
    limits = [int(rules.number(k)) for k in ("pain_limit", "pain_after_limit")]
    if not all(1 <= n <= 10 for n in limits):
        rules.problem("pain_limit and pain_after_limit must be 1 to 10")
    messages = texts_of(
        loader,
        Entry(loader, file, "run_rules messages", rules.get("messages", dict, {})),
        RunMessages,
    )
    names = Entry(
        loader, file, "run_rules missing_names", rules.get("missing_names", dict, {})
    )
    missing_names = {k: names.text(k) for k in VERDICT_NEEDS}
    history = Entry(loader, file, "history", top.get("history", dict, {}))
    km = history.number("shoe_warning_km")
    if km <= 0:
        history.problem("'shoe_warning_km' must be above 0")
    history_texts = HistoryTexts(
        **{
            **texts_of(loader, history, HistoryTexts, skip={"shoe_warning_km"}),
            "shoe_warning_km": km,
        }
    )
    scoring = texts_of(
        loader,
        Entry(loader, file, "scoring", top.get("scoring", dict, {})),
        ScoringTexts,
    )
    plain = texts_of(
        loader,
        top,
        Advice,
        skip={
            "verdicts",
            "run_rules",
            "history",
            "scoring",
            "urgent_self_care",
            "no_condition_self_care",
        },
    )
    return Advice(
        verdicts=verdicts,
        run_rules=RunRules(
            limits[0],
            limits[1],
            RunMessages(**messages),
            missing_names,
            rules.sources(),
        ),
        urgent_self_care=top.texts("urgent_self_care"),
        no_condition_self_care=top.texts("no_condition_self_care"),
        history=history_texts,
        scoring=ScoringTexts(**scoring),
        **plain,
    )


def texts_of(
    loader: Loader,
    entry: Entry,
    record: type,
    skip: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any]:
    """The text fields of a record, each present, non-empty and with only the
    placeholders TEMPLATE_FIELDS allows it."""
    allowed = TEMPLATE_FIELDS.get(record.__name__, {})
    out: dict[str, Any] = {}
    for name in getattr(record, "_fields", ()):  # a NamedTuple class's field names
        if name in skip:
            continue
        text = entry.text(name)
        fields = allowed.get(name, frozenset())
        try:
            text.format(**{f: 1 for f in fields})
        except (KeyError, IndexError, ValueError) as exc:
            known = ", ".join(sorted(fields)) or "none"
            entry.problem(
                f"'{name}' uses an unknown placeholder ({type(exc).__name__}: {exc}); "
                f"it may use: {known}"
            )
        out[name] = text
    return out
