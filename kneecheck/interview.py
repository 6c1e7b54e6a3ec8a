"""The interview: which question to ask next, and why (contract 1.1's `next`).

Warning signs come first (a ticked one ends the interview, but for a question
that could still make it an emergency), then the basics every result needs
(questions.json `interview.basics`). After that each question is chosen by what
its answer could do, tried answer by answer on the same engine that scores the
result:
1. safety: a question an urgent or emergency rule still waits on;
2. triage: an answer could make it more urgent;
3. narrow: while the causes are not settled, the question expected to teach
   most about them (mutual information between answer and cause, in bits);
4. verdict: the run verdict still needs it, an answer could make it more
   cautious, or an answer could lift a stop that the probabilities alone set;
5. outcome: an answer could change the triage or the verdict either way.
Safety, triage and verdict are always asked; narrow and outcome only under
`max_questions`.
It stops when no group has a question left. `full` keeps the questionnaire's
own order. Pure and deterministic: ties go to the questionnaire's order.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .answers import DONT_KNOW_KEY, Answers
from .catalogue import (
    DERIVED_FROM,
    LEVELS,
    VERDICT_KEYS,
    VERDICT_NEEDS,
    VERDICTS,
    Catalogue,
    Feature,
    Question,
)
from .catalogue.types import QUESTION_TYPES
from .engine import (
    BONE_STRESS,
    HISTORY_FACT,
    HISTORY_KEYS,
    Evidence,
    derived_facts,
    gather_evidence,
    posterior,
    rank_conditions,
    ranked_from,
    stops_questionnaire,
    triage_and_verdict,
)
from .namedtuples import NamedTuple
from .output import envelope
from .predicates import NUMBER_OPS, VALUE_OPS, Predicate, all_hold

URGENT = ("emergency", "urgent")
ALWAYS = ("safety", "triage", "verdict")  # tiers asked whatever the count
OTHER = "(something else)"  # the share no listed cause claims, in the gain
SUPPORTED = ("(an answer for it)",)  # stands in for the texts while trying answers


class NextQuestion(NamedTuple):
    """The next question (None when done), why, how many were asked, how many
    probably remain."""

    question: Question | None
    why: str
    asked: int
    remaining: int

    @property
    def done(self) -> bool:
        """No further question is worth asking."""
        return self.question is None

    def to_dict(self) -> dict[str, Any]:
        """The contract's document (section 4), inside the usual envelope."""
        if self.question is None:
            return envelope("next", {"done": True, "asked": self.asked})
        q = self.question
        shown: dict[str, Any] = {"key": q.id, "type": QUESTION_TYPES[q.type].contract}
        shown["text"] = q.text
        if shown["type"] in ("single", "multi"):
            shown["choices"] = [{"id": c.value, "label": c.label} for c in q.choices]
        if q.min is not None and q.max is not None:
            shown["min"], shown["max"] = q.min, q.max
        shown["why"] = self.why
        return envelope(
            "next",
            {
                "done": False,
                "question": shown,
                "asked": self.asked,
                "remaining_estimate": self.remaining,
            },
        )


class Now(NamedTuple):
    """The result as the answers stand, to compare each tried answer with."""

    level: str
    verdict: str
    reasons: frozenset[str]
    probability_rules: frozenset[str]  # rules on the probabilities alone
    verdict_open: bool  # every answer the verdict needs could still come
    decisive: frozenset[str]  # answer keys triage or the verdict read as things stand
    signature: tuple[Any, ...]  # what triage reads of the probabilities


class Value(NamedTuple):
    """What answering one open question could do."""

    question: Question
    raises_triage: bool  # some answer makes it more urgent, not by probability alone
    cautious_verdict: bool  # some answer makes the verdict more cautious
    moves_triage: bool  # some answer changes the triage level at all
    moves_verdict: bool  # some answer changes the verdict at all
    gain: float  # expected information gain about the cause, in bits
    pair: tuple[str, str] | None  # the two likeliest causes it tells apart


