"""The catalogue's records: every clinical fact kneecheck uses, typed.

The loader (`reader`, `questions`, `clinical`, `content`) builds these from the
JSON files in data/ and checks them, so code reads attributes, never raw keys.
"""

from pathlib import Path

from ..namedtuples import NamedTuple
from ..predicates import Predicate

# The public contract (shared/spec/contract-v1.md): these must always exist.
CONTRACT_CONDITIONS = (
    "patellofemoral_pain",
    "iliotibial_band_syndrome",
    "patellar_tendinopathy",
    "quadriceps_tendinopathy",
    "prepatellar_bursitis",
    "pes_anserine_bursitis",
    "bone_stress_injury",
    "meniscus_tear",
    "knee_osteoarthritis",
    "popliteus_tendinopathy",
    "fat_pad_impingement",
    "bakers_cyst",
    "ligament_sprain",
    "osgood_schlatter",
    "sinding_larsen_johansson",
    "plica_syndrome",
    "referred_hip_pain",
)
CONTRACT_RED_FLAGS = (
    "cannot_bear_weight",
    "deformity",
    "cannot_straight_leg_raise",
    "locked",
    "rapid_swelling",
    "cannot_bend_90",
    "hot_red_swollen",
    "fever",
    "calf_swelling",
    "numb_cold_foot",
    "night_pain",
    "weight_loss",
)
LEVELS = ("emergency", "urgent", "appointment", "self_care")  # most urgent first
EVIDENCE_GRADES = ("strong", "moderate", "limited", "expert_opinion")
LR_BASES = ("published", "estimate")  # where a likelihood ratio comes from
OTHER_MIN = 5.0  # per 100: the least share left for "something else"
LR_MAX = 50.0  # no single answer is that decisive; a larger figure is a typo
AGE_MAX = 100  # the contract's oldest age
# The Ottawa and Pittsburgh knee rules are for injuries of the last 7 days
# (Stiell 1996, Seaberg 1998); an unknown duration counts as recent, the
# cautious side.
ACUTE_WEEKS = 1.0
# Facts the engine works out before triage, which triage rules may test like
# answers (type, min, max). The engine computes them in engine.derived_facts.
DERIVED_FACTS: dict[str, tuple[str, float | None, float | None]] = {
    "no_likely_condition": ("yes_no", None, None),
    "not_improving": ("yes_no", None, None),
    "beyond_settling_time": ("yes_no", None, None),
    "swelling_without_injury": ("yes_no", None, None),
    "may_be_recent": ("yes_no", None, None),
    "red_flags_unknown": ("yes_no", None, None),
    "history_answered": ("number", 0, None),
}
# The answer keys each derived fact is computed from, so the interview can tell
# whether a rule on the fact could still fire; None: from the probabilities,
# which any answer may move (the interview tries the answers instead).
DERIVED_FROM: dict[str, frozenset[str] | None] = {
    "no_likely_condition": None,
    "not_improving": frozenset({"trend"}),
    "beyond_settling_time": frozenset({"duration_weeks", "trend"}),
    "swelling_without_injury": frozenset({"swelling", "injury"}),
    "may_be_recent": frozenset({"duration_weeks"}),
    "red_flags_unknown": frozenset({"red_flags"}),
    "history_answered": None,  # every history key: engine.HISTORY_KEYS
}
HOW_COMMON = ("very_common", "common", "uncommon", "rare")
DIARY_TEXTS = (
    "units",
    "km",
    "mi",
    "kind",
    "run",
    "rest",
    "date",
    "distance",
    "duration",
    "pain_during",
    "pain_after",
    "shoes",
    "note",
    "morning",
)


class Choice(NamedTuple):
    """One answer a question offers: its id, its label and an optional letter mark."""

    value: str
    label: str
    mark: str = ""


