"""Accuracy on case files: what a change to the catalogue does, in one process.

A case file is one JSON object: `id`, `answers` (contract section 1) and
`expect` (`condition` or null, `also_acceptable`, `triage_min`, `triage_max`,
`verdict`), as in shared/vignettes/README.md. Published cases add `source` and
`split`; `--split` keeps one of them. Pure: no terminal, nothing written.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .answers import validate_answers
from .catalogue import LEVELS, VERDICTS, Catalogue
from .engine import assess
from .errors import AnswersError, CaseFileError
from .inputs import read_json
from .interview import simulate
from .namedtuples import NamedTuple
from .output import envelope

SPLITS = ("tune", "holdout")
CALIBRATION_BINS = 10  # equal-width bins of the top probability


class Case(NamedTuple):
    """One case file, checked: answers and what a right result looks like."""

    id: str
    path: str
    answers: dict[str, Any]
    condition: str | None
    acceptable: tuple[str, ...]  # the condition and its equally good answers
    triage_min: str
    triage_max: str
    verdict: str
    split: str | None


class Outcome(NamedTuple):
    """What kneecheck gave for one case."""

    case: Case
    ranked: tuple[str, ...]
    top_probability: float
    level: str
    verdict: str
    asked: int | None = None  # questions the adaptive interview asked
    gathered: dict[str, Any] | None = None  # the answers it gathered (adaptive)

    @property
    def top1(self) -> bool:
        """The right condition (or an equally acceptable one) came first."""
        return bool(self.ranked) and self.ranked[0] in self.case.acceptable

    @property
    def top3(self) -> bool:
        """The right condition was among the first three."""
        return any(c in self.case.acceptable for c in self.ranked[:3])

    @property
    def under_triaged(self) -> bool:  # less urgent than safe
        """Less urgent than the least urgent safe level."""
        return _urgency(self.level) < _urgency(self.case.triage_min)

    @property
    def over_triaged(self) -> bool:  # more urgent than reasonable
        """More urgent than the most urgent reasonable level."""
        return _urgency(self.level) > _urgency(self.case.triage_max)

    @property
    def verdict_ok(self) -> bool:
        """The run verdict is the expected one."""
        return self.verdict == self.case.verdict

    def misses(self) -> list[str]:
        """What went wrong for this case, in words (empty when nothing did)."""
        out = []
        if self.case.condition and not self.top3:
            out.append(
                f"{self.case.condition} not in the top 3 {list(self.ranked[:3])}"
            )
        elif self.case.condition and not self.top1:
            out.append(f"{self.case.condition} not first ({self.ranked[0]})")
        if self.under_triaged:
            out.append(f"triage {self.level}, needs at least {self.case.triage_min}")
        if self.over_triaged:
            out.append(f"triage {self.level}, at most {self.case.triage_max} wanted")
        if not self.verdict_ok:
            out.append(f"verdict {self.verdict}, expected {self.case.verdict}")
        return out


class Bin(NamedTuple):
    """One row of the reliability table."""

    low: float
    high: float
    cases: int
    confidence: float  # mean top probability in the bin
    accuracy: float  # share whose top condition was right


class Report(NamedTuple):
    """The whole evaluation: every outcome, and the folders and split it covers."""

    outcomes: tuple[Outcome, ...]
    folders: tuple[str, ...]
    split: str | None
    full: tuple[Outcome, ...] | None = None  # every answer given, when adaptive
    before: tuple[Outcome, ...] | None = None  # the same cases on a baseline
    baseline: str | None = None  # that baseline catalogue's folder

    def to_dict(self) -> dict[str, Any]:
        """The `evaluate --json` document."""
        problems = [(o, o.misses()) for o in self.outcomes]
        return envelope(
            "evaluation",
            {
                "folders": list(self.folders),
                "split": self.split,
                **summary(self.outcomes),
                "adaptive": None if self.full is None else self._adaptive(),
                "baseline": None if self.before is None else self._baseline(),
                "reliability": [b._asdict() for b in reliability(self.outcomes)],
                "misses": [
                    {"id": o.case.id, "file": o.case.path, "problems": found}
                    for o, found in problems
                    if found
                ],
            },
        )

    def _adaptive(self) -> dict[str, Any]:
        """Questions asked, the every-answer figures, and any case the interview
        left less urgent than the full questionnaire."""
        assert self.full is not None
        asked = [o.asked or 0 for o in self.outcomes]
        return {
            "questions_median": statistics.median(asked) if asked else None,
            "questions_max": max(asked, default=None),
            "less_urgent_than_full": [
                o.case.id
                for o, f in zip(self.outcomes, self.full, strict=True)
                if _urgency(o.level) < _urgency(f.level)
            ],
            "full": summary(self.full),
        }

    def _baseline(self) -> dict[str, Any]:
        """The baseline's figures, and every case whose outcome the change moved."""
        assert self.before is not None
        was = {o.case.id: o for o in self.before}
        changed = []
        for now in self.outcomes:
            moves = changes(was[now.case.id], now) if now.case.id in was else []
            if moves:
                changed.append(
                    {"id": now.case.id, "file": now.case.path, "changes": moves}
                )
        return {
            "catalogue": self.baseline,
            **summary(self.before),
            "changed": changed,
        }


