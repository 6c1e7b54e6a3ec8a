"""Whole-process timings, run by hand:  python tests/benchmark.py [--runs N]

Each command runs several times as a fresh process; the median wall time is
reported. Not a test: timings belong to a machine, so they are measured here
and written into the README, not asserted.

- `history --json` on an empty diary and on ten years of daily entries.
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
from datetime import date, timedelta
from pathlib import Path


def median_time(cmd: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    exe = [sys.executable, "-m", "kneecheck"]
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        empty, full = Path(tmp) / "empty", Path(tmp) / "full"
        count = build_ten_years(full)
        env = {**os.environ, "NO_COLOR": "1"}
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