def next_question(
    catalogue: Catalogue, answers: Answers, full: bool = False
) -> NextQuestion:
    """The question to ask next for these (validated) answers, or done."""
    plan = catalogue.interview
    texts = plan.texts
    unsure = set(answers.get(DONT_KNOW_KEY) or ())
    asked = sum(1 for q in catalogue.questions if q.id in answers or q.id in unsure)
    open_ = [
        q
        for q in catalogue.questions
        if q.id not in answers
        and q.id not in unsure
        and not (q.skip_if and all_hold(q.skip_if, answers))
    ]
    if stops_questionnaire(answers):
        return _after_warning(catalogue, answers, open_, asked)
    if not open_:
        return NextQuestion(None, "", asked, 0)
    if full:
        return NextQuestion(open_[0], texts.full, asked, len(open_))
    room = plan.max_questions - asked
    basics = [q for q in open_ if q.id in plan.basics]
    if basics:
        q = basics[0]
        why = texts.warning if q.id == "red_flags" else texts.basic
        rest = [o for o in open_ if o.id not in plan.basics]
        after = _choose(catalogue, answers, rest, room - len(basics))[2]
        return NextQuestion(q, why, asked, len(basics) + after)
    chosen, why, remaining = _choose(catalogue, answers, open_, room)
    if chosen is None:
        return NextQuestion(None, "", asked, 0)
    return NextQuestion(chosen, why, asked, max(1, remaining))


def _after_warning(
    catalogue: Catalogue, answers: Answers, open_: list[Question], asked: int
) -> NextQuestion:
    """A ticked warning sign ends the interview, as NHS 111 does, except for a
    question that could still make it more urgent (fever becomes an emergency
    with a swollen knee)."""
    ranked, scores = rank_conditions(catalogue, answers)
    level = triage_and_verdict(catalogue, answers, ranked, scores)[0].level
    waiting = _waiting(catalogue, answers, ranked, level, open_)
    safety = [q for q in open_ if waiting.get(q.id) in URGENT]
    if not safety:
        return NextQuestion(None, "", asked, 0)
    return NextQuestion(safety[0], catalogue.interview.texts.safety, asked, len(safety))


def _choose(
    catalogue: Catalogue, answers: Answers, open_: list[Question], room: int
) -> tuple[Question | None, str, int]:
    """The most useful open question, why, and about how many remain. Questions
    that could make it more urgent or the verdict more cautious are always
    asked; the rest only while `room` (under max_questions) is left."""
    plan = catalogue.interview
    texts = plan.texts
    ev = gather_evidence(catalogue, answers)
    scores, _ = posterior(
        catalogue, ev.priors, ev.log_lr, (ev.other_prior, ev.other_log_lr)
    )
    ranked = ranked_from(catalogue, scores, ev.pro, ev.con)
    triage, guidance = triage_and_verdict(catalogue, answers, ranked, scores)
    waiting = _waiting(catalogue, answers, ranked, triage.level, open_)
    ready = _prepared(catalogue)
    now = Now(
        triage.level,
        guidance.verdict,
        frozenset(r.id for r in triage.reasons),
        ready.probability_rules,
        guidance.verdict != "stop"
        and not set(VERDICT_NEEDS) & set(answers.get(DONT_KNOW_KEY) or ()),
        ready.decisive
        | (HISTORY_KEYS if _history_matters(catalogue, answers) else set()),
        _signature(catalogue, ranked, scores),
    )
    values = [_value(catalogue, answers, q, ev, scores, now, ready) for q in open_]
    settled = max(scores.values(), default=0.0) >= plan.settled or room <= 0
    # A stop that the probabilities alone set (a suspected bone stress injury,
    # no urgent triage) could be lifted by an answer: worth asking before the
    # runner is told to stop.
    lifts_stop = guidance.verdict == "stop" and triage.level not in URGENT
    verdict_first = sorted(
        (v for v in values if v.cautious_verdict or (lifts_stop and v.moves_verdict)),
        key=lambda v: v.question.id not in VERDICT_KEYS,  # stable: keeps the order
    )
    # In order. Narrowing comes before the verdict tiers so that, once the
    # verdict's must-ask questions have used up the count, a case is not left
    # without a single question that tells its causes apart.
    tiers: list[tuple[str, list[Value]]] = [
        ("safety", [v for v in values if waiting.get(v.question.id) in URGENT]),
        (
            "triage",
            [v for v in values if v.raises_triage or v.question.id in waiting],
        ),
        (
            "narrow",
            [] if settled else [v for v in values if v.gain >= plan.min_gain_bits],
        ),
        ("verdict", verdict_first),
        (
            "outcome",
            []
            if room <= 0
            else [v for v in values if v.moves_triage or v.moves_verdict],
        ),
    ]
    must = {v.question.id for n, tier in tiers if n in ALWAYS for v in tier}
    may = {v.question.id for n, tier in tiers if n not in ALWAYS for v in tier} - must
    remaining = len(must) + min(max(room, 0), len(may))
    for name, tier in tiers:
        if not tier:
            continue
        # safety and the verdict go in questionnaire order; the rest by gain
        best = tier[0] if name in ("safety", "verdict") else _best(tier)
        if name == "outcome":  # say which it could change
            name = "triage" if best.moves_triage else "verdict"
        why = getattr(texts, name)
        if name == "narrow" and best.pair:
            first, second = (catalogue.condition(c).name for c in best.pair)
            why = texts.tell_apart.format(first=first, second=second)
        return best.question, why, remaining
    return None, "", 0


