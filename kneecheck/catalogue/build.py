"""Load a whole catalogue folder: the manifest, every file, cross-checks."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import CatalogueError
from .clinical import load_conditions, load_scoring, load_triage
from .content import load_advice, load_exercises, load_plans, load_sources, load_tips
from .models import (
    CODE_ANSWER_KEYS,
    Catalogue,
    Question,
)
from .questions import load_interview, load_questions
from .reader import Entry, Loader


def load(loader: Loader) -> Catalogue:
    """Load everything; anything malformed in a way no check foresaw is still
    reported as a catalogue problem at the entry being read, never a crash."""
    try:
        return build(
            loader,
        )
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
                *loader.problems,
                f"{loader.context}: malformed value ({type(exc).__name__}: {detail})",
            ]
        ) from None


def build(loader: Loader) -> Catalogue:
    """Read every file the manifest names, check each and the links between them; raise
    CatalogueError listing every problem."""
    manifest = loader.read("catalogue.json")
    if not manifest and loader.problems:  # no manifest: nothing else to say
        raise CatalogueError(loader.problems)
    man = Entry(loader, "catalogue.json", "manifest", manifest)
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

    loader.file_names = file
    missing = [name for name in file.values() if not (loader.folder / name).is_file()]
    if missing:  # every other check would only repeat that files are missing
        raise CatalogueError(
            loader.problems
            + [f"{name}: file not found in {loader.folder}" for name in missing]
        )
    sources = load_sources(loader, file["sources"])
    red_flag_raw = loader.read(file["triage"])
    questions, pictures, dont_know, diary_texts = load_questions(
        loader, file["questions"], red_flag_raw
    )
    levels, red_flags, rules = load_triage(loader, file["triage"], red_flag_raw)
    exercises = load_exercises(loader, file["exercises"])
    model, scoring = load_scoring(loader, file["scoring"])
    conditions = load_conditions(loader, file["conditions"], scoring, exercises, model)
    topics, tips = load_tips(loader, file["tips"], {c.id for c in conditions})
    advice = load_advice(loader, file["advice"])
    # the walk-run steps are gated by the one pain limit, the run rules'
    plans, return_to_run = load_plans(
        loader, file["plans"], conditions, advice.run_rules.pain_limit
    )
    check_code_keys(loader, file["questions"], questions)
    interview = load_interview(loader, file["questions"], questions)

    for entry, ids in loader.source_refs:
        for sid in ids:
            if sid not in sources:
                entry.problem(f"unknown source id '{sid}'")
    if loader.problems:
        raise CatalogueError(loader.problems)
    return Catalogue(
        name=name,
        version=version,
        path=loader.folder,
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
        interview=interview,
    )


def check_code_keys(loader: Loader, file: str, questions: tuple[Question, ...]) -> None:
    """The answer keys code reads by name must exist, with the type code expects."""
    by_id = {q.id: q for q in questions}
    for key, kind in CODE_ANSWER_KEYS.items():
        q = by_id.get(key)
        if q is None:
            loader.problems.append(
                f"{file}: question '{key}' is missing (code reads it)"
            )
        elif q.type != kind:
            loader.problems.append(
                f"{file}: question '{key}' must be of type '{kind}', not '{q.type}'"
            )
