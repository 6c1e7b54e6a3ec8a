"""Whole-process timings, run by hand:  python tests/benchmark.py [--runs N]

Each command runs several times as a fresh process; the median wall time is
reported. Not a test: timings belong to a machine, so they are measured here
and written into the README, not asserted.

Targets (from the hardening issue):
- `assess --answers FILE --json`: at most 1.3 x the time of
  `python -c "import typer"` on the same machine (with and without the diary);
  `--help` and `tips --json`: at most 1.5 x;
- the interactive questionnaire shows its first question in under 0.3 s;
- `history --json` on ten years of daily entries: at most 2 x an empty diary;
- `evaluate` on 1,000 case files: under 5 s (the real-patients issue);
- `next` half way through an interview: within the time of `assess --json`
  (the adaptive-interview issue).

Bytecode caching is switched on for the child processes (as for an installed
package) and every command runs once untimed first.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path


def median_time(cmd: list[str], env: dict[str, str], runs: int) -> float:
    return median_times({"cmd": cmd}, env, runs)["cmd"]


def median_times(
    cmds: dict[str, list[str]], env: dict[str, str], runs: int
) -> dict[str, float]:
    """Median wall time of each command; rounds interleave the commands, so a
    busy moment on the machine slows all of them rather than one."""
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            start = time.perf_counter()
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def median_cpu(cmd: list[str], env: dict[str, str], runs: int) -> float | None:
    """Median CPU time (user + system) of a command: steadier than wall time on a
    busy machine. POSIX only."""
    if not hasattr(os, "wait4"):
        return None
    values = []
    for _ in range(runs):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0  # reaped by wait4 above
        values.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(values)


def build_ten_years(home: Path) -> int:
    """One run (or rest day) a day for ten years, with pain, shoes and notes."""
    os.environ["KNEECHECK_HOME"] = str(home)
    from kneecheck.diary import NewEntry, open_diary

    today = date.today()
    entries = []
    for n in range(3650):
        day = today - timedelta(days=n)
        if n % 7 == 3:
            entries.append(NewEntry(day, kind="rest"))
            continue
        entries.append(
            NewEntry(
                day,
                distance_km=5 + (n * 7919) % 150 / 10,
                duration_min=40,
                shoes=f"Pair {n // 200}",
                pain_during=n % 6,
                pain_after=n % 4,
                next_morning=n % 3,
                note="steady" if n % 9 else None,
            )
        )
    with open_diary() as diary:
        diary.add_entries(entries, create_shoes=True)
        return len(diary.entries())


ANSWERS = (
    '{"age": 34, "onset": "gradual", "where": ["outside"], "worse_with": '
    '["running", "downhill"], "timing": ["set_distance"], "red_flags": [], '
    '"limp": false, "pain_during_run": 3, "pain_after_run": 2, '
    '"settles_by_morning": true, "trend": "same", "weekly_km": 40}'
)
# Half way through an interview: the basics known, every other question open, so
# `next` weighs them all (the most work it does).
PARTIAL = (
    '{"red_flags": [], "age": 34, "sex": "male", "where": ["outside"], '
    '"onset": "gradual", "duration_weeks": 4}'
)


def thousand_cases(folder: Path) -> int:
    """1,000 case files: the published cases, copied round-robin under new ids."""
    import json

    published = sorted((Path(__file__).parent / "published").glob("*.json"))
    folder.mkdir()
    for n in range(1000):
        case = json.loads(published[n % len(published)].read_text(encoding="utf-8"))
        case["id"] = f"copy-{n:04d}"
        (folder / f"copy-{n:04d}.json").write_text(json.dumps(case), encoding="utf-8")
    return 1000


def import_timings(tmp: Path, exe: list[str], env: dict[str, str]) -> list[str]:
    """FIT files a file, and a 300-activity Strava export against gpxpy parsing
    the same activities as GPX, and its re-import. Activities are 25 to 60
    minutes at one point a second, like a watch records them."""
    import gzip
    import zipfile

    import gpxpy.gpx

    sys.path.insert(0, str(Path(__file__).parent))
    from test_importers_formats import make_fit

    minutes = (25, 35, 45, 60)
    fits = [make_fit(tmp / f"m{m}.fit", km=m / 5, minutes=m, step=1) for m in minutes]
    fit_dir = tmp / "watch"
    fit_dir.mkdir()
    for i in range(100):  # 100 files: four recordings, copied
        (fit_dir / f"{i:03d}.fit").write_bytes(fits[i % 4].read_bytes())
    start = time.perf_counter()
    _run([*exe, "import", str(fit_dir)], {**env, "KNEECHECK_HOME": str(tmp / "h1")})
    per_fit = (time.perf_counter() - start) / 100

    gpx_texts = []
    for m in minutes:  # the same activities as GPX, for gpxpy
        g = gpxpy.gpx.GPX()
        track = gpxpy.gpx.GPXTrack()
        seg = gpxpy.gpx.GPXTrackSegment()
        for i in range(m * 60):
            seg.points.append(
                gpxpy.gpx.GPXTrackPoint(
                    50 + i * 1e-5,
                    0.0,
                    time=datetime(2026, 11, 1, 7) + timedelta(seconds=i),
                )
            )
        track.segments.append(seg)
        g.tracks.append(track)
        gpx_texts.append(g.to_xml())
    start = time.perf_counter()
    for text in gpx_texts:
        gpxpy.parse(text)
    gpxpy_300 = (time.perf_counter() - start) / len(gpx_texts) * 300

    export = tmp / "export_12345.zip"
    rows = [
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,"
        "Distance,Activity Gear,Filename,Distance"
    ]
    with zipfile.ZipFile(export, "w") as z:
        for i in range(300):
            day = datetime(2025, 1, 1, 7) + timedelta(hours=20 * i)
            m = minutes[i % 4]
            member = f"activities/{i}.fit.gz"
            z.writestr(member, gzip.compress(fits[i % 4].read_bytes()))
            rows.append(
                f'{i},"{day.strftime("%b %d, %Y, %I:%M:%S %p")}",Run {i},Run,'
                f"{m * 60},{m / 5:.2f},Blue,{member},{m * 200}"
            )
        z.writestr("activities.csv", "\n".join(rows) + "\n")
    home = {**env, "KNEECHECK_HOME": str(tmp / "h2")}
    start = time.perf_counter()
    _run([*exe, "import", str(export)], home)
    first = time.perf_counter() - start
    start = time.perf_counter()
    _run([*exe, "import", str(export)], home)
    again = time.perf_counter() - start
    # the import work alone, in this process: without the program's start-up
    from kneecheck.actions.diary import import_runs

    os.environ["KNEECHECK_HOME"] = str(tmp / "h3")
    start = time.perf_counter()
    import_runs(export, None)
    work_first = time.perf_counter() - start
    start = time.perf_counter()
    import_runs(export, None)
    work_again = time.perf_counter() - start
    return [
        f"import, 100 .fit files of 25-60 min:    {per_fit * 1000:7.1f} ms a file",
        f"gpxpy parsing the 300 activities:        {gpxpy_300 * 1000:7.0f} ms",
        f"import of a 300-activity Strava export:  {first * 1000:7.0f} ms "
        f"({first / gpxpy_300:.3f} x gpxpy)",
        f"re-import of the same export:            {again * 1000:7.0f} ms "
        f"({again / first:.2f} x the first)",
        f"  the import work alone, first and again: {work_first * 1000:6.0f} ms, "
        f"{work_again * 1000:.0f} ms ({work_again / work_first:.2f} x)",
    ]


def _run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)


def first_question(exe: list[str], env: dict[str, str], runs: int) -> float:
    """Seconds from starting `assess` in a pseudo-terminal to its first question."""
    import pexpect

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        child = pexpect.spawn(
            exe[0],
            [*exe[1:], "assess"],
            env=env,
            encoding="utf-8",
            timeout=20,
            dimensions=(40, 100),
        )
        child.expect("First, the warning signs")
        times.append(time.perf_counter() - start)
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
        child.close()
    return statistics.median(times)


def instructions(cmd: list[str], env: dict[str, str]) -> int | None:
    """Instructions executed (valgrind's callgrind): the same count run after run,
    whatever else the machine is doing; None without valgrind."""
    import re
    import shutil

    if not shutil.which("valgrind"):
        return None
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--imports",
        action="store_true",
        help="also time imports: FIT files, a Strava export (slow to set up)",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions under valgrind (slow, steady)",
    )
    args = parser.parse_args()
    # the console script, as a runner types it (python -m adds runpy's cost)
    exe = [str(Path(sys.executable).parent / "kneecheck")]
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        empty, full = Path(tmp) / "empty", Path(tmp) / "full"
        count = build_ten_years(full)
        env = {**os.environ, "NO_COLOR": "1"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [*exe, "log", "--rest"],
            env={**env, "KNEECHECK_HOME": str(empty)},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        t_empty = median_time(
            [*exe, "history", "--json"],
            {**env, "KNEECHECK_HOME": str(empty)},
            args.runs,
        )
        t_full = median_time(
            [*exe, "history", "--json"], {**env, "KNEECHECK_HOME": str(full)}, args.runs
        )
        t_long = median_time(
            [*exe, "history", "--json", "--weeks", "520"],
            {**env, "KNEECHECK_HOME": str(full)},
            args.runs,
        )
        home = {**env, "KNEECHECK_HOME": str(Path(tmp) / "assess")}
        answers = Path(tmp) / "answers.json"
        answers.write_text(ANSWERS, encoding="utf-8")
        partial = Path(tmp) / "partial.json"
        partial.write_text(PARTIAL, encoding="utf-8")
        timed = {
            'python -c "import typer"': [sys.executable, "-c", "import typer"],
            "kneecheck assess --answers FILE --json": [
                *exe,
                "assess",
                "--answers",
                str(answers),
                "--json",
            ],
            "  ... --no-diary": [
                *exe,
                "assess",
                "--answers",
                str(answers),
                "--json",
                "--no-diary",
            ],
            "kneecheck --help": [*exe, "--help"],
            "kneecheck tips --json": [*exe, "tips", "--json"],
            "kneecheck next --answers HALF --json": [
                *exe,
                "next",
                "--answers",
                str(partial),
                "--json",
            ],
        }
        for cmd in timed.values():  # warm the bytecode caches
            subprocess.run(cmd, env=home, stdout=subprocess.DEVNULL, check=True)
        # alternating rounds, so a busy moment slows every command alike
        results = median_times(timed, home, args.runs)
        cases = Path(tmp) / "cases"
        n_cases = thousand_cases(cases)
        t_evaluate = median_time(
            [*exe, "evaluate", str(cases), "--json"], home, max(3, args.runs // 3)
        )
        # a terminal answers prompt_toolkit's cursor query at once; pexpect cannot
        first = first_question(
            exe, {**home, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}, args.runs
        )
        cpu = {name: median_cpu(cmd, home, args.runs) for name, cmd in timed.items()}
        counts = (
            {name: instructions(cmd, home) for name, cmd in timed.items()}
            if args.instructions
            else {}
        )
    base = results['python -c "import typer"']
    cpu_base = cpu['python -c "import typer"']
    print(f"{'median of ' + str(args.runs) + ' runs':40} {'wall':>10}{'':22}{'cpu':>9}")
    for name, value in results.items():
        ratio = f"({value / base:.2f} x typer)"
        used = cpu[name]
        cpu_text = (
            ""
            if used is None or cpu_base is None
            else (f"{used * 1000:7.1f} ms ({used / cpu_base:.2f} x typer)")
        )
        print(f"{name:40} {value * 1000:7.1f} ms {ratio:18} {cpu_text}")
    base_count = counts.get('python -c "import typer"')
    for name, executed in counts.items():
        if executed and base_count:
            print(
                f"{name:40} {executed / 1e6:7.1f} M instructions "
                f"({executed / base_count:.2f} x typer)"
            )
    print(f"{'first question on screen':40} {first * 1000:7.1f} ms")
    if args.imports:
        with tempfile.TemporaryDirectory() as tmp:
            for line in import_timings(Path(tmp), exe, {**os.environ, "NO_COLOR": "1"}):
                print(line)
    print(f"evaluate, {n_cases} case files:{'':17}{t_evaluate * 1000:7.1f} ms")
    print(f"history --json, almost empty diary:       {t_empty * 1000:7.1f} ms")
    print(
        f"history --json, {count} entries (10 y):   {t_full * 1000:7.1f} ms "
        f"({t_full / t_empty:.2f} x empty)"
    )
    print(
        f"history --json --weeks 520, same diary:  {t_long * 1000:7.1f} ms "
        f"({t_long / t_empty:.2f} x empty)"
    )


if __name__ == "__main__":
    main()