def _best(values: Sequence[Value]) -> Value:
    """The highest expected gain; the earlier question on a tie (max keeps the
    first of equals)."""
    return max(values, key=lambda v: round(v.gain, 9))


def _waiting(
    catalogue: Catalogue,
    answers: Answers,
    ranked: list[Any],
    level: str,
    open_: list[Question],
) -> dict[str, str]:
    """The open questions a triage rule more urgent than `level` still waits on
    (every other part of it holds or is still open), each with the most urgent
    such level. This looks further than one answer, for rules that need two
    answers at once; facts from the probabilities count as they stand."""
    open_ids = {q.id for q in open_}
    facts = {**answers, **derived_facts(catalogue, answers, ranked)}
    waiting: dict[str, str] = {}
    for rule in catalogue.rules:
        if LEVELS.index(rule.level) >= LEVELS.index(level):
            continue  # not more urgent than now
        needs: set[str] = set()
        for pred in rule.when:
            keys = _keys_of(pred.key) & open_ids
            if keys:
                needs |= keys
            elif not pred.holds(facts):
                break
        else:
            for key in needs:
                if key not in waiting or LEVELS.index(rule.level) < LEVELS.index(
                    waiting[key]
                ):
                    waiting[key] = rule.level
    return waiting


def _probability_rules(catalogue: Catalogue) -> frozenset[str]:
    """Rules that test only facts from the probabilities or counts ("no
    condition is likely"): they move with every answer, so a question that
    could trip one is a matter for the gain, not a reason of its own."""
    return frozenset(
        r.id
        for r in catalogue.rules
        if all(p.key in DERIVED_FROM and DERIVED_FROM[p.key] is None for p in r.when)
    )


def _keys_of(key: str) -> set[str]:
    """The open answers a rule's key could still change: itself, or a derived
    fact's inputs (none for facts from the probabilities or counts)."""
    if key not in DERIVED_FROM:
        return {key}
    return set(DERIVED_FROM[key] or ())


def _features_by_key(
    catalogue: Catalogue,
) -> dict[str, list[tuple[str | None, Feature]]]:
    """Every feature under each answer key it tests (None: "something else")."""
    index: dict[str, list[tuple[str | None, Feature]]] = {}
    owners: list[tuple[str | None, Iterable[Feature]]] = [
        (c.id, c.features) for c in catalogue.conditions
    ]
    owners.append((None, catalogue.model.other_features))
    for owner, features in owners:
        for feat in features:
            for key in {p.key for p in feat.when}:
                index.setdefault(key, []).append((owner, feat))
    return index


