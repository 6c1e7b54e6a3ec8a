"""Recapture the README's example output after a catalogue or engine change.

Run by hand:  python tests/update_readme.py
It runs `kneecheck assess` on the README's example answers and replaces the
captured summary (88 columns, no colour) and the --json result in README.md.
tests/test_docs.py fails while the capture is stale.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def replace(text: str, name: str, kind: str, body: str) -> str:
    pattern = re.compile(
        rf"(<!-- {name} -->\n```{kind}\n).*?(\n```\n<!-- /{name} -->)", re.S
    )
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {name} block")
    return pattern.sub(lambda m: m.group(1) + body.rstrip("\n") + m.group(2), text)


def capture(answers: str, *args: str) -> str:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "88"}
    env.pop("KNEECHECK_CATALOGUE", None)
    done = subprocess.run(
        [sys.executable, "-m", "kneecheck", "assess", "--answers", "-", *args],
        input=answers,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    # Rich pads lines to the width; trailing spaces only make noisy diffs.
    return "\n".join(line.rstrip() for line in done.stdout.splitlines())


def main() -> None:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- example-answers -->\n```json\n(.*?)\n```", text, re.S)
    if not match:
        raise SystemExit("README.md has no example-answers block")
    answers = match.group(1)
    text = replace(text, "example-summary", "text", capture(answers))
    text = replace(text, "example-result", "json", capture(answers, "--json"))
    README.write_text(text, encoding="utf-8")
    print("README.md examples recaptured")


if __name__ == "__main__":
    main()