def changes(before: Outcome, now: Outcome) -> list[str]:
    """How one case's outcome moved from a baseline catalogue to this one, in
    words a clinician can check (empty when nothing that is scored moved)."""
    out = []
    if now.case.condition and _place(before) != _place(now):
        out.append(f"{now.case.condition} {_place(before)} -> {_place(now)}")
    if before.level != now.level:
        note = ""
        if before.under_triaged != now.under_triaged:
            note = " (now too little)" if now.under_triaged else " (now safe)"
        elif before.over_triaged != now.over_triaged:
            note = " (now too much)" if now.over_triaged else " (now within range)"
        out.append(f"triage {before.level} -> {now.level}{note}")
    if before.verdict != now.verdict:
        note = " (now agrees)" if now.verdict_ok else " (no longer agrees)"
        out.append(f"verdict {before.verdict} -> {now.verdict}{note}")
    return out


def _place(outcome: Outcome) -> str:
    """Where the expected condition stands in the ranking, in three steps."""
    if outcome.top1:
        return "first"
    return "in the top 3" if outcome.top3 else "outside the top 3"


def _urgency(level: str) -> int:
    return len(LEVELS) - 1 - LEVELS.index(level)  # self_care 0 ... emergency 3


def load_cases(
    folders: Iterable[Path], catalogue: Catalogue, split: str | None = None
) -> list[Case]:
    """Every *.json below the folders, in name order; any bad file stops all."""
    out: list[Case] = []
    for folder in folders:
        if not folder.is_dir():
            raise CaseFileError(f"{folder}: not a folder of case files")
        for path in sorted(folder.rglob("*.json")):
            case = read_case(path, catalogue)
            if split is None or case.split == split:
                out.append(case)
    return out


def read_case(path: Path, catalogue: Catalogue) -> Case:
    """One case file, checked; CaseFileError names the file and what is wrong."""

    def bad(message: str) -> CaseFileError:
        return CaseFileError(f"{path}: {message}")

    # capped in size and depth like every JSON from outside; messages name it
    raw = read_json(str(path), "case", CaseFileError)
    if not isinstance(raw, dict):
        raise bad("must hold a JSON object")
    expect = raw.get("expect")
    if not isinstance(raw.get("id"), str) or not isinstance(expect, dict):
        raise bad("needs an 'id' string and an 'expect' object")
    try:
        answers = validate_answers(raw.get("answers", {}), catalogue)
    except AnswersError as exc:
        raise bad(f"answers: {exc.message}") from None
    known = {c.id for c in catalogue.conditions}
    condition = expect.get("condition")
    also = expect.get("also_acceptable", [])
    if condition is not None and condition not in known:
        raise bad(f"expect.condition names unknown condition {condition!r}")
    if not isinstance(also, list) or any(a not in known for a in also):
        raise bad("expect.also_acceptable must list condition ids")
    for key in ("triage_min", "triage_max"):
        if expect.get(key) not in LEVELS:
            raise bad(f"expect.{key} must be one of {', '.join(LEVELS)}")
    if _urgency(expect["triage_min"]) > _urgency(expect["triage_max"]):
        raise bad("expect.triage_min is more urgent than expect.triage_max")
    if expect.get("verdict") not in VERDICTS:
        raise bad(f"expect.verdict must be one of {', '.join(VERDICTS)}")
    split = raw.get("split")
    if split is not None and split not in SPLITS:
        raise bad(f"split must be one of {', '.join(SPLITS)}")
    return Case(
        raw["id"],
        str(path),
        answers,
        condition,
        (condition, *also) if condition else (),
        expect["triage_min"],
        expect["triage_max"],
        expect["verdict"],
        split,
    )


