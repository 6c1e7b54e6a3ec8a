"""The clinical model: triage levels, red flags and rules, scoring, conditions."""

from __future__ import annotations

from typing import Any

from ..predicates import Predicate
from .models import (
    AGE_MAX,
    CONTRACT_CONDITIONS,
    CONTRACT_RED_FLAGS,
    EVIDENCE_GRADES,
    HOW_COMMON,
    LEVELS,
    LR_BASES,
    LR_MAX,
    OTHER_MIN,
    AgeBand,
    Condition,
    Exercise,
    Feature,
    Level,
    RedFlag,
    ScoringModel,
    Treatment,
    TriageRule,
)
from .reader import Entry, Loader


def load_triage(
    loader: Loader, file: str, data: dict[str, Any]
) -> tuple[dict[str, Level], tuple[RedFlag, ...], tuple[TriageRule, ...]]:
    """The urgency levels, red flags, their combinations and the triage rules."""
    top = Entry(loader, file, "file", data)
    levels: dict[str, Level] = {}
    for entry, lid in loader.entries(file, top.objects("levels"), "level"):
        levels[lid] = Level(
            lid, entry.text("title"), entry.text("action"), entry.text("timeframe")
        )
    for lid in LEVELS:
        if lid not in levels:
            top.problem(f"triage level '{lid}' is not described")

    def level_of(entry: Entry) -> str:
        """An entry's triage level, checked."""
        level = entry.text("level")
        if level not in LEVELS:
            entry.problem(f"unknown triage level '{level}'")
        return level

    flags = []
    for entry, fid in loader.entries(file, top.objects("red_flags"), "red flag"):
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
    for fid in CONTRACT_RED_FLAGS:
        if fid not in flag_ids:
            top.problem(f"contract red flag '{fid}' is missing")
    rules = []
    for entry, rid in loader.entries(file, top.objects("combinations"), "combination"):
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
    for entry, lid in loader.entries(file, top.objects("limits", True), "limit"):
        # a bound some rules share, kept as written (17, not 17.0); None when
        # broken, which is reported here and not again at each rule naming it
        loader.limits[lid] = entry.get("value", (int, float))
        entry.text("note")
        entry.sources()
    loader.allow_derived = True
    for entry, rid in loader.entries(file, top.objects("rules"), "rule"):
        stop = entry.get("stop_running", bool)
        rules.append(
            TriageRule(
                rid,
                loader.predicates(entry, entry.raw.get("when"), "when"),
                level_of(entry),
                bool(stop),
                entry.text("message"),
                entry.sources(),
            )
        )
    loader.allow_derived = False
    for lid in sorted(set(loader.limits) - loader.limits_used):
        top.problem(f"limit '{lid}' is used by no rule")
    return levels, tuple(flags), tuple(rules)


def load_scoring(loader: Loader, file: str) -> tuple[ScoringModel, dict[str, Entry]]:
    """The scoring model (age bands, evidence power, bands, something else) and each
    condition's raw entry, for load_conditions."""
    data = loader.read(file)
    top = Entry(loader, file, "file", data)
    bands = Entry(loader, file, "bands", top.get("bands", dict, {}))
    age_bands = []
    for entry, bid in loader.entries(file, top.objects("age_bands"), "age band"):
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
    other = Entry(loader, file, "something_else", top.get("something_else", dict))
    other.text("note")
    model = ScoringModel(
        tuple(age_bands),
        {k: float(v) for k, v in mix.items()},
        top.number("evidence_power"),
        bands.number("likely"),
        bands.number("possible"),
        top.number("suspected_threshold"),
        features(loader, other, needs_positive=False),
        top.sources("prior_sources"),
    )
    if not 0 < model.possible < model.likely <= 1:
        bands.problem("need 0 < possible < likely <= 1")
    if not 0 < model.evidence_power <= 2:
        top.problem("'evidence_power' must be above 0 and at most 2")
    raw = top.get("conditions", dict, {}) or {}
    return model, {
        cid: Entry(loader, file, f"condition '{cid}'", v) for cid, v in raw.items()
    }


