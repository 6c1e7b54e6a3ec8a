"""The pure core: answers in, assessment out. No terminal, no files.

Order matters and is the safety design:
1. triage: red flags and their combinations, then answer rules (for example a
   child with a limp), then the care level of a likely condition; the most
   urgent wins, so a red flag always sets the level;
2. conditions: Bayes' rule, a banded prior times the likelihood ratio of every
   matched answer, with an explicit "something else" share, then bands;
3. run guidance: the pain-monitoring model, overridden by triage, a limp,
   pain of 5/10 or more and a suspected bone stress injury;
4. advice and prevention tips picked from the catalogue.
"""

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .answers import Answers
from .catalogue import ACUTE_WEEKS, LEVELS, VERDICT_NEEDS, Catalogue, Condition, Tip
from .namedtuples import NamedTuple
from .output import envelope
from .predicates import all_hold, key_missing

BONE_STRESS = "bone_stress_injury"
AGE_NOTABLE = 1.5  # a band prior this many times the average makes age a reason
# A self-check never claims certainty: strong answers may round to 1.0, so the
# shown probability stops one step short and "something else" keeps a share.
MOST_CERTAIN = 0.999
INJURIES = frozenset({"twist", "blow", "fall", "landing"})
# swelling of the knee itself (a bump on the shin is not the joint swelling)
SWELLING_OF_THE_JOINT = frozenset({"mild", "on_kneecap", "back_of_knee"})
# The questions about how the pain started and behaves: where it hurts, age and
# sex are not history, and a check with almost none of these cannot reassure.
HISTORY_FACT = "history_answered"  # the derived fact that counts them
HISTORY_KEYS = frozenset(
    {
        "onset",
        "injury",
        "duration_weeks",
        "worse_with",
        "timing",
        "feels",
        "swelling",
        "limp",
        "pain_during_run",
        "pain_after_run",
        "settles_by_morning",
        "trend",
        "rested_week",
    }
)


class Reason(NamedTuple):
    """Why the triage is at its level: a red flag, a rule or a condition."""

    id: str
    message: str
    sources: tuple[str, ...] = ()


class Triage(NamedTuple):
    """How urgent it is, what to do, and every reason, most urgent first."""

    level: str
    title: str
    action: str
    timeframe: str
    reasons: tuple[Reason, ...]
    red_flags: tuple[str, ...]


class RankedCondition(NamedTuple):
    """A listed condition: its probability, band, and the answers for and against."""

    id: str
    name: str
    probability: float  # also the contract's `score`
    band: str
    for_: tuple[str, ...]
    against: tuple[str, ...]

    @property
    def score(self) -> float:
        """The contract's `score`: the same number as the probability."""
        return self.probability


class RunGuidance(NamedTuple):
    """The run verdict (stop, reduce, continue), its reasons and advice."""

    verdict: str
    title: str
    reasons: tuple[str, ...]
    advice: str


class Care(NamedTuple):
    """What to do now for the top condition."""

    condition: str | None
    self_care: tuple[str, ...]
    exercises: tuple[dict[str, str], ...]
    see_someone: tuple[str, ...]