class Question(NamedTuple):
    """One answer key of the contract, as asked interactively."""

    id: str
    section: str
    type: str
    text: str
    short: str
    help: str
    choices: tuple[Choice, ...]
    min: float | None
    max: float | None
    unit: str
    skip_if: tuple[Predicate, ...]
    picture: str
    # a number asked as a choice a runner can answer, each standing for a value
    presets: tuple[tuple[float, str], ...] = ()
    none_label: str = ""  # a tick list's explicit "none of these", when one is real

    def label(self, value: str) -> str:
        """The label of one of this question's choices (the value itself if unknown)."""
        for c in self.choices:
            if c.value == value:
                return c.label
        return value


class Level(NamedTuple):
    """An urgency level and what it tells the runner to do, and by when."""

    id: str
    title: str
    action: str
    timeframe: str


class RedFlag(NamedTuple):
    """A warning sign: the level it sets and why, with its sources."""

    id: str
    label: str
    level: str
    message: str
    sources: tuple[str, ...]


class TriageRule(NamedTuple):
    """A combination of answers that sets a triage level (red-flag combos too)."""

    id: str
    when: tuple[Predicate, ...]
    level: str
    stop_running: bool
    message: str
    sources: tuple[str, ...]


class Feature(NamedTuple):
    """Answers whose likelihood ratio `lr` multiplies a condition's odds.

    `basis` says where the figure comes from: "published" (a diagnostic-accuracy
    study, named by `source`) or "estimate" (the project's own, open to challenge).
    """

    when: tuple[Predicate, ...]
    lr: float
    text: str
    basis: str
    source: str
    note: str


class Treatment(NamedTuple):
    """Something that helps a condition, with how strong the evidence is."""

    text: str
    evidence: str
    sources: tuple[str, ...]


class Condition(NamedTuple):
    """A knee condition: its page, its advice and its scoring (prior, features)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    area: str
    how_common: str
    summary: str
    description: str
    who: str
    typical_signs: tuple[str, ...]
    look_alikes: tuple[tuple[str, str], ...]
    self_care: tuple[str, ...]
    exercises: tuple[str, ...]
    see_someone: tuple[str, ...]
    recovery: str
    treatments: tuple[Treatment, ...]
    clinician_first: str | None
    sources: tuple[str, ...]
    # from scoring.json
    prior: dict[str, float]  # per 100 runners with knee pain, by age band
    care_level: str
    features: tuple[Feature, ...]
    requires: tuple[str, ...]  # answers that must be known before it is named
    settle_weeks: float | None  # usual time to settle; None when it does not


class Exercise(NamedTuple):
    """An exercise with its how-to, dose and progression."""

    id: str
    name: str
    how: tuple[str, ...]
    sets: int
    reps: int | None
    hold_seconds: int | None
    days_per_week: int
    progression: str
    conditions: tuple[str, ...]
    sources: tuple[str, ...]


class Tip(NamedTuple):
    """A prevention tip, the answers that trigger it and the conditions it helps."""

    id: str
    topic: str
    title: str
    text: str
    evidence: str
    sources: tuple[str, ...]
    when: tuple[Predicate, ...]
    for_conditions: tuple[str, ...]
    trigger: str  # the triggering answers in plain words, "" without a trigger
    requires: tuple[str, ...] = ()  # answers its text depends on (age, sex...)


class Topic(NamedTuple):
    """A group of prevention tips (form, footwear, load...)."""

    id: str
    title: str


class AgeBand(NamedTuple):
    """An age band of the priors, up to and including `max_age`."""

    id: str
    label: str
    max_age: int


class ScoringModel(NamedTuple):
    """The Bayesian model: banded priors, likelihood ratios, a "something else"."""

    age_bands: tuple[AgeBand, ...]  # youngest first; the last covers every age
    unknown_age_mix: dict[str, float]  # band weights when the age is not known
    evidence_power: float  # tempers every likelihood ratio (calibration)
    likely: float
    possible: float
    suspected: float
    other_features: tuple[Feature, ...]  # evidence for "something else"
    prior_sources: tuple[str, ...]

    def band_of(self, age: int) -> str:
        """The id of the age band an age falls in."""
        return next(b.id for b in self.age_bands if age <= b.max_age)


class WalkRunStep(NamedTuple):
    """One step of the walk-run return: minutes of running and walking, repeated."""

    run_min: int
    walk_min: int
    repeats: int


class ReturnToRun(NamedTuple):
    """The walk-run progression shared by every plan, gated by pain."""

    title: str
    intro: str
    rule: str
    sessions_per_week: int
    sessions_to_advance: int
    pain_limit: int
    evidence: str
    evidence_note: str
    sources: tuple[str, ...]
    steps: tuple[WalkRunStep, ...]


class Stage(NamedTuple):
    """A stage of a condition's plan: weeks, aim, exercises, when to move on."""

    title: str
    weeks: int
    aim: str
    exercises: tuple[str, ...]
    move_on_when: str


