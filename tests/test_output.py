"""One envelope for every `--json` document: schema_version, kneecheck_version
and kind come first, from `kneecheck.output.envelope`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import ITB_EXPECT, app
from typer.testing import CliRunner

from kneecheck import __version__
from kneecheck.output import SCHEMA_VERSION, envelope

CASE = {
    "id": "itb",
    "answers": {"where": ["outside"]},
    "expect": dict(ITB_EXPECT),
}


def documents(tmp: Path) -> dict[str, list[str]]:
    cases = tmp / "cases"
    cases.mkdir()
    (cases / "itb.json").write_text(json.dumps(CASE), encoding="utf-8")
    return {
        "assessment": ["assess", "--answers", "-", "--json"],
        "tips": ["tips", "--json"],
        "conditions": ["conditions", "--json"],
        "condition_page": ["explain", "itb", "--json"],
        "plan": ["plan", "itb", "--json"],
        "walk_run_step": ["plan", "itb", "--step", "1", "--pain", "2", "--json"],
        "evaluation": ["evaluate", str(cases), "--json"],
        "history": ["history", "--json"],
        "shoes": ["shoes", "list", "--json"],
        "info": ["info", "--json"],
        "backup": ["export", "--format", "json"],
        "report": ["report", "--format", "json"],
        "catalogue_check": ["catalogue", "check", "data", "--json"],
    }


def test_envelope_puts_its_keys_first() -> None:
    doc = envelope("x", {"a": 1})
    assert list(doc) == ["schema_version", "kneecheck_version", "kind", "a"]
    assert doc["schema_version"] == SCHEMA_VERSION == 1


def test_every_json_document_carries_the_envelope(tmp_path: Path) -> None:
    """Each --json command's document starts with the same three keys."""
    runner = CliRunner()
    runner.invoke(app, ["log", "--distance", "5", "--pain-during", "2"])
    for kind, args in documents(tmp_path).items():
        if args[0] == "catalogue":
            args = [*args[:2], str(Path(__file__).parent.parent / "data"), args[3]]
        done = runner.invoke(app, args, input="{}")
        assert done.exit_code == 0, (kind, done.output)
        doc = json.loads(done.stdout)
        assert list(doc)[:3] == ["schema_version", "kneecheck_version", "kind"], kind
        assert (doc["schema_version"], doc["kneecheck_version"], doc["kind"]) == (
            1,
            __version__,
            kind,
        )


@pytest.mark.parametrize("module", ["engine", "evaluate", "trends", "pages", "plans"])
def test_no_module_writes_the_envelope_by_hand(module: str) -> None:
    """The envelope keys are written in one place only: kneecheck/output.py."""
    source = (Path(__file__).parent.parent / "kneecheck" / f"{module}.py").read_text()
    assert '"schema_version"' not in source