class Assessment(NamedTuple):
    """The result object of the contract (section 2); to_dict() is the --json."""

    catalogue_name: str
    catalogue_version: str
    disclaimer: str
    triage: Triage
    conditions: tuple[RankedCondition, ...]
    run_guidance: RunGuidance
    care: Care
    prevention: tuple[Tip, ...]
    tip_reasons: dict[str, str]
    answers: Answers
    stopped_early: bool = False
    extra: dict[str, Any] | None = None  # added keys: plan, from_diary

    def plan_condition(self) -> str | None:
        """The condition a plan would be for; none while a doctor must see it first."""
        if not _contender(self.conditions) or self.triage.level in (
            "emergency",
            "urgent",
        ):
            return None
        return self.conditions[0].id

    def with_extra(self, **keys: Any) -> "Assessment":
        """This result with added keys, such as the plan (`assess --plan`)."""
        return self._replace(extra={**(self.extra or {}), **keys})

    def to_dict(self) -> dict[str, Any]:
        """The contract's result document (section 2), as `--json` prints it."""
        t = self.triage
        return envelope(
            "assessment",
            {
                "catalogue_version": self.catalogue_version,
                "catalogue_name": self.catalogue_name,
                "disclaimer": self.disclaimer,
                "triage": {
                    "level": t.level,
                    "title": t.title,
                    "action": t.action,
                    "timeframe": t.timeframe,
                    "reasons": [
                        {"id": r.id, "message": r.message, "sources": list(r.sources)}
                        for r in t.reasons
                    ],
                    "red_flags": list(t.red_flags),
                },
                "conditions": [
                    {
                        "id": c.id,
                        "name": c.name,
                        "score": c.score,
                        "probability": c.probability,
                        "band": c.band,
                        "for": list(c.for_),
                        "against": list(c.against),
                    }
                    for c in self.conditions
                ],
                "run_guidance": {
                    "verdict": self.run_guidance.verdict,
                    "title": self.run_guidance.title,
                    "reasons": list(self.run_guidance.reasons),
                    "advice": self.run_guidance.advice,
                },
                "self_care": list(self.care.self_care),
                "care": {
                    "condition": self.care.condition,
                    "exercises": [dict(e) for e in self.care.exercises],
                    "see_someone": list(self.care.see_someone),
                },
                "prevention": [f"{tip.title}: {tip.text}" for tip in self.prevention],
                "prevention_tips": [
                    {
                        "id": tip.id,
                        "topic": tip.topic,
                        "title": tip.title,
                        "text": tip.text,
                        "evidence": tip.evidence,
                        "why": self.tip_reasons.get(tip.id, ""),
                    }
                    for tip in self.prevention
                ],
                "stopped_early": self.stopped_early,
                "answers": dict(self.answers),
                **(self.extra or {}),
            },
        )


def assess(
    catalogue: Catalogue, answers: Answers, stopped_early: bool = False
) -> Assessment:
    """Score validated answers against the catalogue. Deterministic and pure."""
    ranked, scores = rank_conditions(catalogue, answers)
    triage, guidance = triage_and_verdict(catalogue, answers, ranked, scores)
    # advice and plans follow the top condition only while it is a real contender
    top = catalogue.condition(ranked[0].id) if _contender(ranked) else None
    care = _care(catalogue, triage.level, top)
    # Prevention waits while something urgent is going on: it would only distract.
    tips, why = (
        ((), {})
        if triage.level in ("emergency", "urgent")
        else _prevention(catalogue, answers, top)
    )
    return Assessment(
        catalogue_name=catalogue.name,
        catalogue_version=catalogue.version,
        disclaimer=catalogue.advice.disclaimer,
        triage=triage,
        conditions=tuple(ranked),
        run_guidance=guidance,
        care=care,
        prevention=tips,
        tip_reasons=why,
        answers=answers,
        stopped_early=stopped_early,
    )


def triage_and_verdict(
    catalogue: Catalogue,
    answers: Answers,
    ranked: list[RankedCondition],
    scores: Mapping[str, float],
) -> tuple[Triage, RunGuidance]:
    """The triage level and the run verdict of ranked answers (the interview asks
    this of answers it imagines, so it takes the ranking ready-made)."""
    triage, rule_stop = _triage(catalogue, answers, ranked)
    suspected_bone = scores.get(BONE_STRESS, 0.0) >= catalogue.model.suspected
    return triage, _run_guidance(catalogue, answers, triage, rule_stop, suspected_bone)


def stops_questionnaire(answers: Mapping[str, Any]) -> bool:
    """A ticked warning sign ends the questionnaire, as NHS 111 does: the rest
    cannot make it less urgent, and the runner should act now."""
    return bool(answers.get("red_flags"))


class Evidence(NamedTuple):
    """What the answers say of each condition in play, before normalising."""

    priors: dict[str, float]  # per 100 runners; conditions whose requires are met
    log_lr: dict[str, float]  # the sum of the log likelihood ratios of matches
    pro: dict[str, list[str]]
    con: dict[str, list[str]]
    other_prior: float  # the share of 100 that no listed prior claims
    other_log_lr: float


