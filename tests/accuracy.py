"""Accuracy of kneecheck on the case set and the shared vignettes.

Run by hand:  python tests/accuracy.py [-v]
Prints top-1 and top-3 accuracy, triage safety and verdict agreement; -v also
lists every case that misses. tests/test_cases.py asserts the same numbers.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kneecheck.answers import validate_answers
from kneecheck.catalogue import Catalogue, load_catalogue
from kneecheck.engine import assess

TESTS = Path(__file__).resolve().parent
FOLDERS = {
    "cases": TESTS / "cases",
    "holdout": TESTS / "holdout",
    "vignettes": TESTS.parent.parent / "shared" / "vignettes",
}
LEVELS = ["self_care", "appointment", "urgent", "emergency"]  # least urgent first


@dataclass
class Outcome:
    case: dict[str, Any]
    ranked: list[str]
    level: str
    verdict: str

    @property
    def expected(self) -> list[str]:
        e = self.case["expect"]
        return [e["condition"], *e.get("also_acceptable", [])] if e["condition"] else []

    @property
    def top1(self) -> bool:
        return bool(self.ranked) and self.ranked[0] in self.expected

    @property
    def strict_top1(self) -> bool:
        """The main expected condition first, not counting the acceptable ones."""
        return bool(self.ranked) and self.ranked[0] == self.case["expect"]["condition"]

    @property
    def top3(self) -> bool:
        return any(c in self.expected for c in self.ranked[:3])

    @property
    def under_triaged(self) -> bool:
        return LEVELS.index(self.level) < LEVELS.index(
            self.case["expect"]["triage_min"]
        )

    @property
    def over_triaged(self) -> bool:
        return LEVELS.index(self.level) > LEVELS.index(
            self.case["expect"]["triage_max"]
        )

    @property
    def verdict_ok(self) -> bool:
        return self.verdict == self.case["expect"]["verdict"]


def load(folder: Path) -> list[dict[str, Any]]:
    return [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(folder.glob("*.json"))
        if p.name != "README.json"
    ]


def run(catalogue: Catalogue, cases: list[dict[str, Any]]) -> list[Outcome]:
    out = []
    for case in cases:
        result = assess(catalogue, validate_answers(case["answers"], catalogue))
        out.append(
            Outcome(
                case,
                [c.id for c in result.conditions],
                result.triage.level,
                result.run_guidance.verdict,
            )
        )
    return out


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    with_condition = [o for o in outcomes if o.expected]
    n = len(with_condition)
    return {
        "cases": len(outcomes),
        "with_condition": n,
        "top1": sum(o.top1 for o in with_condition) / n if n else 1.0,
        "top3": sum(o.top3 for o in with_condition) / n if n else 1.0,
        "strict_top1": sum(o.strict_top1 for o in with_condition) / n if n else 1.0,
        "under_triaged": sum(o.under_triaged for o in outcomes),
        "over_triaged": sum(o.over_triaged for o in outcomes),
        "verdict_mismatches": sum(not o.verdict_ok for o in outcomes),
    }


def main(argv: list[str]) -> int:
    catalogue = load_catalogue()
    verbose = "-v" in argv
    every: list[Outcome] = []
    for name, folder in FOLDERS.items():
        if not folder.is_dir():
            print(f"{name}: {folder} not found, skipped")
            continue
        outcomes = run(catalogue, load(folder))
        every += outcomes
        s = summary(outcomes)
        print(
            f"{name:10} {s['cases']:3} cases ({s['with_condition']} with a "
            f"condition): top-1 {s['top1']:.1%} (main only {s['strict_top1']:.1%}), "
            f"top-3 {s['top3']:.1%}, "
            f"under-triaged {s['under_triaged']}, over-triaged "
            f"{s['over_triaged']}, verdict mismatches {s['verdict_mismatches']}"
        )
        if verbose:
            for o in outcomes:
                problems = []
                if o.expected and not o.top1:
                    problems.append(f"ranked {o.ranked[:3]}")
                if o.under_triaged or o.over_triaged:
                    problems.append(f"triage {o.level}")
                if not o.verdict_ok:
                    problems.append(f"verdict {o.verdict}")
                if problems:
                    print(
                        f"   {o.case['id']}: expected {o.case['expect']['condition']}"
                        f" {o.case['expect']['triage_min']}..."
                        f"{o.case['expect']['triage_max']} "
                        f"{o.case['expect']['verdict']}; got {'; '.join(problems)}"
                    )
    s = summary(every)
    print(
        f"{'all':10} {s['cases']:3} cases ({s['with_condition']} with a condition): "
        f"top-1 {s['top1']:.1%} (main only {s['strict_top1']:.1%}), "
        f"top-3 {s['top3']:.1%}, under-triaged "
        f"{s['under_triaged']}, over-triaged {s['over_triaged']}, verdict "
        f"mismatches {s['verdict_mismatches']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