class Plan(NamedTuple):
    """A staged exercise programme for one condition."""

    condition: str
    running: str
    return_to_run_week: int | None
    stages: tuple[Stage, ...]
    sources: tuple[str, ...]


class VerdictText(NamedTuple):
    """What a run verdict is called, and what it tells the runner to do."""

    title: str
    advice: str


class RunMessages(NamedTuple):
    """The reasons a run verdict gives; placeholders as in TEMPLATE_FIELDS."""

    triage: str
    rule: str
    limp: str
    pain_high: str
    bone_stress: str
    not_settled: str
    worse: str
    pain_after_high: str
    missing: str
    ok_pain: str
    ok_settled: str
    ok_no_after_pain: str
    ok_trend: str


class RunRules(NamedTuple):
    """The pain-monitoring model: the one home of the pain limit."""

    pain_limit: int  # pain during a run at or above this means stop
    pain_after_limit: int  # pain after a run above this means reduce
    messages: RunMessages
    missing_names: dict[str, str]  # for each checked answer key, how to name it
    sources: tuple[str, ...]


class HistoryTexts(NamedTuple):
    """The diary's verdict and shoe texts; placeholders as in TEMPLATE_FIELDS."""

    no_recent_runs: str
    pain_high: str
    morning_twice: str
    not_settled: str
    pain_after_high: str
    worse: str
    trend_text: str
    no_pain_score: str
    no_morning_check: str
    keep_going_week: str
    keep_going_one_run: str  # the week's one run, its morning checked
    keep_going_unchecked: str  # the week's runs, no morning checked yet
    keep_going: str
    shoe_warning_km: float  # a pair past this distance gets the warning
    shoe_warning: str
    from_diary: str


class ScoringTexts(NamedTuple):
    """How the age reads as a reason for or against a condition."""

    age_for: str
    age_against: str


class InterviewTexts(NamedTuple):
    """Why the interview asks a question, in the runner's words, and its
    progress line."""

    warning: str
    basic: str
    safety: str
    triage: str
    verdict: str
    tell_apart: str
    narrow: str
    full: str
    progress: str


class Interview(NamedTuple):
    """How the adaptive interview chooses and when it stops (questions.json)."""

    basics: tuple[str, ...]  # asked first, in questionnaire order, after the flags
    max_questions: int  # the warning-sign checklist counts as one
    settled: float  # a top probability at which the causes count as settled
    min_gain_bits: float  # a question expected to teach less is not worth asking
    texts: InterviewTexts


class Advice(NamedTuple):
    """Every text of data/advice.json, checked when the catalogue loads."""

    intro: str
    disclaimer: str
    verdicts: dict[str, VerdictText]  # stop, reduce, continue
    run_rules: RunRules
    urgent_self_care: tuple[str, ...]
    no_condition_self_care: tuple[str, ...]
    clinician_first_plan: str
    condition_care: str
    history: HistoryTexts
    scoring: ScoringTexts