def gather_evidence(catalogue: Catalogue, answers: Answers) -> Evidence:
    """The prior and the matched likelihood ratios of every condition in play."""
    model = catalogue.model
    age = answers.get("age")
    band = model.band_of(age) if age is not None else None
    evidence = Evidence({}, {}, {}, {}, 0.0, 0.0)
    for cond in catalogue.conditions:
        if any(key_missing(answers, key) for key in cond.requires):
            continue  # e.g. osteoarthritis waits for a known age
        mixed = sum(w * cond.prior[b] for b, w in model.unknown_age_mix.items())
        mixed /= sum(model.unknown_age_mix.values()) or 1.0
        prior = cond.prior[band] if band is not None else mixed
        pro, con = _age_evidence(catalogue, age, band, prior, mixed)
        log_lr = 0.0
        for feat in cond.features:
            if all_hold(feat.when, answers):
                log_lr += math.log(feat.lr)
                (pro if feat.lr > 1 else con).append(feat.text)
        evidence.priors[cond.id] = prior
        evidence.log_lr[cond.id] = log_lr
        evidence.pro[cond.id], evidence.con[cond.id] = pro, con
    other_lr = sum(
        math.log(f.lr) for f in model.other_features if all_hold(f.when, answers)
    )
    return evidence._replace(
        other_prior=max(100.0 - sum(evidence.priors.values()), 0.0),
        other_log_lr=other_lr,
    )


def posterior(
    catalogue: Catalogue,
    priors: Mapping[str, float],
    log_lr: Mapping[str, float],
    other: tuple[float, float],
) -> tuple[dict[str, float], float]:
    """Bayes' rule: prior x likelihood ratios (raised to the calibrated evidence
    power), normalised together with "something else" (prior, log ratio), which
    keeps the rest. Every condition id gets a number, 0 when not in play; the
    total weight before normalising comes second (how well the model expects
    these answers, which the interview uses)."""
    power = catalogue.model.evidence_power
    weights = {cid: p * math.exp(power * log_lr[cid]) for cid, p in priors.items()}
    norm = sum(weights.values()) + other[0] * math.exp(power * other[1])
    scores = {
        c.id: (weights[c.id] / norm if c.id in weights and norm else 0.0)
        for c in catalogue.conditions
    }
    return scores, norm


def listed_conditions(pro: Mapping[str, Sequence[str]]) -> list[str]:
    """The conditions a result lists: the contract lists only those with some
    support (an answer for them), in the order of `pro`."""
    return [cid for cid, why in pro.items() if why]


def ranked_from(
    catalogue: Catalogue,
    scores: Mapping[str, float],
    pro: Mapping[str, Sequence[str]],
    con: Mapping[str, Sequence[str]],
) -> list[RankedCondition]:
    """The conditions with some support (an answer for them), best first."""
    index = catalogue.condition_index()
    ranked = []
    for cid in sorted(listed_conditions(pro), key=lambda c: (-scores[c], index[c][0])):
        probability = min(round(scores[cid], 3), MOST_CERTAIN)
        ranked.append(
            RankedCondition(
                cid,
                index[cid][1].name,
                probability,
                band_of(catalogue, probability),
                tuple(pro[cid]),
                tuple(con.get(cid, ())),
            )
        )
    return ranked


def rank_conditions(
    catalogue: Catalogue, answers: Answers
) -> tuple[list[RankedCondition], dict[str, float]]:
    """Conditions with any support, best first, with probability, band, for, against.

    Posterior odds = prior x product of the likelihood ratios of matched answers
    (each raised to the calibrated evidence power); "something else" keeps the
    share of 100 that no listed prior claims, moved only by its own features.
    """
    ev = gather_evidence(catalogue, answers)
    scores, _ = posterior(
        catalogue, ev.priors, ev.log_lr, (ev.other_prior, ev.other_log_lr)
    )
    return ranked_from(catalogue, scores, ev.pro, ev.con), scores


