"""Helpers shared by the tests: paths, the app, a real process, the case rule.

Fixtures live in conftest.py; everything a test imports lives here.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from kneecheck.cli import full_app

TESTS = Path(__file__).resolve().parent
CASES = TESTS / "cases"  # written from the evidence by this project
HOLDOUT = TESTS / "holdout"  # written after the weights were tuned; never tuned on
PUBLISHED = TESTS / "published"  # real patients from published case reports

# Cases of the tune split that are triaged less urgently than their report
# needs, each explained in the README. The tests fail when one is added, and
# when one is fixed (so the list and the README stay true). An 11-year-old with
# a year of inner knee pain and giving way, and no limp or hip pain, had a
# slipped upper femoral epiphysis: no answer of his points to the hip, and a
# rule making every child without a clear cause urgent over-triaged 11 %; a
# 12-year-old's, reported with only an age and a side, is missed the same way.
# A man limping a month after a blow to the front of the thigh had a torn
# quadriceps tendon: a limp counts as bearing weight, and whether he could lift
# the straight leg (the answer that finds it) his report does not say. Neither
# does the report of a 55-year-old footballer whose quadriceps tore in a move
# without a twist, seen nine days later (past the week of the knee rules). A
# woman with a swollen knee whose Baker's cyst later proved infected gave no
# duration: making swelling of unknown age urgent would send 17 written cases
# of chronic swelling to urgent care. A 9-year-old's leukaemia came with only
# her age and sex, and a 69-year-old's septic knee with only his age, sex, side
# and three days. A 37-year-old whose limp and swelling of a month came from a
# giant cell tumour of bone is an appointment: a limp and swelling without an
# injury have many slower causes. (A sudden start in the last week with the
# warning signs unanswered is urgent: that rule caught eight cases reported
# with little beyond a sudden start.) A 5-year-old whose knee swelled after a
# heavy knock was reported two weeks later, past the one-week window of the
# Pittsburgh rule that makes a child's knock urgent; and a 33-year-old with both
# patellar tendons torn and a 13-year-old with an avulsed tibial tubercle were
# reported with little more than an age and a sex. A 64-year-old's lump behind
# the knee, taken for a Baker's cyst, was a giant popliteal aneurysm: the
# answers have no word for a lump that pulsates. A 66-year-old's gout flare in
# a replaced knee came with only her age, sex, side and two days; no answer
# says the knee is artificial, where an infected implant must be ruled out.
# A 45-year-old's kneecaps, broken on both sides without an injury, were
# reported with only her age and sex; whether she could lift the straight leg
# (the warning sign that finds a broken extensor) the report does not say.
# A 15-year-old's thigh bone broke through a tumour in a fall after six months
# of mild ache: the duration makes the fall look old to the knee rules, and
# whether she could put weight on the leg the report leaves unclear. A
# 50-year-old's knee, infected after an injection into it, came with only his
# age, sex, side and worsening pain: no answer says a needle went in.
KNOWN_UNDER_TRIAGE = {
    "referred_hip_pain-udel-module33",
    "referred_hip_pain-emergucate105-scfe-12y",
    "quadriceps_tendon_rupture-radiopaedia-kandel",
    "quadriceps_tendon_rupture-milton-caso39-55m",
    "bakers_cyst-jocr2023-pruthi",
    "leukaemia-radiopaedia-stanislavsky-9f",
    "septic_arthritis-jocr2017-soor-endocarditis-69m",
    "bone_tumour-gct-ijos-37f",
    "hoffa_fracture-wjcc2022-chen-heavy-object-5m",
    "patellar_tendon_rupture-cureus2020-moy-bilateral-33m",
    "tibial_tubercle_avulsion-actabiomed-pedrazzini-basketball-13m",
    "popliteal_aneurysm-eurorad8013-schubert-64m",
    "gout-jmcrcs2022-toluajayi-tka-66f",
    "patellar_fracture-crior2024-padhya-bilateral-atraumatic-45f",
    "pathological_fracture-chondroblastoma-actaortopmex2025-15f",
    "septic_arthritis-koreascience2022-woo-cordblood-50m",
}
# The shared vignettes sit beside the checkout (../shared); CI has them too.
VIGNETTES = TESTS.parent.parent / "shared" / "vignettes"
DATA = TESTS.parent / "data"  # the built-in catalogue

app = full_app()  # every command, for typer's CliRunner


def kneecheck_env() -> dict[str, str]:
    """The environment for a child process: the built-in catalogue."""
    env = dict(os.environ)
    env.pop("KNEECHECK_CATALOGUE", None)
    return env


def run_kneecheck(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run kneecheck in a real process (no terminal attached)."""
    return subprocess.run(
        [sys.executable, "-m", "kneecheck", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**kneecheck_env(), **(env or {})},
        timeout=60,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )


def published_split(case_id: str) -> str:
    """The fixed rule that chose the holdout split before any weight was changed:
    a case is held out when the first hex digit of the SHA-256 of its id is 0-6
    (7 of 16, about 44 %). Per case, so adding cases never moves another one."""
    digit = int(hashlib.sha256(case_id.encode("utf-8")).hexdigest()[0], 16)
    return "holdout" if digit < 7 else "tune"


def command_paths(command: object | None = None, path: list[str] | None = None):
    """Every command's words, subcommands included (["shoes", "add"], ...)."""
    if command is None:
        import typer

        command = typer.main.get_command(app)
    subs = getattr(command, "commands", None)
    if not subs:
        yield path or []
        return
    for name, sub in subs.items():
        yield from command_paths(sub, [*(path or []), name])