VERDICTS = ("stop", "reduce", "continue")  # most cautious first
# The answers the run verdict needs (one missing keeps it at "reduce"), and
# every answer it reads: the interview asks these while the verdict is open.
VERDICT_NEEDS = ("pain_during_run", "settles_by_morning", "trend")
VERDICT_KEYS = frozenset({"limp", "pain_after_run", *VERDICT_NEEDS})
# The {placeholders} each template may use; the loader refuses any other, so a
# custom text can never crash a command with a KeyError.
TEMPLATE_FIELDS: dict[str, dict[str, frozenset[str]]] = {
    "RunMessages": {
        "triage": frozenset({"level", "timeframe"}),
        "rule": frozenset({"message"}),
        "pain_high": frozenset({"pain"}),
        "pain_after_high": frozenset({"pain"}),
        "missing": frozenset({"what"}),
        "ok_pain": frozenset({"pain"}),
    },
    "HistoryTexts": {
        "pain_high": frozenset({"pain", "day"}),
        "morning_twice": frozenset({"first", "second"}),
        "not_settled": frozenset({"day"}),
        "pain_after_high": frozenset({"day", "pain"}),
        "worse": frozenset({"trend"}),
        "trend_text": frozenset({"last", "this"}),
        "no_pain_score": frozenset({"day"}),
        "no_morning_check": frozenset({"day"}),
        "keep_going_week": frozenset({"runs"}),
        "shoe_warning": frozenset({"km"}),
    },
    "ScoringTexts": {
        "age_for": frozenset({"age", "band"}),
        "age_against": frozenset({"age", "band"}),
    },
    "InterviewTexts": {
        "tell_apart": frozenset({"first", "second"}),
        "progress": frozenset({"asked", "remaining"}),
    },
    "Advice": {"condition_care": frozenset({"name", "band"})},
}
# Answer keys that code reads by name (engine, trends, the diary prefill), with
# the question type each must have: the loader refuses a catalogue without them.
CODE_ANSWER_KEYS: dict[str, str] = {
    "age": "integer",
    "injury": "single",
    "swelling": "single",
    "red_flags": "multi",
    "limp": "yes_no",
    "pain_during_run": "scale",
    "pain_after_run": "scale",
    "settles_by_morning": "yes_no",
    "trend": "single",
    "duration_weeks": "number",
    "weekly_km": "number",
    "weekly_km_change_pct": "number",
    "longest_run_change_pct": "number",
    "shoe_km": "number",
}


class Catalogue(NamedTuple):
    """Everything kneecheck knows, loaded from one folder of JSON files."""

    name: str
    version: str
    path: Path
    questions: tuple[Question, ...]
    pictures: dict[str, tuple[str, ...]]
    dont_know_label: str
    diary_texts: dict[str, str]  # the questions of `kneecheck log`
    levels: dict[str, Level]
    red_flags: tuple[RedFlag, ...]
    rules: tuple[TriageRule, ...]
    conditions: tuple[Condition, ...]
    model: ScoringModel
    exercises: dict[str, Exercise]
    topics: tuple[Topic, ...]
    tips: tuple[Tip, ...]
    advice: Advice
    sources: dict[str, str]
    plans: dict[str, Plan]
    return_to_run: ReturnToRun
    interview: Interview

    def question(self, qid: str) -> Question:
        """The question of an answer key."""
        return next(q for q in self.questions if q.id == qid)

    def condition(self, cid: str) -> Condition:
        """The condition with this id (looked up by name: the interview asks
        this hundreds of times a question)."""
        return self.condition_index()[cid][1]

    def condition_index(self) -> dict[str, tuple[int, Condition]]:
        """Each condition id with its place in the catalogue and its record."""
        kept = _BY_ID.get(id(self.conditions))
        if kept is None or kept[0] is not self.conditions:
            index = {c.id: (i, c) for i, c in enumerate(self.conditions)}
            kept = _BY_ID[id(self.conditions)] = (self.conditions, index)
        return kept[1]


# conditions by id, per tuple of conditions (the tuple is kept, so its id stays
# its own); a catalogue record is immutable, so the index never goes stale
_BY_ID: dict[int, tuple[tuple[Condition, ...], dict[str, tuple[int, Condition]]]] = {}