def _contender(ranked: Sequence[RankedCondition]) -> bool:
    """The top condition is worth advice and a plan: at least `possible`."""
    return bool(ranked) and ranked[0].band != "unlikely"


def band_of(catalogue: Catalogue, probability: float) -> str:
    """`likely`, `possible` or `unlikely`, from the probability alone."""
    model = catalogue.model
    if probability >= model.likely:
        return "likely"
    return "possible" if probability >= model.possible else "unlikely"


def _age_evidence(
    catalogue: Catalogue, age: int | None, band: str | None, prior: float, mixed: float
) -> tuple[list[str], list[str]]:
    """The age as a reason for or against: a band prior well off the average."""
    if age is None or band is None or mixed <= 0:
        return [], []
    label = next(b.label for b in catalogue.model.age_bands if b.id == band)
    texts = catalogue.advice.scoring
    if prior >= AGE_NOTABLE * mixed:
        return [texts.age_for.format(age=age, band=label)], []
    if prior <= mixed / AGE_NOTABLE:
        return [], [texts.age_against.format(age=age, band=label)]
    return [], []


def derived_facts(
    catalogue: Catalogue, answers: Answers, ranked: list[RankedCondition]
) -> dict[str, Any]:
    """The facts triage rules may test besides the answers (catalogue.DERIVED_FACTS).

    Unknown counts as the cautious side: no trend means not known to improve.
    """
    top = catalogue.condition(ranked[0].id) if ranked else None
    weeks = answers.get("duration_weeks")
    settle = top.settle_weeks if top is not None else None
    swelling = answers.get("swelling")
    return {
        "no_likely_condition": not ranked or ranked[0].band != "likely",
        "not_improving": answers.get("trend") != "better",
        "beyond_settling_time": weeks is not None
        and settle is not None
        and weeks > settle,
        "swelling_without_injury": swelling in SWELLING_OF_THE_JOINT
        and answers.get("injury") not in INJURIES,
        "may_be_recent": weeks is None or weeks <= ACUTE_WEEKS,
        # not asked or "don't know": the warning signs of a break are unchecked
        "red_flags_unknown": key_missing(answers, "red_flags"),
        HISTORY_FACT: sum(1 for key in HISTORY_KEYS if key in answers),
    }


def _triage(
    catalogue: Catalogue, answers: Answers, ranked: list[RankedCondition]
) -> tuple[Triage, list[Reason]]:
    flags = set(answers.get("red_flags") or ())
    facts = {**answers, **derived_facts(catalogue, answers, ranked)}
    reasons: list[tuple[str, Reason]] = []
    for flag in catalogue.red_flags:
        if flag.id in flags:
            reasons.append((flag.level, Reason(flag.id, flag.message, flag.sources)))
    stops: list[Reason] = []
    for rule in catalogue.rules:
        if all_hold(rule.when, facts):
            reason = Reason(rule.id, rule.message, rule.sources)
            reasons.append((rule.level, reason))
            if rule.stop_running:
                stops.append(reason)
    # A condition that needs a clinician raises the level when it is a real
    # contender: leaning cautious when the differential is uncertain.
    for rc in ranked:
        cond = catalogue.condition(rc.id)
        if rc.band != "unlikely" and cond.care_level != "self_care":
            reasons.append(
                (
                    cond.care_level,
                    Reason(
                        f"condition:{cond.id}",
                        catalogue.advice.condition_care.format(
                            name=cond.name, band=rc.band
                        ),
                        cond.sources,
                    ),
                )
            )
    level = min((lv for lv, _ in reasons), key=LEVELS.index, default="self_care")
    ordered = [r for _, r in sorted(reasons, key=lambda lr: LEVELS.index(lr[0]))]
    info = catalogue.levels[level]
    return Triage(
        level,
        info.title,
        info.action,
        info.timeframe,
        tuple(ordered),
        tuple(f.id for f in catalogue.red_flags if f.id in flags),
    ), stops


