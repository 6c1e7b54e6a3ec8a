"""The command line: every command, option and error path."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import VIGNETTES, app
from helpers import run_kneecheck as cli
from jsonschema import Draft202012Validator

from kneecheck import __version__
from kneecheck.schema import result_schema

ITB = {
    "age": 34,
    "sex": "male",
    "onset": "gradual",
    "where": ["outside"],
    "worse_with": ["running", "downhill"],
    "timing": ["set_distance"],
    "feels": ["sharp"],
    "red_flags": [],
    "limp": False,
    "pain_during_run": 3,
    "pain_after_run": 2,
    "settles_by_morning": True,
    "trend": "same",
}


def write(tmp_path: Path, answers: object, name: str = "answers.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(answers), encoding="utf-8")
    return str(path)


def test_version(runner) -> None:
    """--version prints the version."""
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"kneecheck {__version__}"


def test_no_arguments_shows_help(runner) -> None:
    """Running bare shows the commands instead of doing something surprising."""
    result = runner.invoke(app, [])
    assert "assess" in result.output and "tips" in result.output


@pytest.mark.parametrize("command", ["assess", "tips", "schema"])
def test_help_has_an_example(runner, command: str) -> None:
    """Every command's --help shows an example."""
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "kneecheck " + command in result.stdout
    assert "Example" in result.stdout


def test_python_dash_m_and_completion() -> None:
    """`python -m kneecheck` works, and Typer's completion options are there."""
    done = cli("--help")
    assert done.returncode == 0
    assert "--install-completion" in done.stdout
    assert "--show-completion" in done.stdout