def run(
    catalogue: Catalogue, cases: Iterable[Case], adaptive: bool = False
) -> list[Outcome]:
    """Assess every case: on all its answers, or (adaptive) on the answers the
    interview gathers from it, "don't know" where the case is silent."""
    out = []
    for case in cases:
        answers, asked = (
            simulate(catalogue, case.answers) if adaptive else (case.answers, None)
        )
        result = assess(catalogue, answers)
        out.append(
            Outcome(
                case,
                tuple(c.id for c in result.conditions),
                result.conditions[0].probability if result.conditions else 0.0,
                result.triage.level,
                result.run_guidance.verdict,
                asked,
                answers if adaptive else None,  # simulate's own dict
            )
        )
    return out


def evaluate(
    catalogue: Catalogue,
    folders: list[Path],
    split: str | None = None,
    adaptive: bool = False,
    baseline: Catalogue | None = None,
) -> Report:
    """The whole evaluation: load, run, and the report that renders and prints.
    Adaptive runs the interview on each case, and keeps every-answer figures
    beside it for comparison. A baseline catalogue (the one before a change)
    runs the same cases the same way, so the report can say what moved."""
    cases = load_cases(folders, catalogue, split)
    full = tuple(run(catalogue, cases))
    before = None
    if baseline is not None:  # each catalogue reads the case files by its own rules
        try:
            again = load_cases(folders, baseline, split)
        except CaseFileError as exc:
            raise CaseFileError(
                f"{exc.message} (read by the baseline catalogue)"
            ) from None
        before = tuple(run(baseline, again, adaptive))
    where = str(baseline.path) if baseline is not None else None
    if not adaptive:
        return Report(full, tuple(map(str, folders)), split, None, before, where)
    return Report(
        tuple(run(catalogue, cases, adaptive=True)),
        tuple(map(str, folders)),
        split,
        full,
        before,
        where,
    )


def _share(hits: int, n: int) -> float | None:
    return round(hits / n, 4) if n else None


Z95 = 1.959964  # the normal quantile of a two-sided 95 % interval


def wilson(hits: int, n: int) -> list[float] | None:
    """The 95 % Wilson score interval of a share: how far a figure measured on
    n cases could be from the true one (honest at the 0 % and 100 % ends too)."""
    if not n:
        return None
    p, z2 = hits / n, Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


def summary(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    """The figures: top-1, top-3, triage, verdict and calibration, and the 95 %
    range of each share, so a change of a point or two is not read as news."""
    every = list(outcomes)
    named = [o for o in every if o.case.condition]
    n = len(every)
    counted = {
        "top1": (sum(o.top1 for o in named), len(named)),
        "top3": (sum(o.top3 for o in named), len(named)),
        "triage_safe": (sum(not o.under_triaged for o in every), n),
        "over_triage": (sum(o.over_triaged for o in every), n),
        "verdict_agreement": (sum(o.verdict_ok for o in every), n),
    }
    return {
        "cases": n,
        "with_condition": len(named),
        **{key: _share(*c) for key, c in counted.items()},
        "triage_exact": _share(
            sum(not o.under_triaged and not o.over_triaged for o in every), n
        ),
        "under_triaged": n - counted["triage_safe"][0],
        "calibration_error": calibration_error(every),
        "calibration_error_every_case": calibration_error(every, every_case=True),
        "intervals_95": {key: wilson(*c) for key, c in counted.items()},
    }


def reliability(outcomes: Iterable[Outcome], every_case: bool = False) -> list[Bin]:
    """The top probability against how often the top condition was right, by bin:
    cases with an expected condition only, or with every_case also the rest, whose
    top condition is always wrong (the runner sees its probability all the same)."""
    scored = [o for o in outcomes if every_case or o.case.condition]
    bins = []
    for i in range(CALIBRATION_BINS):
        low, high = i / CALIBRATION_BINS, (i + 1) / CALIBRATION_BINS
        inside = [
            o
            for o in scored
            if low <= o.top_probability < high
            or (i == CALIBRATION_BINS - 1 and o.top_probability == 1.0)
        ]
        if inside:
            bins.append(
                Bin(
                    low,
                    high,
                    len(inside),
                    round(sum(o.top_probability for o in inside) / len(inside), 3),
                    round(sum(o.top1 for o in inside) / len(inside), 3),
                )
            )
    return bins


def calibration_error(
    outcomes: Iterable[Outcome], every_case: bool = False
) -> float | None:
    """Expected calibration error of the top probability (weighted by bin size)."""
    bins = reliability(outcomes, every_case)
    total = sum(b.cases for b in bins)
    if not total:
        return None
    return round(sum(b.cases * abs(b.accuracy - b.confidence) for b in bins) / total, 4)