def prior(loader: Loader, entry: Entry, model: ScoringModel) -> dict[str, float]:
    """A condition's prior for each age band, per 100 runners with knee pain."""
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
    loader: Loader, entry: Entry, needs_positive: bool = True
) -> tuple[Feature, ...]:
    """A condition's (or something else's) features: a condition on the answers and its
    likelihood ratio."""
    out = []
    for i, raw in enumerate(entry.objects("features")):
        quick = _plain_feature(loader, raw)
        if quick is not None:  # the common case, already known to be sound
            if quick.source:
                where = f"{entry.where} feature #{i + 1}"
                loader.source_refs.append(
                    (Entry(loader, entry.file, where, raw), (quick.source,))
                )
            out.append(quick)
            continue
        fe = Entry(loader, entry.file, f"{entry.where} feature #{i + 1}", raw)
        if "all" in fe.raw:
            when = loader.predicates(fe, fe.raw["all"], "all")
        else:
            pred = loader.predicate(
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
            loader.source_refs.append((fe, (source,)))
        text = fe.text("text", optional=True) or loader.describe(when)
        if not text and when:  # a broken condition is reported already
            fe.problem("a feature with several conditions needs a 'text'")
        note = fe.text("note", optional=True)
        if not isinstance(fe.raw.get("refit", False), bool):
            # false holds a clinician's estimate out of .tools/refit_lrs.py
            fe.problem("'refit' must be true or false")
        out.append(Feature(when, lr, text, basis, source, note))
    if needs_positive and not any(f.lr > 1 for f in out):
        entry.problem(
            "no feature points towards this condition, so no answer can ever reach it"
        )
    return tuple(out)


def _plain_feature(loader: Loader, raw: object) -> Feature | None:
    """A single-condition feature whose condition was already checked and whose
    other fields are plainly right, built without the full checks (which run
    for anything else, and report its problems). Hundreds of features share a
    few dozen conditions, so this saves most of the loading time."""
    if not isinstance(raw, dict) or "all" in raw:
        return None
    lr: Any = raw.get("lr")
    basis = raw.get("basis")
    source, text, note = raw.get("source", ""), raw.get("text", ""), raw.get("note", "")
    if (
        type(lr) not in (int, float)
        or not 0 < lr <= LR_MAX
        or lr == 1
        or basis not in LR_BASES
        or not (isinstance(source, str) and isinstance(text, str))
        or not isinstance(note, str)
        or (basis == "published" and not source)
        or not isinstance(raw.get("refit", False), bool)
    ):
        return None
    item = {k: raw.get(k) for k in ("key", "op", "value")}
    pred = loader.checked.get((repr(item), loader.allow_derived, "feature"))
    if pred is None:
        return None
    return Feature(
        (pred,), float(lr), text or loader.describe((pred,)), basis, source, note
    )


def settle_weeks(loader: Loader, entry: Entry) -> float | None:
    """The usual time for a condition to settle, in weeks; None when it has none."""
    if "settle_weeks" not in entry.raw:
        return None
    weeks = entry.number("settle_weeks")
    if not 0 < weeks <= 520:
        entry.problem("'settle_weeks' must be above 0 and at most 520")
    return weeks


def load_conditions(
    loader: Loader,
    file: str,
    scoring: dict[str, Entry],
    exercises: dict[str, Exercise],
    scoring_model: ScoringModel,
) -> tuple[Condition, ...]:
    """The conditions, each joined with its scoring entry, checked against the
    exercises and the contract."""
    data = loader.read(file)
    top = Entry(loader, file, "file", data)
    out = []
    aliases: dict[str, str] = {}
    for entry, cid in loader.entries(file, top.objects("conditions"), "condition"):
        model = scoring.pop(cid, None)
        if model is None:
            entry.problem("has no entry in the scoring model")
            model = Entry(loader, file, f"condition '{cid}'", {})
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
            le = Entry(loader, file, f"condition '{cid}' look-alike", la)
            looks.append((le.text("id"), le.text("how_to_tell")))
        treatments = []
        for tr in entry.objects("treatments"):
            te = Entry(loader, file, f"condition '{cid}' treatment", tr)
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
                prior=prior(loader, model, scoring_model),
                care_level=care,
                features=features(loader, model),
                requires=loader.required_keys(model),
                settle_weeks=settle_weeks(loader, model),
            )
        )
    ids = {c.id for c in out}
    for c in out:
        for other, _ in c.look_alikes:
            if other not in ids:
                loader.problems.append(
                    f"{file}: condition '{c.id}': look-alike names unknown "
                    f"condition '{other}'"
                )
    for band in scoring_model.age_bands:
        total = sum(c.prior.get(band.id, 0.0) for c in out)
        if total > 100 - OTHER_MIN:
            loader.problems.append(
                f"{loader.file_names['scoring']}: age band '{band.id}': the priors "
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
                loader.problems.append(
                    f"{loader.file_names['exercises']}: exercise '{eid}': unknown "
                    f"condition '{cid}'"
                )
            elif eid not in next(c for c in out if c.id == cid).exercises:
                loader.problems.append(
                    f"{loader.file_names['exercises']}: exercise '{eid}': "
                    f"condition '{cid}' does not list it"
                )
    return tuple(out)
