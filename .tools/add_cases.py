"""Check staged published-case files, and copy the good ones into tests/published.

A reviewer writes or receives case files in a staging folder, reads each against
its source, then runs this to catch the mechanical slips before they land:

    .venv/bin/python .tools/add_cases.py STAGING_DIR...           # check only
    .venv/bin/python .tools/add_cases.py STAGING_DIR... --write   # copy good ones

Each file must: be named after its id; carry the split the fixed rule gives
(`published_split` in tests/helpers.py); be new to the set; cite a DOI or URL
that no case in the set cites (two patients of one report are fine when both
are staged together: the second is reported, not refused); and read as a case
(answers and expectations valid). The rules a reviewer checks by reading are in
the README, under "Writing a case".
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from helpers import PUBLISHED, published_split  # noqa: E402

from kneecheck.catalogue import Catalogue, load_catalogue  # noqa: E402
from kneecheck.evaluate import read_case  # noqa: E402

CITED = re.compile(r"10\.\d{4,}/\S+|https?://\S+", re.I)
KEYS = {"id", "source", "split", "summary", "answers", "expect"}


def citations(source: str) -> set[str]:
    """The DOIs and URLs a source cites, in a form two spellings share."""
    return {
        c.rstrip(").,;").lower().split("?")[0].rstrip("/")
        for c in CITED.findall(source)
    }


def cited_in(folder: Path) -> dict[str, str]:
    """Every citation of the set, with the id of the case that makes it."""
    out: dict[str, str] = {}
    for path in sorted(folder.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        for c in citations(str(raw.get("source", ""))):
            out.setdefault(c, path.stem)
    return out


def check(
    path: Path, catalogue: Catalogue, known: dict[str, str], staged: dict[str, str]
) -> tuple[list[str], list[str]]:
    """(problems that refuse the file, notes for the reviewer)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"not readable JSON ({exc})"], []
    if not isinstance(raw, dict):
        return ["not a JSON object"], []
    problems, notes = [], []
    cid = str(raw.get("id"))
    if cid != path.stem:
        problems.append("the id is not the file name")
    if raw.get("split") != published_split(cid):
        problems.append(f"the split must be {published_split(cid)}")
    if (PUBLISHED / path.name).exists():
        problems.append("a case with this id is already in the set")
    if set(raw) - KEYS:
        problems.append(f"unknown keys: {', '.join(sorted(set(raw) - KEYS))}")
    cites = citations(str(raw.get("source", "")))
    if not cites:
        problems.append("the source cites no DOI or URL")
    for c in sorted(cites):
        if c in known:
            problems.append(f"{known[c]} already cites {c}")
        elif staged.get(c, cid) != cid:
            notes.append(
                f"same report as staged {staged[c]}: check the patients differ"
            )
        staged.setdefault(c, cid)
    try:
        read_case(path, catalogue)
    except Exception as exc:  # read_case names the file and what is wrong
        problems.append(str(exc))
    return problems, notes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="+", type=Path, help="staging folders")
    ap.add_argument("--write", action="store_true", help="copy the good files")
    args = ap.parse_args()
    catalogue = load_catalogue()
    known = cited_in(PUBLISHED)
    staged: dict[str, str] = {}
    refused = 0
    for folder in args.folders:
        for path in sorted(folder.glob("*.json")):
            problems, notes = check(path, catalogue, known, staged)
            refused += bool(problems)
            print(("REFUSED " if problems else "ok      ") + str(path))
            for line in problems + notes:
                print(f"        {line}")
            if args.write and not problems:
                shutil.copy(path, PUBLISHED / path.name)
    sys.exit(1 if refused else 0)


if __name__ == "__main__":
    main()
