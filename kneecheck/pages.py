"""Pages of the catalogue: conditions, a condition's page, prevention tips.

Find a condition by id, name or alias, and build what `conditions`, `explain`
and `tips` show, as typed results whose `to_dict()` is the `--json` document.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from .catalogue import Catalogue, Condition, Exercise, Tip, Topic
from .errors import UsageError
from .namedtuples import NamedTuple
from .output import document, envelope


def _norm(text: str) -> str:
    """Lower case, straight quotes, no punctuation or repeated spaces."""
    text = text.lower().replace("\u2019", "'").replace("-", " ").replace("_", " ")
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9' ]", " ", text)).strip()


def _names(catalogue: Catalogue) -> dict[str, str]:
    """Every way to name a condition (id, name, alias), normalised, to its id."""
    out: dict[str, str] = {}
    for c in catalogue.conditions:
        plain_name = re.sub(r"\s*\(.*?\)", "", c.name)  # "X (runner's knee)" -> "X"
        for name in (c.id, c.name, plain_name, *c.aliases):
            out.setdefault(_norm(name), c.id)
    return out


def find_condition(catalogue: Catalogue, query: str) -> Condition:
    """The condition a runner means, or a usage error suggesting the closest ones."""
    names = _names(catalogue)
    key = _norm(query)
    if key in names:
        return catalogue.condition(names[key])
    for variant in (key.replace("'", ""), key.rstrip("s")):  # runners knee, itbs
        for name, cid in names.items():
            if name.replace("'", "") == variant:
                return catalogue.condition(cid)
    close = difflib.get_close_matches(key, list(names), n=6, cutoff=0.6)
    ids: list[str] = []
    for name in close:
        if names[name] not in ids:
            ids.append(names[name])
    hint = (
        f"; did you mean {', '.join(ids[:3])}?"
        if ids
        else "; `kneecheck conditions` lists them all"
    )
    raise UsageError(f"unknown condition '{query}'{hint}")


def condition_rows(catalogue: Catalogue) -> list[dict[str, str]]:
    """One row per condition for `kneecheck conditions`."""
    return [
        {"id": c.id, "name": c.name, "area": c.area, "how_common": c.how_common}
        for c in catalogue.conditions
    ]


class ConditionList(NamedTuple):
    """`kneecheck conditions`: one row per condition of the catalogue."""

    catalogue_version: str
    rows: list[dict[str, str]]

    def to_dict(self) -> dict[str, Any]:
        """The `--json` document."""
        return envelope(
            "conditions",
            {"catalogue_version": self.catalogue_version, "conditions": self.rows},
        )


def condition_list(catalogue: Catalogue) -> ConditionList:
    """The conditions kneecheck knows, in catalogue order."""
    return ConditionList(catalogue.version, condition_rows(catalogue))


class TipSelection(NamedTuple):
    """`kneecheck tips`: the topics asked for and their tips."""

    catalogue_version: str
    topics: tuple[Topic, ...]
    tips: tuple[Tip, ...]
    citations: dict[str, str]  # source id -> citation, for the tips' sources
    disclaimer: str

    def to_dict(self) -> dict[str, Any]:
        """The `--json` document: tips grouped by topic, with their sources."""
        return envelope(
            "tips",
            {
                "catalogue_version": self.catalogue_version,
                "topics": [
                    {
                        "id": t.id,
                        "title": t.title,
                        "tips": [
                            {
                                "id": tip.id,
                                "title": tip.title,
                                "text": tip.text,
                                "evidence": tip.evidence,
                                "sources": [self.citations[s] for s in tip.sources],
                            }
                            for tip in self.tips
                            if tip.topic == t.id
                        ],
                    }
                    for t in self.topics
                ],
                "disclaimer": self.disclaimer,
            },
        )


def select_tips(catalogue: Catalogue, topic: str | None = None) -> TipSelection:
    """Every tip, or those of one topic (an unknown topic is a usage error)."""
    topics = list(catalogue.topics)
    if topic is not None:
        topics = [t for t in topics if t.id == topic]
        if not topics:
            known = ", ".join(t.id for t in catalogue.topics)
            raise UsageError(f"unknown topic '{topic}' (one of: {known})")
    ids = {t.id for t in topics}
    chosen = tuple(t for t in catalogue.tips if t.topic in ids)
    cited = {s: catalogue.sources[s] for tip in chosen for s in tip.sources}
    return TipSelection(
        catalogue.version, tuple(topics), chosen, cited, catalogue.advice.disclaimer
    )


def exercise_dict(catalogue: Catalogue, ex: Exercise) -> dict[str, Any]:
    """An exercise as the page and the plan show it, with its dose in words."""
    return {
        "id": ex.id,
        "name": ex.name,
        "how": list(ex.how),
        "dose": {
            "sets": ex.sets,
            "reps": ex.reps,
            "hold_seconds": ex.hold_seconds,
            "days_per_week": ex.days_per_week,
        },
        "dose_text": dose_text(ex),
        "progression": ex.progression,
        "sources": [catalogue.sources[s] for s in ex.sources],
    }


def dose_text(ex: Exercise) -> str:
    """'3 sets of 15 repetitions, 3 days a week'."""
    each = f"{ex.reps} repetitions" if ex.reps else f"{ex.hold_seconds}-second holds"
    days = "every day" if ex.days_per_week == 7 else f"{ex.days_per_week} days a week"
    return f"{ex.sets} sets of {each}, {days}"


class ConditionPage(NamedTuple):
    """Everything `kneecheck explain` shows about one condition."""

    catalogue_version: str
    id: str
    name: str
    aliases: tuple[str, ...]
    area: str
    how_common: str
    summary: str
    description: str
    who: str
    typical_signs: tuple[str, ...]
    look_alikes: tuple[dict[str, str], ...]  # id, name, how_to_tell
    what_helps: tuple[dict[str, Any], ...]  # text, evidence, sources
    self_care: tuple[str, ...]
    exercises: tuple[dict[str, Any], ...]  # as exercise_dict
    see_someone: tuple[str, ...]
    clinician_first: str | None
    recovery: str
    sources: tuple[dict[str, str], ...]  # id, citation
    disclaimer: str

    def to_dict(self) -> dict[str, Any]:
        """The `explain --json` document."""
        return document("condition_page", self)


def condition_page(catalogue: Catalogue, cond: Condition) -> ConditionPage:
    """Everything `kneecheck explain` shows, from the catalogue."""
    return ConditionPage(
        catalogue_version=catalogue.version,
        id=cond.id,
        name=cond.name,
        aliases=cond.aliases,
        area=cond.area,
        how_common=cond.how_common,
        summary=cond.summary,
        description=cond.description,
        who=cond.who,
        typical_signs=cond.typical_signs,
        look_alikes=tuple(
            {"id": other, "name": catalogue.condition(other).name, "how_to_tell": how}
            for other, how in cond.look_alikes
        ),
        what_helps=tuple(
            {
                "text": t.text,
                "evidence": t.evidence,
                "sources": [catalogue.sources[s] for s in t.sources],
            }
            for t in cond.treatments
        ),
        self_care=cond.self_care,
        exercises=tuple(
            exercise_dict(catalogue, catalogue.exercises[e]) for e in cond.exercises
        ),
        see_someone=cond.see_someone,
        clinician_first=cond.clinician_first,
        recovery=cond.recovery,
        sources=tuple(
            {"id": s, "citation": catalogue.sources[s]} for s in cond.sources
        ),
        disclaimer=catalogue.advice.disclaimer,
    )
