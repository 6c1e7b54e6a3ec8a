"""Check staged published-case files, and copy the good ones into tests/published.

A reviewer writes or receives case files in a staging folder, reads each against
its source, then runs this to catch the mechanical slips before they land:

    .venv/bin/python .tools/add_cases.py STAGING_DIR...           # check only
    .venv/bin/python .tools/add_cases.py STAGING_DIR... --write   # copy good ones

Each file must pass the check every file of the set passes (`problems_of` in
tests/helpers.py: named after its id, the fixed rule's split, a DOI or URL, the
contract's warning signs, valid answers and expectations, a verdict the
contract's rule allows), be new to the set, and cite a DOI or URL that no case
in the set cites (two patients of one report are fine when both are staged
together: the second is reported, not refused). The rules a reviewer checks by
reading are in the README, under "Writing a case".
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

from helpers import CITATION, PUBLISHED, problems_of  # noqa: E402

from kneecheck.catalogue import Catalogue, load_catalogue  # noqa: E402

# Query parameters that change how a page is shown, not which page it is (the
# language, the viewer, a tracking tag, the part of a multi-page case); the
# others (?id=, ?p=, ?pid=) name the report, so two of them are two sources.
_PRESENTATION = frozenset(
    {"lang", "lng", "tlng", "idioma", "langue", "nrm", "script", "mode", "limit"}
    | {"search_page", "searchterm", "term", "ssr", "part", "startpos", "share"}
    | {"fbclid", "gclid"}
)


def _same_page(url: str) -> str:
    """A URL without what only changes the view: the query keeps the parameters
    that name the page, sorted (a listing's ?page= goes when another one stays)."""
    base, _, query = url.partition("?")
    pairs = sorted(
        kv
        for kv in re.split(r"[&;]", query)
        if kv
        and not kv.split("=")[0].startswith("utm_")
        and kv.split("=")[0] not in _PRESENTATION
    )
    named = [kv for kv in pairs if kv.split("=")[0] != "page"]
    kept = named or pairs
    return base.rstrip("/") + ("?" + "&".join(kept) if kept else "")


def citations(source: str) -> set[str]:
    """The DOIs and URLs a source cites, in a form two spellings share."""
    return {
        _same_page(re.sub(r"^doi:\s*", "", c, flags=re.I).rstrip(").,;").lower())
        for c in CITATION.findall(source)
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
    # what every file of the set must satisfy, then what the set as a whole needs
    problems, notes = problems_of(path, catalogue), []
    cid = str(raw.get("id"))
    if (PUBLISHED / path.name).exists():
        problems.append("a case with this id is already in the set")
    for c in sorted(citations(str(raw.get("source", "")))):
        if c in known:
            problems.append(f"{known[c]} already cites {c}")
        elif staged.get(c, cid) != cid:
            notes.append(
                f"same report as staged {staged[c]}: check the patients differ"
            )
        staged.setdefault(c, cid)
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
