"""The catalogue: every clinical fact kneecheck uses, as checked, typed data.

`load_catalogue()` reads a folder of JSON files (data/ by default) and returns a
`Catalogue`; anything wrong raises one `CatalogueError` listing every problem,
each naming its file and entry. `check_catalogue()` is the same for a folder a
clinician is editing.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..paths import default_catalogue_dir, packaged_dir
from .models import (
    ACUTE_WEEKS,
    AGE_MAX,
    CODE_ANSWER_KEYS,
    CONTRACT_CONDITIONS,
    CONTRACT_RED_FLAGS,
    DERIVED_FACTS,
    DERIVED_FROM,
    DIARY_TEXTS,
    EVIDENCE_GRADES,
    HOW_COMMON,
    LEVELS,
    LR_BASES,
    LR_MAX,
    OTHER_MIN,
    TEMPLATE_FIELDS,
    VERDICT_KEYS,
    VERDICT_NEEDS,
    VERDICTS,
    Advice,
    AgeBand,
    Catalogue,
    Choice,
    Condition,
    Exercise,
    Feature,
    HistoryTexts,
    Interview,
    InterviewTexts,
    Level,
    Plan,
    Question,
    RedFlag,
    ReturnToRun,
    RunMessages,
    RunRules,
    ScoringModel,
    ScoringTexts,
    Stage,
    Tip,
    Topic,
    Treatment,
    TriageRule,
    VerdictText,
    WalkRunStep,
)


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate the catalogue folder; raise CatalogueError listing problems."""
    return _load_folder((path or default_catalogue_dir()).resolve())


def check_catalogue(path: Path) -> Catalogue:
    """Load a folder afresh (never from the cache), for `catalogue check`."""
    from .build import load
    from .reader import Loader

    return load(Loader(path.resolve()))


@cache
def _load_folder(folder: Path) -> Catalogue:
    from .cache import cached

    # the loader is imported only when the cache cannot serve the catalogue
    return cached(folder, lambda: check_catalogue(folder))


__all__ = [
    "ACUTE_WEEKS",
    "AGE_MAX",
    "CODE_ANSWER_KEYS",
    "CONTRACT_CONDITIONS",
    "CONTRACT_RED_FLAGS",
    "DERIVED_FACTS",
    "DERIVED_FROM",
    "DIARY_TEXTS",
    "EVIDENCE_GRADES",
    "HOW_COMMON",
    "LEVELS",
    "LR_BASES",
    "LR_MAX",
    "OTHER_MIN",
    "TEMPLATE_FIELDS",
    "VERDICTS",
    "VERDICT_KEYS",
    "VERDICT_NEEDS",
    "Advice",
    "AgeBand",
    "Catalogue",
    "Choice",
    "Condition",
    "Exercise",
    "Feature",
    "HistoryTexts",
    "Interview",
    "InterviewTexts",
    "Level",
    "Plan",
    "Question",
    "RedFlag",
    "ReturnToRun",
    "RunMessages",
    "RunRules",
    "ScoringModel",
    "ScoringTexts",
    "Stage",
    "Tip",
    "Topic",
    "Treatment",
    "TriageRule",
    "VerdictText",
    "WalkRunStep",
    "check_catalogue",
    "default_catalogue_dir",
    "load_catalogue",
    "packaged_dir",
]