def _value(
    catalogue: Catalogue,
    answers: Answers,
    q: Question,
    ev: Evidence,
    scores: Mapping[str, float],
    now: "Now",
    ready: "Prepared",
) -> Value:
    """Try each possible answer to `q`: could it make the triage more urgent or
    the verdict more cautious, and how much is it expected to tell about the
    cause?"""
    if q.id not in ready.features and q.id not in now.decisive:
        # nothing scores it and nothing triages on it: no answer can matter
        return Value(q, False, False, False, False, 0.0, None)
    needs_rescore = q.id == "age" or any(
        q.id in c.requires for c in catalogue.conditions
    )
    outcomes: list[tuple[float, dict[str, float]]] = []
    shifts: dict[str, list[float]] = {}
    raises = cautious = moves_triage = moves_verdict = False
    for answer, alike, seen in ready.probes[q.id]:
        tried = {**answers, q.id: answer}
        if needs_rescore:  # the priors themselves move: score from scratch
            ranked, tried_scores = rank_conditions(catalogue, tried)
            mass = float(alike)
        else:
            log_lr, other, supported = dict(ev.log_lr), ev.other_log_lr, set()
            for owner, feat in ready.features.get(q.id, ()):
                if (owner is None or owner in log_lr) and all_hold(feat.when, tried):
                    step = math.log(feat.lr)
                    if owner is None:
                        other += step
                        continue
                    log_lr[owner] += step
                    shifts.setdefault(owner, []).append(step)
                    if feat.lr > 1:
                        supported.add(owner)
            tried_scores, norm = posterior(
                catalogue, ev.priors, log_lr, (ev.other_prior, other)
            )
            # only conditions with support are listed: rank just those
            pro = {c: SUPPORTED for c in ev.pro if ev.pro[c] or c in supported}
            ranked = ranked_from(catalogue, tried_scores, pro, {})
            mass = norm * alike  # how well the model expects this answer
        if (
            not seen
            and q.id not in now.decisive
            and _signature(catalogue, ranked, tried_scores) == now.signature
        ):  # no rule sees this answer, and the probabilities triage reads stand
            outcomes.append((mass, tried_scores))
            continue
        triage, guidance = triage_and_verdict(catalogue, tried, ranked, tried_scores)
        moves_triage |= triage.level != now.level
        moves_verdict |= guidance.verdict != now.verdict
        if LEVELS.index(triage.level) < LEVELS.index(now.level):
            # From self-care any reason counts: uncertainty is not reassurance.
            # Above it, a reason from the probabilities alone is for the gain.
            new = {r.id for r in triage.reasons} - now.reasons
            if now.level != "self_care":
                new -= now.probability_rules
            raises |= bool(new)
        cautious |= VERDICTS.index(guidance.verdict) < VERDICTS.index(now.verdict)
        outcomes.append((mass, tried_scores))
    # The verdict needs its answers together (one alone rarely moves it):
    # while none of them is "don't know" and it is not already "stop", each of
    # them could change it. One "don't know" keeps it from "continue" for good,
    # and then only the answers tried above count.
    cautious |= q.id in VERDICT_KEYS and now.verdict_open
    gain = _information_gain(scores, outcomes)
    return Value(
        q, raises, cautious, moves_triage, moves_verdict, gain, _pair(scores, shifts)
    )


def _with_other(scores: Mapping[str, float]) -> dict[str, float]:
    """The causes' probabilities with "something else" (the rest) as one more."""
    return {**scores, OTHER: max(0.0, 1.0 - sum(scores.values()))}


def _entropy(ps: Iterable[float]) -> float:
    """Bits of uncertainty over the causes."""
    return -sum(p * math.log2(p) for p in ps if p > 0)