def test_assess_json_is_the_contract_result(runner, tmp_path, catalogue) -> None:
    """--json prints exactly one result document, valid against the schema."""
    result = runner.invoke(app, ["assess", "--answers", write(tmp_path, ITB), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    Draft202012Validator(result_schema(catalogue)).validate(doc)
    assert doc["conditions"][0]["id"] == "iliotibial_band_syndrome"
    assert doc["run_guidance"]["verdict"] == "continue"
    assert doc["answers"] == ITB
    assert result.stderr == ""


def test_assess_reads_standard_input(runner) -> None:
    """--answers - reads the answers from standard input."""
    result = runner.invoke(
        app, ["assess", "--answers", "-", "--json"], input=json.dumps(ITB)
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["answers"] == ITB


def test_json_never_coloured() -> None:
    """Even when colour is forced, --json output is plain JSON."""
    done = cli(
        "assess",
        "--answers",
        "-",
        "--json",
        stdin=json.dumps(ITB),
        env={"FORCE_COLOR": "1", "TERM": "xterm-256color", "NO_COLOR": ""},
    )
    assert done.returncode == 0
    assert "\x1b[" not in done.stdout
    json.loads(done.stdout)


def test_summary_shows_every_part(runner, tmp_path) -> None:
    """The summary shows urgency, causes with for/against, verdict, care, tips."""
    answers = {**ITB, "weekly_km_change_pct": 40, "shoe_km": 900}
    result = runner.invoke(app, ["assess", "--answers", write(tmp_path, answers)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for part in (
        "How urgent is it?",
        "SELF-CARE",
        "Possible causes",
        "Iliotibial band syndrome",
        "For: ",
        "Against: ",
        "Can I keep running?",
        "CONTINUE",
        "What to do now",
        "Exercises:",
        "Prevention tips for you",
        "not a diagnosis",
    ):
        assert part in out, part
    assert "\x1b[" not in out  # NO_COLOR is set by the test fixture


def test_piped_summary_is_plain_text() -> None:
    """Piped output carries no colour codes even without NO_COLOR."""
    done = cli(
        "assess",
        "--answers",
        "-",
        stdin=json.dumps(ITB),
        env={"NO_COLOR": "", "TERM": "xterm-256color"},
    )
    assert done.returncode == 0
    assert "\x1b[" not in done.stdout
    assert "Can I keep running?" in done.stdout


def test_red_flag_summary(runner, tmp_path) -> None:
    """A red flag puts the emergency first and stops running."""
    answers = {
        "red_flags": ["cannot_bear_weight"],
        "onset": "sudden",
        "injury": "fall",
        "where": ["on_kneecap"],
    }
    result = runner.invoke(
        app, ["assess", "--answers", write(tmp_path, answers), "--json"]
    )
    doc = json.loads(result.stdout)
    assert doc["triage"]["level"] == "emergency"
    assert doc["triage"]["reasons"][0]["id"] == "cannot_bear_weight"
    assert doc["run_guidance"]["verdict"] == "stop"
    assert doc["prevention"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"age": 30', "not valid JSON"),
        ('{"age": "thirty"}', "'age' must be a whole number"),
        ('{"knee": "left"}', "unknown answer key 'knee'"),
        (
            '{"id": "x", "answers": {"age": 30}, "expect": {}}',
            "this looks like a case file: its answers sit under 'answers'",
        ),
        ('{"where": ["moon"]}', "'where' has unknown id 'moon'"),
        ('{"pain_during_run": 12}', "'pain_during_run' is 12, out of range"),
        ("[1, 2]", "answers must be a JSON object"),
        ("", "not valid JSON"),
    ],
)
def test_bad_answers_exit_2_one_line(content: str, message: str) -> None:
    """Bad answers: one line on stderr naming the problem, exit 2, no traceback."""
    done = cli("assess", "--answers", "-", "--json", stdin=content)
    assert done.returncode == 2
    assert done.stdout == ""
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_closed_pipe_is_not_an_error(monkeypatch, runner) -> None:
    """A reader that stops early (like `| head`) ends the run quietly, exit 0."""
    import kneecheck.cli.check

    def closed(_document: object) -> None:
        raise BrokenPipeError

    monkeypatch.setattr(kneecheck.cli.check, "print_json", closed)
    result = runner.invoke(app, ["tips", "--json"])
    assert result.exit_code == 0
    assert "internal error" not in result.stderr


def test_missing_answers_file() -> None:
    """A path that does not exist is named in the error."""
    done = cli("assess", "--answers", "no-such-file.json")
    assert done.returncode == 2
    assert "answers file not found: no-such-file.json" in done.stderr


def test_no_terminal_and_no_answers_is_a_clear_error() -> None:
    """Without a terminal, assess asks for --answers instead of hanging."""
    done = cli("assess")
    assert done.returncode == 2
    assert "--answers" in done.stderr
    assert "Traceback" not in done.stderr


def test_tips_all_topics(runner) -> None:
    """tips shows every topic with its evidence note, and no shoe brands."""
    result = runner.invoke(app, ["tips"])
    assert result.exit_code == 0
    for title in (
        "Running form",
        "Footwear",
        "Training load",
        "Strength",
        "Cross-training",
    ):
        assert title in result.stdout
    assert "Evidence:" in result.stdout


def test_tips_topic_json(runner, catalogue) -> None:
    """--topic picks one topic; --json gives scripts the tips with sources."""
    result = runner.invoke(app, ["tips", "--topic", "footwear", "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert [t["id"] for t in doc["topics"]] == ["footwear"]
    tips = doc["topics"][0]["tips"]
    assert tips and all(t["sources"] and t["evidence"] for t in tips)
    text = json.dumps(doc).lower()
    assert "machine" in text or "mechanical" in text  # the honest shoe caveat


def test_tips_unknown_topic(runner) -> None:
    """An unknown topic is a usage error that lists the topics."""
    result = runner.invoke(app, ["tips", "--topic", "shoes"])
    assert result.exit_code == 2
    assert "unknown topic 'shoes'" in result.stderr
    assert "footwear" in result.stderr


@pytest.mark.parametrize("which", ["answers", "result"])
def test_schema(runner, which: str) -> None:
    """schema prints a JSON Schema document."""
    result = runner.invoke(app, ["schema", which])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["$schema"].startswith("https://json-schema.org/")
    Draft202012Validator.check_schema(doc)


def test_schema_rejects_other_names(runner) -> None:
    """Only answers and result have schemas."""
    assert runner.invoke(app, ["schema", "diary"]).exit_code == 2


def test_answers_schema_accepts_every_vignette(catalogue) -> None:
    """The published answers schema accepts every shared vignette's answers."""
    from kneecheck.schema import answers_schema

    validator = Draft202012Validator(answers_schema(catalogue))
    files = sorted(VIGNETTES.glob("*.json"))
    if not files:
        pytest.skip("shared vignettes not present")
    for path in files:
        validator.validate(json.loads(path.read_text(encoding="utf-8"))["answers"])


def test_broken_catalogue_names_file_and_entry(catalogue_copy: Path) -> None:
    """A broken catalogue stops with exit 3 and a message naming file and entry."""
    path = catalogue_copy / "conditions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["conditions"][1]["exercises"].append("moonwalk")
    path.write_text(json.dumps(data), encoding="utf-8")
    done = cli("tips", env={"KNEECHECK_CATALOGUE": str(catalogue_copy)})
    assert done.returncode == 3
    assert (
        "conditions.json: condition 'iliotibial_band_syndrome': unknown exercise"
        " id 'moonwalk'"
    ) in done.stderr
    assert "Traceback" not in done.stderr


def test_internal_error_is_one_line(monkeypatch, runner, tmp_path) -> None:
    """An unexpected error prints one line, never a traceback with answers in it."""
    import kneecheck.engine

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("secret answers")

    monkeypatch.setattr(kneecheck.engine, "assess", boom)
    result = runner.invoke(app, ["assess", "--answers", write(tmp_path, ITB)])
    assert result.exit_code == 1
    assert "internal error (RuntimeError); details in " in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "secret" not in result.output
    log = Path(result.stderr.split("details in ")[1].split(". Please")[0])
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: secret answers" in text
    assert oct(log.stat().st_mode & 0o777) == "0o600"  # health data: private
    assert oct(log.parent.stat().st_mode & 0o777) == "0o700"


def test_ctrl_c_exits_130(monkeypatch, runner, tmp_path) -> None:
    """Ctrl-C anywhere gives one line and exit code 130."""
    import kneecheck.engine

    def interrupt(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(kneecheck.engine, "assess", interrupt)
    result = runner.invoke(app, ["assess", "--answers", write(tmp_path, ITB)])
    assert result.exit_code == 130
    assert result.stderr.strip() == "kneecheck: cancelled; nothing was saved."


def test_console_script_installed() -> None:
    """The `kneecheck` command is on the path of the environment running the tests."""
    script = Path(sys.executable).parent / (
        "kneecheck.exe" if os.name == "nt" else "kneecheck"
    )
    done = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == f"kneecheck {__version__}"


BOX_OR_SYMBOL = re.compile("[\u2500-\u259f\u25a0-\u25ff\u2190-\u21ff\u00bb\u2022]")


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--plain"], {"TERM": "xterm-256color", "FORCE_COLOR": "1"}),
        ([], {"TERM": "dumb"}),
    ],
)
def test_plain_output(args: list[str], env: dict[str, str]) -> None:
    """--plain and TERM=dumb: no colour, no box drawing, no symbols; still readable."""
    answers = json.dumps({**ITB, "weekly_km_change_pct": 40})
    for command in (
        ["assess", "--answers", "-", "--plan"],
        ["tips"],
        ["explain", "itb"],
        ["plan", "itb"],
        ["history"],
        ["conditions"],
    ):
        done = cli(*args, *command, stdin=answers, env={**env, "NO_COLOR": ""})
        assert done.returncode == 0, (command, done.stderr)
        assert "\x1b[" not in done.stdout, command
        assert not BOX_OR_SYMBOL.search(done.stdout), (
            command,
            BOX_OR_SYMBOL.findall(done.stdout)[:5],
        )
    summary = cli(
        *args, "assess", "--answers", "-", stdin=answers, env={**env, "NO_COLOR": ""}
    ).stdout
    for part in (
        "How urgent is it?",
        "SELF-CARE",
        "Can I keep running?",
        "What to do now",
    ):
        assert part in summary


def test_an_oversized_answers_file_is_refused(tmp_path: Path) -> None:
    """Answers are a few hundred bytes: a huge file or pipe is refused by name,
    before it is read whole, and the diary is left alone."""
    huge = '{"age": 30' + " " * (300 * 1024) + "}"
    path = tmp_path / "huge.json"
    path.write_text(huge, encoding="utf-8")
    for args, stdin in (([str(path)], None), (["-"], huge)):
        out = cli("assess", "--answers", *args, "--json", stdin=stdin)
        assert out.returncode == 2
        assert "larger than 256 KiB: not an answers file" in out.stderr
        assert out.stdout == ""
    assert not (tmp_path / "home" / "diary.sqlite3").exists()