def _run_guidance(
    catalogue: Catalogue,
    answers: Answers,
    triage: Triage,
    rule_stops: list[Reason],
    suspected_bone: bool,
) -> RunGuidance:
    rules = catalogue.advice.run_rules
    msg = rules.messages
    limit = rules.pain_limit
    stop: list[str] = []
    if triage.level in ("emergency", "urgent"):
        stop.append(
            msg.triage.format(level=triage.title.lower(), timeframe=triage.timeframe)
        )
    stop += [
        msg.rule.format(message=r.message)
        for r in rule_stops
        if triage.level not in ("emergency", "urgent")
    ]
    if answers.get("limp") is True:
        stop.append(msg.limp)
    pain = answers.get("pain_during_run")
    if pain is not None and pain >= limit:
        stop.append(msg.pain_high.format(pain=pain))
    if suspected_bone:
        stop.append(msg.bone_stress)
    if stop:
        return _verdict(catalogue, "stop", stop)

    reduce: list[str] = []
    ok: list[str] = []
    after = answers.get("pain_after_run")
    settled = answers.get("settles_by_morning")
    if pain is not None:
        ok.append(msg.ok_pain.format(pain=pain))
    if after == 0 and settled is None:
        ok.append(msg.ok_no_after_pain)  # nothing to settle
    elif settled is False:
        reduce.append(msg.not_settled)
    elif settled is True:
        ok.append(msg.ok_settled)
    if after is not None and after > rules.pain_after_limit:
        reduce.append(msg.pain_after_high.format(pain=after))
    trend = answers.get("trend")
    if trend == "worse":
        reduce.append(msg.worse)
    elif trend is not None:
        ok.append(msg.ok_trend)
    missing = [
        k
        for k in VERDICT_NEEDS
        if key_missing(answers, k) and not (k == "settles_by_morning" and after == 0)
    ]
    if missing:
        names = rules.missing_names
        reduce.append(msg.missing.format(what=_join([names[k] for k in missing])))
    if reduce:
        return _verdict(catalogue, "reduce", reduce)
    return _verdict(catalogue, "continue", ok)


def _verdict(catalogue: Catalogue, verdict: str, reasons: list[str]) -> RunGuidance:
    text = catalogue.advice.verdicts[verdict]
    return RunGuidance(verdict, text.title, tuple(reasons), text.advice)


def _care(catalogue: Catalogue, level: str, top: Condition | None) -> Care:
    if level in ("emergency", "urgent"):
        return Care(
            top.id if top else None,
            catalogue.advice.urgent_self_care,
            (),
            top.see_someone if top else (),
        )
    if top is None:
        return Care(None, catalogue.advice.no_condition_self_care, (), ())
    exercises = (
        tuple(
            {"id": e.id, "name": e.name}
            for e in (catalogue.exercises[x] for x in top.exercises)
        )
        if not top.clinician_first
        else ()
    )
    return Care(top.id, top.self_care, exercises, top.see_someone)


def _prevention(
    catalogue: Catalogue, answers: Answers, top: Condition | None, limit: int = 5
) -> tuple[tuple[Tip, ...], dict[str, str]]:
    """Tips that this runner's answers trigger, then those for the top condition."""
    picked: list[Tip] = []
    why: dict[str, str] = {}
    usable = [
        t
        for t in catalogue.tips
        if not any(key_missing(answers, k) for k in t.requires)
    ]  # a tip about age, sex or distance waits until that answer is known
    for tip in usable:
        if tip.when and all_hold(tip.when, answers):
            picked.append(tip)
            why[tip.id] = f"because of your answer: {tip.trigger}"
    if top is not None:
        for tip in usable:
            # a tip with a trigger speaks to that answer ("you increased..."), so
            # it is only ever picked by its trigger
            if top.id in tip.for_conditions and not tip.when and tip not in picked:
                picked.append(tip)
                why[tip.id] = f"helps with {top.name}"
    return tuple(picked[:limit]), {t.id: why[t.id] for t in picked[:limit]}


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