def _information_gain(
    now: Mapping[str, float], outcomes: list[tuple[float, dict[str, float]]]
) -> float:
    """The mutual information, in bits, between the answer and the cause.

    Each tried answer gives weight x posterior for every cause (no answer rates
    are published, so equally expected answers weigh the same). Ratios are not
    answer rates, so each cause's weights are scaled to sum to its probability
    now: that makes one joint distribution, whose expected fall in entropy is
    never negative. Without it an answer that spreads a confident ranking
    counted against a question, and questions that tell causes apart went
    unasked."""
    if not any(mass > 0 for mass, _ in outcomes):
        return 0.0  # nothing to learn from no answer
    prior = _with_other(now)
    joint = [
        {c: mass * p for c, p in _with_other(scores).items()}
        for mass, scores in outcomes
    ]
    for cause, p in prior.items():
        column = sum(row.get(cause, 0.0) for row in joint)
        for row in joint:
            row[cause] = row.get(cause, 0.0) * p / column if column > 0 else 0.0
    after = 0.0
    for row in joint:
        p_answer = sum(row.values())
        if p_answer > 0:
            after += p_answer * _entropy(q / p_answer for q in row.values())
    return max(0.0, _entropy(prior.values()) - after)


def _pair(
    scores: Mapping[str, float], shifts: Mapping[str, list[float]]
) -> tuple[str, str] | None:
    """The two likeliest causes this question's answers move differently."""
    moved = sorted(shifts, key=lambda c: -scores.get(c, 0.0))
    if not moved:
        return None
    first = moved[0]
    for other in moved[1:]:
        if shifts[other] != shifts[first]:
            return first, other
    return None


def probes(catalogue: Catalogue, q: Question) -> list[Any]:
    """The answers worth trying for a question: every choice (each tick alone,
    and none, for a tick list), yes and no, a number's presets or the values
    either side of every threshold the catalogue tests it against."""
    return [answer for answer, _, _ in _prepared(catalogue).probes[q.id]]


class Prepared(NamedTuple):
    """What the interview works out once per catalogue."""

    features: dict[str, list[tuple[str | None, Feature]]]  # by answer key
    # answers to try: each with how many it stands for, and whether a triage
    # rule tests it (holds on it)
    probes: dict[str, list[tuple[Any, int, bool]]]
    probability_rules: frozenset[str]
    decisive: frozenset[str]  # answer keys read whole: the verdict's, derived facts'


_PREPARED: dict[int, tuple[Catalogue, Prepared]] = {}


def _prepared(catalogue: Catalogue) -> Prepared:
    """The catalogue's Prepared, kept (a catalogue is immutable) beside the
    catalogue itself, so the id stays its own."""
    kept = _PREPARED.get(id(catalogue))
    if kept is None or kept[0] is not catalogue:
        ready = Prepared(
            _features_by_key(catalogue),
            {
                q.id: [
                    (answer, alike, _rule_sees(catalogue, q.id, answer))
                    for answer, alike in _probes_of(catalogue, q)
                ]
                for q in catalogue.questions
            },
            _probability_rules(catalogue),
            _decisive_keys(catalogue),
        )
        kept = _PREPARED[id(catalogue)] = (catalogue, ready)
    return kept[1]


def _decisive_keys(catalogue: Catalogue) -> frozenset[str]:
    """The answer keys that triage or the verdict read whole, besides the rules'
    own predicates (_rule_sees): the verdict's answers, the warning signs, the
    inputs of derived facts. (The count of history answers: _history_matters.)"""
    keys = {"red_flags", *VERDICT_KEYS}
    for rule in catalogue.rules:
        for pred in rule.when:
            if pred.key in DERIVED_FROM:
                keys |= _keys_of(pred.key)
    return frozenset(keys)


def _rule_sees(catalogue: Catalogue, key: str, answer: Any) -> bool:
    """A triage rule tests this answer: one of its predicates holds on it."""
    return any(
        p.holds({key: answer}) for r in catalogue.rules for p in r.when if p.key == key
    )


