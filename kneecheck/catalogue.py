"""Load and validate the catalogue: questions, triage, conditions, scoring, tips.

Every problem names its file and entry. All problems are collected before
raising, so a clinician editing the data sees the whole list at once.
"""

import json
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from .errors import CatalogueError
from .predicates import LIST_OPS, NUMBER_OPS, OPS, Predicate

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
LEVELS = ("emergency", "urgent", "appointment", "self_care")  # most urgent first
QUESTION_TYPES = ("single", "multi", "yes_no", "integer", "number", "scale")
EVIDENCE_GRADES = ("strong", "moderate", "limited", "expert_opinion")
LR_BASES = ("published", "estimate")  # where a likelihood ratio comes from
OTHER_MIN = 5.0  # per 100: the least share left for "something else"
LR_MAX = 50.0  # no single answer is that decisive; a larger figure is a typo
AGE_MAX = 100  # the contract's oldest age
# Facts the engine works out before triage, which triage rules may test like
# answers (type, min, max). The engine computes them in engine.derived_facts.
DERIVED_FACTS: dict[str, tuple[str, float | None, float | None]] = {
    "no_likely_condition": ("yes_no", None, None),
    "not_improving": ("yes_no", None, None),
    "beyond_settling_time": ("yes_no", None, None),
    "swelling_without_injury": ("yes_no", None, None),
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
        for c in self.choices:
            if c.value == value:
                return c.label
        return value


class Level(NamedTuple):
    id: str
    title: str
    action: str
    timeframe: str


class RedFlag(NamedTuple):
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
    text: str
    evidence: str
    sources: tuple[str, ...]


class Condition(NamedTuple):
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
    id: str
    title: str


class AgeBand(NamedTuple):
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
        return next(b.id for b in self.age_bands if age <= b.max_age)


class WalkRunStep(NamedTuple):
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
    advice: dict[str, Any]
    sources: dict[str, str]
    plans: dict[str, Plan]
    return_to_run: ReturnToRun

    def question(self, qid: str) -> Question:
        return next(q for q in self.questions if q.id == qid)

    def condition(self, cid: str) -> Condition:
        return next(c for c in self.conditions if c.id == cid)


def default_catalogue_dir() -> Path:
    """The packaged data/ of an installed wheel, else the checkout's data/."""
    env = os.environ.get("KNEECHECK_CATALOGUE")
    if env:
        return Path(env)
    return packaged_dir()


def packaged_dir() -> Path:
    """The built-in catalogue: inside an installed wheel, or the checkout's data/."""
    here = Path(__file__).resolve().parent
    packaged = here / "data"
    return packaged if packaged.is_dir() else here.parent / "data"


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate the catalogue folder; raise CatalogueError listing problems."""
    return _load_folder((path or default_catalogue_dir()).resolve())


@cache
def _load_folder(folder: Path) -> Catalogue:
    return _Loader(folder).load()


class _Entry:
    """Typed access to one JSON object, recording problems under its file and entry."""

    def __init__(self, loader: "_Loader", file: str, where: str, raw: object) -> None:
        self.loader, self.file, self.where = loader, file, where
        loader.context = f"{file}: {where}"  # named if something unforeseen breaks
        self.raw: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if not isinstance(raw, dict):
            self.problem("must be a JSON object")

    def problem(self, message: str) -> None:
        self.loader.problems.append(f"{self.file}: {self.where}: {message}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        if key not in self.raw:
            if default is None:
                self.problem(f"missing field '{key}'")
            return default
        value = self.raw[key]
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            self.problem(f"field '{key}' must be a number, not true/false")
            return default
        if not isinstance(value, kind):
            self.problem(f"field '{key}' has the wrong type ({type(value).__name__})")
            return default
        return value

    def text(self, key: str, optional: bool = False) -> str:
        value = self.get(key, str, "" if optional else None)
        if not optional and value == "":
            self.problem(f"field '{key}' is empty")
        return value or ""

    def texts(self, key: str, optional: bool = False) -> tuple[str, ...]:
        value = self.get(key, list, [] if optional else None) or []
        if not all(isinstance(v, str) and v for v in value):
            self.problem(f"field '{key}' must be a list of non-empty strings")
            return ()
        return tuple(value)

    def number(self, key: str, default: float | None = None) -> float:
        return float(self.get(key, (int, float), default) or 0)

    def objects(self, key: str, optional: bool = False) -> list[Any]:
        return list(self.get(key, list, [] if optional else None) or [])

    def sources(self, key: str = "sources") -> tuple[str, ...]:
        ids = self.texts(key)
        if not ids:
            self.problem(f"'{key}' must name at least one source")
        self.loader.source_refs.append((self, ids))
        return ids


class _Loader:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[str] = []
        self.source_refs: list[tuple[_Entry, tuple[str, ...]]] = []
        self.question_index: dict[str, Question] = {}
        self.context = "catalogue.json"
        self.file_names: dict[str, str] = {}
        self.allow_derived = False  # only triage rules may test derived facts
        self.derived = {
            key: Question(key, "", kind, key, key, "", (), lo, hi, "", (), "")
            for key, (kind, lo, hi) in DERIVED_FACTS.items()
        }

    def read(self, name: str) -> dict[str, Any]:
        path = self.folder / name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.problems.append(f"{name}: file not found in {self.folder}")
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(f"{name}: cannot be read ({exc})")
            return {}
        except json.JSONDecodeError as exc:
            self.problems.append(
                f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                f"{exc.msg})"
            )
            return {}
        if not isinstance(data, dict):
            self.problems.append(f"{name}: must hold a JSON object")
            return {}
        return data

    def entries(
        self, file: str, items: list[Any], label: str
    ) -> Iterator[tuple[_Entry, str]]:
        """Each item of a list as an _Entry, checking ids are present and unique."""
        seen: set[str] = set()
        for i, raw in enumerate(items):
            rid = raw.get("id") if isinstance(raw, dict) else None
            where = f"{label} '{rid}'" if isinstance(rid, str) else f"{label} #{i + 1}"
            entry = _Entry(self, file, where, raw)
            ident = entry.text("id")
            if ident in seen:
                entry.problem("duplicate id")
            seen.add(ident)
            yield entry, ident

    def predicates(
        self, entry: _Entry, raw: object, what: str
    ) -> tuple[Predicate, ...]:
        """Parse a list of {key, op, value}, checking keys and ids against questions."""
        if not isinstance(raw, list) or not raw:
            entry.problem(f"'{what}' must be a non-empty list of conditions")
            return ()
        out = []
        for item in raw:
            pred = self.predicate(entry, item, what)
            if pred is not None:
                out.append(pred)
        return tuple(out)

    def predicate(self, entry: _Entry, item: object, what: str) -> Predicate | None:
        if not isinstance(item, dict) or set(item) - {"key", "op", "value"}:
            entry.problem(f"'{what}': each condition needs exactly key, op and value")
            return None
        key, op, value = item.get("key"), item.get("op"), item.get("value")
        question = self.question_index.get(key) if isinstance(key, str) else None
        if question is None and self.allow_derived and isinstance(key, str):
            question = self.derived.get(key)
        if question is None:
            entry.problem(f"'{what}' names no answer: unknown key {key!r}")
            return None
        if not isinstance(op, str) or op not in OPS:
            entry.problem(f"'{what}' on '{key}': unknown op {op!r}")
            return None
        values = value if isinstance(value, list) else [value]
        if op in NUMBER_OPS:
            if question.type not in ("integer", "number", "scale") or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
            ):
                entry.problem(f"'{what}' on '{key}': {op} needs a numeric answer")
                return None
            lo, hi = question.min, question.max
            bound = float(values[0] or 0)
            if (
                lo is not None
                and hi is not None
                and not (
                    (op == "gt" and bound < hi)
                    or (op == "gte" and bound <= hi)
                    or (op == "lt" and bound > lo)
                    or (op == "lte" and bound >= lo)
                )
            ):
                entry.problem(
                    f"'{what}' on '{key}': {op} {bound:g} can never be true "
                    f"(answers run from {lo:g} to {hi:g})"
                )
                return None
        elif (op in LIST_OPS) != (question.type == "multi"):
            entry.problem(
                f"'{what}' on '{key}': op {op} does not fit a {question.type}"
            )
            return None
        elif question.type == "yes_no":
            if not all(isinstance(v, bool) for v in values):
                entry.problem(f"'{what}' on '{key}': value must be true or false")
                return None
        elif question.choices:
            known = {c.value for c in question.choices}
            for v in values:
                if not isinstance(v, str) or v not in known:
                    entry.problem(f"'{what}' on '{key}': unknown id {v!r}")
                    return None
        if op in ("in", "includes_any") and not isinstance(value, list):
            entry.problem(f"'{what}' on '{key}': {op} needs a list value")
            return None
        return Predicate(
            question.id, op, tuple(value) if isinstance(value, list) else value
        )

    # ---- files -----------------------------------------------------------

    def load(self) -> Catalogue:
        """Load everything; anything malformed in a way no check foresaw is still
        reported as a catalogue problem at the entry being read, never a crash."""
        try:
            return self._load()
        except CatalogueError:
            raise
        except (
            TypeError,
            ValueError,
            KeyError,
            IndexError,
            AttributeError,
            RecursionError,
        ) as exc:
            detail = json.dumps(str(exc)[:80])
            raise CatalogueError(
                [
                    *self.problems,
                    f"{self.context}: malformed value ({type(exc).__name__}: {detail})",
                ]
            ) from None

    def _load(self) -> Catalogue:
        manifest = self.read("catalogue.json")
        if not manifest and self.problems:  # no manifest: nothing else to say
            raise CatalogueError(self.problems)
        man = _Entry(self, "catalogue.json", "manifest", manifest)
        name, version = man.text("name"), man.text("version")
        files: dict[str, str] = man.get("files", dict, {}) or {}
        for key, value in files.items():
            if not (
                isinstance(value, str)
                and value.endswith(".json")
                and Path(value).name == value
            ):
                man.problem(f"'files': '{key}' must name a .json file in the folder")
                files[key] = f"{key}.json"
        file = {
            k: files.get(k, f"{k}.json")
            for k in (
                "questions",
                "triage",
                "conditions",
                "scoring",
                "exercises",
                "tips",
                "advice",
                "sources",
                "plans",
            )
        }

        self.file_names = file
        missing = [name for name in file.values() if not (self.folder / name).is_file()]
        if missing:  # every other check would only repeat that files are missing
            raise CatalogueError(
                self.problems
                + [f"{name}: file not found in {self.folder}" for name in missing]
            )
        sources = self.load_sources(file["sources"])
        red_flag_raw = self.read(file["triage"])
        questions, pictures, dont_know, diary_texts = self.load_questions(
            file["questions"], red_flag_raw
        )
        levels, red_flags, rules = self.load_triage(file["triage"], red_flag_raw)
        exercises = self.load_exercises(file["exercises"])
        model, scoring = self.load_scoring(file["scoring"])
        conditions = self.load_conditions(file["conditions"], scoring, exercises, model)
        topics, tips = self.load_tips(file["tips"], {c.id for c in conditions})
        plans, return_to_run = self.load_plans(file["plans"], conditions)
        advice = self.read(file["advice"])
        adv = _Entry(self, file["advice"], "advice", advice)
        adv.text("disclaimer")
        adv.text("intro")
        adv.text("clinician_first_plan")
        adv.text("condition_care")
        scoring_texts = _Entry(
            self, file["advice"], "scoring", adv.get("scoring", dict, {})
        )
        scoring_texts.text("age_for")
        scoring_texts.text("age_against")
        verdicts = adv.get("verdicts", dict, {}) or {}
        for v in ("stop", "reduce", "continue"):
            if v not in verdicts:
                adv.problem(f"'verdicts' has no entry for '{v}'")
        rules_raw = _Entry(
            self, file["advice"], "run_rules", adv.get("run_rules", dict, {})
        )
        rules_raw.sources()
        adv.texts("urgent_self_care")
        adv.texts("no_condition_self_care")

        for entry, ids in self.source_refs:
            for sid in ids:
                if sid not in sources:
                    entry.problem(f"unknown source id '{sid}'")
        if self.problems:
            raise CatalogueError(self.problems)
        return Catalogue(
            name=name,
            version=version,
            path=self.folder,
            questions=questions,
            pictures=pictures,
            dont_know_label=dont_know,
            diary_texts=diary_texts,
            levels=levels,
            red_flags=red_flags,
            rules=rules,
            conditions=conditions,
            model=model,
            exercises=exercises,
            topics=topics,
            tips=tips,
            advice=advice,
            sources=sources,
            plans=plans,
            return_to_run=return_to_run,
        )

    def load_plans(
        self, file: str, conditions: tuple[Condition, ...]
    ) -> tuple[dict[str, Plan], ReturnToRun]:
        data = self.read(file)
        top = _Entry(self, file, "file", data)
        rtr = _Entry(self, file, "return_to_run", top.get("return_to_run", dict, {}))
        steps = []
        for i, raw in enumerate(rtr.objects("steps")):
            se = _Entry(self, file, f"return_to_run step {i + 1}", raw)
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
            k: int(rtr.number(k))
            for k in ("sessions_per_week", "sessions_to_advance", "pain_limit")
        }
        if not 1 <= whole["sessions_per_week"] <= 7 or whole["sessions_to_advance"] < 1:
            rtr.problem("sessions_per_week must be 1 to 7, sessions_to_advance >= 1")
        return_to_run = ReturnToRun(
            rtr.text("title"),
            rtr.text("intro"),
            rtr.text("rule"),
            whole["sessions_per_week"],
            whole["sessions_to_advance"],
            whole["pain_limit"],
            grade,
            rtr.text("evidence_note"),
            rtr.sources(),
            tuple(steps),
        )
        by_id = {c.id: c for c in conditions}
        plans: dict[str, Plan] = {}
        for i, raw in enumerate(top.objects("plans")):
            cid = raw.get("condition") if isinstance(raw, dict) else None
            pe = _Entry(self, file, f"plan '{cid}'" if cid else f"plan #{i + 1}", raw)
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
                st = _Entry(self, file, f"plan '{cid}' stage {j + 1}", sraw)
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
                    f"condition '{cond.id}' has neither a plan nor a "
                    "clinician-first reason"
                )
        return plans, return_to_run

    def load_sources(self, file: str) -> dict[str, str]:
        data = self.read(file)
        out: dict[str, str] = {}
        for entry, sid in self.entries(file, data.get("sources", []), "source"):
            out[sid] = entry.text("citation")
        return out

    def load_questions(
        self, file: str, triage: dict[str, Any]
    ) -> tuple[tuple[Question, ...], dict[str, tuple[str, ...]], str, dict[str, str]]:
        data = self.read(file)
        top = _Entry(self, file, "file", data)
        pictures = {
            k: tuple(v)
            for k, v in (top.get("pictures", dict, {}) or {}).items()
            if isinstance(v, list)
        }
        dont_know = top.text("dont_know_label")
        diary = _Entry(self, file, "diary", top.get("diary", dict, {}))
        diary_texts = {k: diary.text(k) for k in DIARY_TEXTS}
        flags = [f for f in triage.get("red_flags", []) if isinstance(f, dict)]
        pending: list[tuple[_Entry, Question, object]] = []
        for entry, qid in self.entries(file, top.objects("questions"), "question"):
            qtype = entry.text("type")
            if qtype not in QUESTION_TYPES:
                entry.problem(f"unknown type '{qtype}'")
            raw_choices = entry.raw.get("choices", [])
            if raw_choices == "red_flags":  # the red-flag list lives in triage.json
                raw_choices = [
                    {"value": f.get("id"), "label": f.get("label")} for f in flags
                ]
            choices = []
            for c in raw_choices if isinstance(raw_choices, list) else []:
                ce = _Entry(self, file, f"question '{qid}' choice", c)
                choices.append(
                    Choice(
                        ce.text("value"),
                        ce.text("label"),
                        ce.text("mark", optional=True),
                    )
                )
            if qtype in ("single", "multi") and not choices:
                entry.problem("a choice question needs choices")
            lo = entry.get(
                "min",
                (int, float),
                0 if qtype not in ("integer", "number", "scale") else None,
            )
            hi = entry.get(
                "max",
                (int, float),
                0 if qtype not in ("integer", "number", "scale") else None,
            )
            picture = entry.text("picture", optional=True)
            if picture and picture not in pictures:
                entry.problem(f"unknown picture '{picture}'")
            presets = []
            for raw in entry.objects("presets", optional=True):
                pe = _Entry(self, file, f"question '{qid}' preset", raw)
                value = pe.number("value")
                if qtype != "number" or not (
                    isinstance(lo, (int, float))
                    and isinstance(hi, (int, float))
                    and lo <= value <= hi
                ):
                    pe.problem("a preset needs a number question and a value in range")
                presets.append((value, pe.text("label")))
            none_label = entry.text("none_label", optional=True)
            if none_label and qtype != "multi":
                entry.problem("'none_label' only fits a tick list (multi)")
            q = Question(
                id=qid,
                section=entry.text("section"),
                type=qtype,
                text=entry.text("text"),
                short=entry.text("short"),
                help=entry.text("help", optional=True),
                choices=tuple(choices),
                min=lo if qtype in ("integer", "number", "scale") else None,
                max=hi if qtype in ("integer", "number", "scale") else None,
                unit=entry.text("unit", optional=True),
                skip_if=(),
                picture=picture,
                presets=tuple(presets),
                none_label=none_label,
            )
            self.question_index[qid] = q
            pending.append((entry, q, entry.raw.get("skip_if")))
        out = []
        for entry, q, skip in pending:  # skip rules may name later questions
            if skip is not None:
                q = Question(
                    **{
                        **q._asdict(),
                        "skip_if": self.predicates(entry, skip, "skip_if"),
                    }
                )
                self.question_index[q.id] = q
            out.append(q)
        return tuple(out), pictures, dont_know, diary_texts

    def load_triage(
        self, file: str, data: dict[str, Any]
    ) -> tuple[dict[str, Level], tuple[RedFlag, ...], tuple[TriageRule, ...]]:
        top = _Entry(self, file, "file", data)
        levels: dict[str, Level] = {}
        for entry, lid in self.entries(file, top.objects("levels"), "level"):
            levels[lid] = Level(
                lid, entry.text("title"), entry.text("action"), entry.text("timeframe")
            )
        for lid in LEVELS:
            if lid not in levels:
                top.problem(f"triage level '{lid}' is not described")

        def level_of(entry: _Entry) -> str:
            level = entry.text("level")
            if level not in LEVELS:
                entry.problem(f"unknown triage level '{level}'")
            return level

        flags = []
        for entry, fid in self.entries(file, top.objects("red_flags"), "red flag"):
            level = level_of(entry)
            if level not in ("emergency", "urgent"):
                entry.problem("a red flag must be emergency or urgent")
            flags.append(
                RedFlag(
                    fid,
                    entry.text("label"),
                    level,
                    entry.text("message"),
                    entry.sources(),
                )
            )
        flag_ids = {f.id for f in flags}
        rules = []
        for entry, rid in self.entries(
            file, top.objects("combinations"), "combination"
        ):
            all_of = entry.texts("all_of")
            for fid in all_of:
                if fid not in flag_ids:
                    entry.problem(f"'all_of' names unknown red flag '{fid}'")
            when = tuple(Predicate("red_flags", "includes", f) for f in all_of)
            rules.append(
                TriageRule(
                    rid,
                    when,
                    level_of(entry),
                    True,
                    entry.text("message"),
                    entry.sources(),
                )
            )
        self.allow_derived = True
        for entry, rid in self.entries(file, top.objects("rules"), "rule"):
            stop = entry.get("stop_running", bool)
            rules.append(
                TriageRule(
                    rid,
                    self.predicates(entry, entry.raw.get("when"), "when"),
                    level_of(entry),
                    bool(stop),
                    entry.text("message"),
                    entry.sources(),
                )
            )
        self.allow_derived = False
        return levels, tuple(flags), tuple(rules)

    def load_exercises(self, file: str) -> dict[str, Exercise]:
        data = self.read(file)
        out: dict[str, Exercise] = {}
        top = _Entry(self, file, "file", data)
        for entry, eid in self.entries(file, top.objects("exercises"), "exercise"):
            dose = _Entry(
                self, file, f"exercise '{eid}' dose", entry.get("dose", dict, {})
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

    def load_scoring(self, file: str) -> tuple[ScoringModel, dict[str, _Entry]]:
        data = self.read(file)
        top = _Entry(self, file, "file", data)
        bands = _Entry(self, file, "bands", top.get("bands", dict, {}))
        age_bands = []
        for entry, bid in self.entries(file, top.objects("age_bands"), "age band"):
            high = entry.get("max_age", int)
            age_bands.append(AgeBand(bid, entry.text("label"), int(high or 0)))
        if not age_bands or [b.max_age for b in age_bands] != sorted(
            {b.max_age for b in age_bands}
        ):
            top.problem("'age_bands' must list bands by rising max_age")
        elif age_bands[-1].max_age < AGE_MAX:
            top.problem(f"the last age band must reach age {AGE_MAX}")
        band_ids = [b.id for b in age_bands]
        mix = top.get("unknown_age_mix", dict, {}) or {}
        if sorted(mix) != sorted(band_ids) or not all(
            isinstance(v, (int, float)) and v >= 0 for v in mix.values()
        ):
            top.problem("'unknown_age_mix' needs a weight of 0 or more for each band")
            mix = {b: 1.0 for b in band_ids}
        other = _Entry(self, file, "something_else", top.get("something_else", dict))
        other.text("note")
        model = ScoringModel(
            tuple(age_bands),
            {k: float(v) for k, v in mix.items()},
            top.number("evidence_power"),
            bands.number("likely"),
            bands.number("possible"),
            top.number("suspected_threshold"),
            self.features(other, needs_positive=False),
            top.sources("prior_sources"),
        )
        if not 0 < model.possible < model.likely <= 1:
            bands.problem("need 0 < possible < likely <= 1")
        if not 0 < model.evidence_power <= 2:
            top.problem("'evidence_power' must be above 0 and at most 2")
        raw = top.get("conditions", dict, {}) or {}
        return model, {
            cid: _Entry(self, file, f"condition '{cid}'", v) for cid, v in raw.items()
        }

    def prior(self, entry: _Entry, model: ScoringModel) -> dict[str, float]:
        raw = entry.get("prior", dict, {}) or {}
        out: dict[str, float] = {}
        for band in model.age_bands:
            value = raw.get(band.id)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                entry.problem(f"'prior' needs a number for age band '{band.id}'")
            elif not 0 < value < 100:
                entry.problem(f"'prior' for '{band.id}' must be above 0 and below 100")
            else:
                out[band.id] = float(value)
        for extra in set(raw) - set(out) - {b.id for b in model.age_bands}:
            entry.problem(f"'prior' names unknown age band '{extra}'")
        return out

    def features(
        self, entry: _Entry, needs_positive: bool = True
    ) -> tuple[Feature, ...]:
        out = []
        for i, raw in enumerate(entry.objects("features")):
            fe = _Entry(self, entry.file, f"{entry.where} feature #{i + 1}", raw)
            if "all" in fe.raw:
                when = self.predicates(fe, fe.raw["all"], "all")
            else:
                pred = self.predicate(
                    fe, {k: fe.raw.get(k) for k in ("key", "op", "value")}, "feature"
                )
                when = (pred,) if pred else ()
            lr = fe.number("lr")
            if not 0 < lr <= LR_MAX or lr == 1:
                fe.problem(
                    f"'lr' must be above 0 and at most {LR_MAX:g}, and not 1 "
                    "(a likelihood ratio of 1 changes nothing)"
                )
            basis = fe.text("basis")
            source = fe.text("source", optional=True)
            if basis not in LR_BASES:
                fe.problem(f"'basis' must be one of {', '.join(LR_BASES)}")
            elif basis == "published" and not source:
                fe.problem("a published likelihood ratio must name its 'source'")
            if source:
                self.source_refs.append((fe, (source,)))
            text = fe.text("text", optional=True) or self.describe(when)
            if not text and when:  # a broken condition is reported already
                fe.problem("a feature with several conditions needs a 'text'")
            note = fe.text("note", optional=True)
            out.append(Feature(when, lr, text, basis, source, note))
        if needs_positive and not any(f.lr > 1 for f in out):
            entry.problem(
                "no feature points towards this condition, so no answer "
                "can ever reach it"
            )
        return tuple(out)

    def describe(self, when: tuple[Predicate, ...]) -> str:
        """Plain words for a single-predicate feature, from the question's labels."""
        if len(when) != 1:
            return ""
        p = when[0]
        q = self.question_index[p.key]
        if q.type == "yes_no":
            return f"{q.short}: {'yes' if p.value else 'no'}"
        if p.op in NUMBER_OPS:
            word = {"gt": "over", "gte": "at least", "lt": "under", "lte": "at most"}
            unit = f" {q.unit}" if q.unit and q.unit != "%" else q.unit
            return f"{q.short}: {word[p.op]} {p.value:g}{unit}"
        values = p.value if isinstance(p.value, tuple) else (p.value,)
        labels = " or ".join(_lower_first(q.label(v)) for v in values)
        negative = p.op in ("excludes", "ne")
        return f"{q.short}: {'not ' if negative else ''}{labels}"

    def required_keys(self, entry: _Entry) -> tuple[str, ...]:
        keys = entry.texts("requires", optional=True)
        for key in keys:
            if key not in self.question_index:
                entry.problem(f"'requires' names unknown answer key '{key}'")
        return keys

    def settle_weeks(self, entry: _Entry) -> float | None:
        if "settle_weeks" not in entry.raw:
            return None
        weeks = entry.number("settle_weeks")
        if not 0 < weeks <= 520:
            entry.problem("'settle_weeks' must be above 0 and at most 520")
        return weeks

    def load_conditions(
        self,
        file: str,
        scoring: dict[str, _Entry],
        exercises: dict[str, Exercise],
        scoring_model: ScoringModel,
    ) -> tuple[Condition, ...]:
        data = self.read(file)
        top = _Entry(self, file, "file", data)
        out = []
        aliases: dict[str, str] = {}
        for entry, cid in self.entries(file, top.objects("conditions"), "condition"):
            model = scoring.pop(cid, None)
            if model is None:
                entry.problem("has no entry in the scoring model")
                model = _Entry(self, file, f"condition '{cid}'", {})
            care = model.text("care_level")
            if care not in LEVELS or care == "emergency":
                model.problem(
                    f"care_level must be urgent, appointment or self_care, not '{care}'"
                )
            how_common = entry.text("how_common")
            if how_common not in HOW_COMMON:
                entry.problem(f"how_common must be one of {', '.join(HOW_COMMON)}")
            looks = []
            for la in entry.objects("look_alikes"):
                le = _Entry(self, file, f"condition '{cid}' look-alike", la)
                looks.append((le.text("id"), le.text("how_to_tell")))
            treatments = []
            for tr in entry.objects("treatments"):
                te = _Entry(self, file, f"condition '{cid}' treatment", tr)
                grade = te.text("evidence")
                if grade not in EVIDENCE_GRADES:
                    te.problem(f"evidence must be one of {', '.join(EVIDENCE_GRADES)}")
                treatments.append(Treatment(te.text("text"), grade, te.sources()))
            ex_ids = entry.texts("exercises", optional=True)
            for eid in ex_ids:
                if eid not in exercises:
                    entry.problem(f"unknown exercise id '{eid}'")
                elif cid not in exercises[eid].conditions:
                    entry.problem(f"exercise '{eid}' does not list this condition")
            for alias in entry.texts("aliases", optional=True):
                if alias.lower() in aliases:
                    entry.problem(
                        f"alias '{alias}' is also used by '{aliases[alias.lower()]}'"
                    )
                aliases[alias.lower()] = cid
            first = entry.raw.get("clinician_first")
            if first is not None and not (isinstance(first, str) and first):
                entry.problem("'clinician_first' must be null or a reason")
            model.sources()
            out.append(
                Condition(
                    id=cid,
                    name=entry.text("name"),
                    aliases=entry.texts("aliases", optional=True),
                    area=entry.text("area"),
                    how_common=how_common,
                    summary=entry.text("summary"),
                    description=entry.text("description"),
                    who=entry.text("who"),
                    typical_signs=entry.texts("typical_signs"),
                    look_alikes=tuple(looks),
                    self_care=entry.texts("self_care"),
                    exercises=ex_ids,
                    see_someone=entry.texts("see_someone"),
                    recovery=entry.text("recovery"),
                    treatments=tuple(treatments),
                    clinician_first=first if isinstance(first, str) else None,
                    sources=entry.sources(),
                    prior=self.prior(model, scoring_model),
                    care_level=care,
                    features=self.features(model),
                    requires=self.required_keys(model),
                    settle_weeks=self.settle_weeks(model),
                )
            )
        ids = {c.id for c in out}
        for c in out:
            for other, _ in c.look_alikes:
                if other not in ids:
                    self.problems.append(
                        f"{file}: condition '{c.id}': look-alike names unknown "
                        f"condition '{other}'"
                    )
        for band in scoring_model.age_bands:
            total = sum(c.prior.get(band.id, 0.0) for c in out)
            if total > 100 - OTHER_MIN:
                self.problems.append(
                    f"{self.file_names['scoring']}: age band '{band.id}': the priors "
                    f"add up to {total:g} of 100, leaving less than {OTHER_MIN:g} "
                    "for something else"
                )
        for model in scoring.values():
            model.problem("is in the scoring model but not in conditions")
        for cid in CONTRACT_CONDITIONS:
            if cid not in ids:
                top.problem(f"contract condition '{cid}' is missing")
        for eid, ex in exercises.items():
            for cid in ex.conditions:
                if cid not in ids:
                    self.problems.append(
                        f"{self.file_names['exercises']}: exercise '{eid}': unknown "
                        f"condition '{cid}'"
                    )
                elif eid not in next(c for c in out if c.id == cid).exercises:
                    self.problems.append(
                        f"{self.file_names['exercises']}: exercise '{eid}': "
                        f"condition '{cid}' does not list it"
                    )
        return tuple(out)

    def load_tips(
        self, file: str, condition_ids: set[str]
    ) -> tuple[tuple[Topic, ...], tuple[Tip, ...]]:
        data = self.read(file)
        top = _Entry(self, file, "file", data)
        topics = tuple(
            Topic(tid, e.text("title"))
            for e, tid in self.entries(file, top.objects("topics"), "topic")
        )
        topic_ids = {t.id for t in topics}
        tips = []
        for entry, tid in self.entries(file, top.objects("tips"), "tip"):
            topic = entry.text("topic")
            if topic not in topic_ids:
                entry.problem(f"unknown topic '{topic}'")
            when_raw = entry.raw.get("when", [])
            when = self.predicates(entry, when_raw, "when") if when_raw else ()
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
                    "; ".join(self.describe((p,)) for p in when),
                    self.required_keys(entry),
                )
            )
        return topics, tuple(tips)


def _lower_first(label: str) -> str:
    """'Going up stairs' -> 'going up stairs', but 'I fell' stays as it is."""
    if label[:2] in ("I ", "I'"):
        return label
    return label[:1].lower() + label[1:]