def _history_matters(catalogue: Catalogue, answers: Answers) -> bool:
    """One more history answer could change a rule on the count of them (fewer
    than three books an appointment; once there are three, it cannot)."""
    count = sum(1 for key in HISTORY_KEYS if key in answers)
    return any(
        p.holds({HISTORY_FACT: count}) != p.holds({HISTORY_FACT: count + 1})
        for rule in catalogue.rules
        for p in rule.when
        if p.key == HISTORY_FACT
    )


def _signature(
    catalogue: Catalogue, ranked: Sequence[Any], scores: Mapping[str, float]
) -> tuple[Any, ...]:
    """All that triage and the verdict read of the probabilities: the listed
    conditions in order with their bands, and whether a bone stress injury is
    suspected."""
    return (
        tuple((r.id, r.band) for r in ranked),
        scores.get(BONE_STRESS, 0.0) >= catalogue.model.suspected,
    )


def _probes_of(catalogue: Catalogue, q: Question) -> list[tuple[Any, int]]:
    """probes(), each with how many answers it stands for: a tick that nothing
    in the catalogue tests acts as no tick at all, so it is tried once."""
    kind = QUESTION_TYPES[q.type]
    if kind.many:
        tested = {
            v
            for p in _predicates_on(catalogue, q.id)
            for v in (p.value if isinstance(p.value, (list, tuple)) else [p.value])
        }
        alike = sum(1 for c in q.choices if c.value not in tested)
        return [([], 1 + alike)] + [
            ([c.value], 1) for c in q.choices if c.value in tested
        ]
    if kind.choices:
        return [(c.value, 1) for c in q.choices]
    if not kind.numeric:
        return [(True, 1), (False, 1)]
    if q.presets:
        return [(value, 1) for value, _ in q.presets]
    lo, hi = q.min or 0, q.max if q.max is not None else math.inf
    values = {lo}
    for pred in _predicates_on(catalogue, q.id):
        if pred.op in NUMBER_OPS or pred.op in VALUE_OPS:
            for v in _numbers(pred.value):
                values |= {v - 1, v, v + 1}
    values |= _limits(catalogue, q.id)
    whole = q.type in ("integer", "scale")
    return [(int(v) if whole else v, 1) for v in sorted(values) if lo <= v <= hi]


def _numbers(value: Any) -> list[float]:
    items = value if isinstance(value, (list, tuple)) else [value]
    return [
        float(v)
        for v in items
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    ]


def _limits(catalogue: Catalogue, key: str) -> set[float]:
    """The run rules' pain limits, either side, for the pain questions."""
    rules = catalogue.advice.run_rules
    limit = {
        "pain_during_run": rules.pain_limit,
        "pain_after_run": rules.pain_after_limit,
    }
    if key not in limit:
        return set()
    return {limit[key] - 1.0, float(limit[key]), limit[key] + 1.0}


def _predicates_on(catalogue: Catalogue, key: str) -> list[Predicate]:
    """Every predicate in features, rules and skip rules that tests `key`."""
    groups: list[tuple[Predicate, ...]] = [r.when for r in catalogue.rules]
    groups += [f.when for c in catalogue.conditions for f in c.features]
    groups += [f.when for f in catalogue.model.other_features]
    groups += [q.skip_if for q in catalogue.questions]
    return [p for group in groups for p in group if p.key == key]


def simulate(
    catalogue: Catalogue, known: Answers, full: bool = False
) -> tuple[Answers, int]:
    """Run the interview against a patient who answers from `known` and says
    "don't know" to the rest; the answers gathered and the questions asked."""
    gathered: dict[str, Any] = {}
    while (step := next_question(catalogue, gathered, full)).question is not None:
        key = step.question.id
        if key in known and key not in (known.get(DONT_KNOW_KEY) or ()):
            gathered[key] = known[key]
        else:
            gathered.setdefault(DONT_KNOW_KEY, []).append(key)
    return gathered, step.asked
