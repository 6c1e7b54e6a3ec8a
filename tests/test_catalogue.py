"""A broken catalogue stops with messages naming the file and the entry."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kneecheck.catalogue import load_catalogue
from kneecheck.errors import CatalogueError, ExitCode

Data = dict[str, Any]


def edit(folder: Path, name: str, change: Callable[[Data], None]) -> None:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def condition(data: Data, cid: str) -> Data:
    return next(c for c in data["conditions"] if c["id"] == cid)


def rule(data: Data, rid: str) -> Data:
    return next(r for r in data["rules"] if r["id"] == rid)


def limit(data: Data, lid: str) -> Data:
    return next(x for x in data["limits"] if x["id"] == lid)


def lr(**feature: Any) -> Data:
    """A scoring feature with an estimated likelihood ratio of 2 unless given."""
    return {"lr": 2, "basis": "estimate", **feature}


MUTATIONS: list[tuple[str, str, Callable[[Data], None], str]] = [
    (
        "missing field",
        "conditions.json",
        lambda d: condition(d, "bakers_cyst").pop("self_care"),
        "conditions.json: condition 'bakers_cyst': missing field 'self_care'",
    ),
    (
        "wrong type",
        "conditions.json",
        lambda d: condition(d, "bakers_cyst").update(name=3),
        "conditions.json: condition 'bakers_cyst': field 'name' has the wrong type",
    ),
    (
        "duplicate id",
        "conditions.json",
        lambda d: d["conditions"].append(dict(d["conditions"][0])),
        "condition 'patellofemoral_pain': duplicate id",
    ),
    (
        "contract id missing",
        "conditions.json",
        lambda d: d["conditions"].remove(condition(d, "plica_syndrome")),
        "contract condition 'plica_syndrome' is missing",
    ),
    (
        "contract red flag missing",
        "triage.json",
        lambda d: d["red_flags"].remove(
            next(f for f in d["red_flags"] if f["id"] == "weight_loss")
        ),
        "triage.json: file: contract red flag 'weight_loss' is missing",
    ),
    (
        "unknown exercise",
        "conditions.json",
        lambda d: condition(d, "patellofemoral_pain")["exercises"].append("moonwalk"),
        "condition 'patellofemoral_pain': unknown exercise id 'moonwalk'",
    ),
    (
        "unknown source",
        "conditions.json",
        lambda d: condition(d, "bakers_cyst")["sources"].append("hearsay"),
        "conditions.json: condition 'bakers_cyst': unknown source id 'hearsay'",
    ),
    (
        "no sources",
        "conditions.json",
        lambda d: condition(d, "bakers_cyst").update(sources=[]),
        "condition 'bakers_cyst': 'sources' must name at least one source",
    ),
    (
        "bad evidence grade",
        "conditions.json",
        lambda d: condition(d, "bakers_cyst")["treatments"][0].update(evidence="great"),
        "condition 'bakers_cyst' treatment: evidence must be one of",
    ),
    (
        "look-alike unknown",
        "conditions.json",
        lambda d: condition(d, "bakers_cyst")["look_alikes"][0].update(id="gout"),
        "condition 'bakers_cyst': look-alike names unknown condition 'gout'",
    ),
    (
        "duplicate alias",
        "conditions.json",
        lambda d: condition(d, "bakers_cyst")["aliases"].append("runner's knee"),
        "alias 'runner's knee' is also used by 'patellofemoral_pain'",
    ),
    (
        "feature names no answer",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"]["features"].append(
            lr(key="shoe_size", op="gt", value=40)
        ),
        "'feature' names no answer: unknown key 'shoe_size'",
    ),
    (
        "feature unknown id",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"]["features"].append(
            lr(key="where", op="includes", value="elbow")
        ),
        "'feature' on 'where': unknown id 'elbow'",
    ),
    (
        "feature wrong op",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"]["features"].append(
            lr(key="where", op="gt", value=3)
        ),
        "'feature' on 'where': gt needs a numeric answer",
    ),
    (
        "likelihood ratio of 1",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"]["features"][0].update(lr=1),
        "'lr' must be above 0 and at most 50, and not 1",
    ),
    (
        "negative likelihood ratio",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"]["features"][0].update(lr=-2),
        "'lr' must be above 0",
    ),
    (
        "unknown basis",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"]["features"][0].update(basis="hunch"),
        "'basis' must be one of published, estimate",
    ),
    (
        "refit hold not a boolean",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"]["features"][0].update(refit="no"),
        "'refit' must be true or false",
    ),
    (
        "published without source",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"]["features"][0].update(
            basis="published"
        ),
        "a published likelihood ratio must name its 'source'",
    ),
    (
        "feature source unknown",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"]["features"][0].update(source="rumour"),
        "unknown source id 'rumour'",
    ),
    (
        "feature tests a derived fact",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"]["features"].append(
            lr(key="not_improving", op="eq", value=True)
        ),
        "'feature' names no answer: unknown key 'not_improving'",
    ),
    (
        "unreachable condition",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"].update(
            features=[lr(key="age", op="gt", value=40, lr=0.5)]
        ),
        "condition 'bakers_cyst': no feature points towards this condition",
    ),
    (
        "prior missing a band",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"]["prior"].pop("older"),
        "condition 'bakers_cyst': 'prior' needs a number for age band 'older'",
    ),
    (
        "prior of 0",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"]["prior"].update(young=0),
        "'prior' for 'young' must be above 0 and below 100",
    ),
    (
        "priors leave nothing else",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"]["prior"].update(adult=90),
        "age band 'adult': the priors add up to",
    ),
    (
        "age bands out of order",
        "scoring.json",
        lambda d: d["age_bands"].reverse(),
        "'age_bands' must list bands by rising max_age",
    ),
    (
        "age mix misses a band",
        "scoring.json",
        lambda d: d["unknown_age_mix"].pop("young"),
        "'unknown_age_mix' needs a weight of 0 or more for each band",
    ),
    (
        "evidence power",
        "scoring.json",
        lambda d: d.update(evidence_power=0),
        "'evidence_power' must be above 0 and at most 2",
    ),
    (
        "requires unknown answer",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"].update(requires=["shoe_size"]),
        "'requires' names unknown answer key 'shoe_size'",
    ),
    (
        "settling time",
        "scoring.json",
        lambda d: d["conditions"]["bakers_cyst"].update(settle_weeks=0),
        "'settle_weeks' must be above 0",
    ),
    (
        "rule tests unknown derived fact",
        "triage.json",
        lambda d: rule(d, "no_clear_cause")["when"][0].update(key="vibes"),
        "rule 'no_clear_cause': 'when' names no answer: unknown key 'vibes'",
    ),
    (
        "model without condition",
        "scoring.json",
        lambda d: d["conditions"].update(gout=d["conditions"]["bakers_cyst"]),
        "scoring.json: condition 'gout': is in the scoring model but not in conditions",
    ),
    (
        "bad bands",
        "scoring.json",
        lambda d: d["bands"].update(possible=0.9),
        "scoring.json: bands: need 0 < possible < likely <= 1",
    ),
    (
        "red flag level",
        "triage.json",
        lambda d: d["red_flags"][0].update(level="self_care"),
        "red flag 'cannot_bear_weight': a red flag must be emergency or urgent",
    ),
    (
        "unknown level",
        "triage.json",
        lambda d: rule(d, "child_limp_hip_check").update(level="soon"),
        "triage.json: rule 'child_limp_hip_check': unknown triage level 'soon'",
    ),
    (
        "rule names an unknown limit",
        "triage.json",
        lambda d: rule(d, "child_limp_hip_check")["when"][0].update(
            value={"limit": "teen_age"}
        ),
        "rule 'child_limp_hip_check': 'when' on 'age': unknown limit 'teen_age'",
    ),
    (
        "limit value object with another key",
        "triage.json",
        lambda d: rule(d, "young_limp")["when"][0].update(
            value={"limit": "child_or_teen_age", "or": 16}
        ),
        "rule 'young_limp': 'when' on 'age': a value object must be {\"limit\": id}",
    ),
    (
        "limit without a value",
        "triage.json",
        lambda d: limit(d, "hip_check_age").pop("value"),
        "triage.json: limit 'hip_check_age': missing field 'value'",
    ),
    (
        "limit that is not a number",
        "triage.json",
        lambda d: limit(d, "hip_check_age").update(value="17"),
        "limit 'hip_check_age': field 'value' has the wrong type (str)",
    ),
    (
        "limit no rule can meet",
        "triage.json",
        lambda d: limit(d, "young_child_age").update(value=5),
        "rule 'young_child_fall': 'when' on 'age': lt 5 can never be true "
        "(answers run from 5 to 100)",
    ),
    (
        "limit no rule uses",
        "triage.json",
        lambda d: d["limits"].append(
            {"id": "spare_age", "value": 40, "note": "n", "sources": ["msd_scfe"]}
        ),
        "triage.json: file: limit 'spare_age' is used by no rule",
    ),
    (
        "combination unknown flag",
        "triage.json",
        lambda d: d["combinations"][0]["all_of"].append("sneezing"),
        "'all_of' names unknown red flag 'sneezing'",
    ),
    (
        "rule with no conditions",
        "triage.json",
        lambda d: rule(d, "child_limp_hip_check").update(when=[]),
        "rule 'child_limp_hip_check': 'when' must be a non-empty list",
    ),
    (
        "level not described",
        "triage.json",
        lambda d: d["levels"].pop(),
        "triage level 'self_care' is not described",
    ),
    (
        "question type",
        "questions.json",
        lambda d: d["questions"][1].update(type="slider"),
        "questions.json: question 'age': unknown type 'slider'",
    ),
    (
        "skip rule unknown key",
        "questions.json",
        lambda d: d["questions"][16]["skip_if"][0].update(key="mood"),
        "question 'settles_by_morning': 'skip_if' names no answer: unknown key 'mood'",
    ),
    (
        "unknown picture",
        "questions.json",
        lambda d: d["questions"][4].update(picture="elbow"),
        "question 'where': unknown picture 'elbow'",
    ),
    (
        "exercise dose",
        "exercises.json",
        lambda d: d["exercises"][0]["dose"].update(reps=None, hold_seconds=None),
        "give exactly one of 'reps' and 'hold_seconds'",
    ),
    (
        "exercise lists condition that does not use it",
        "exercises.json",
        lambda d: d["exercises"][0]["conditions"].append("bakers_cyst"),
        "condition 'bakers_cyst' does not list it",
    ),
    (
        "tip topic",
        "tips.json",
        lambda d: d["tips"][0].update(topic="diet"),
        "unknown topic 'diet'",
    ),
    (
        "tip trigger",
        "tips.json",
        lambda d: d["tips"][0].update(when=[{"key": "mood", "op": "eq", "value": 1}]),
        "'when' names no answer: unknown key 'mood'",
    ),
    (
        "tip condition",
        "tips.json",
        lambda d: d["tips"][0].update(for_conditions=["gout"]),
        "'for_conditions' names unknown condition 'gout'",
    ),
    (
        "tip requires unknown answer",
        "tips.json",
        lambda d: d["tips"][0].update(requires=["mood"]),
        "'requires' names unknown answer key 'mood'",
    ),
    (
        "preset out of range",
        "questions.json",
        lambda d: next(q for q in d["questions"] if q["id"] == "duration_weeks")[
            "presets"
        ][0].update(value=5000),
        "question 'duration_weeks' preset: a preset needs a number question",
    ),
    (
        "none label on a single choice",
        "questions.json",
        lambda d: d["questions"][2].update(none_label="None"),
        "'none_label' only fits a tick list (multi)",
    ),
    (
        "advice scoring text",
        "advice.json",
        lambda d: d["scoring"].pop("age_for"),
        "advice.json: scoring: missing field 'age_for'",
    ),
    (
        "advice verdict",
        "advice.json",
        lambda d: d["verdicts"].pop("reduce"),
        "advice.json: advice: 'verdicts' has no entry for 'reduce'",
    ),
    (
        "control character in a text",  # it would steer the runner's terminal
        "conditions.json",
        lambda d: condition(d, "bakers_cyst").update(name="Baker\x1b[31m cyst"),
        ".name: holds the control character U+001B; catalogue text is shown",
    ),
    (
        "control character in a key",
        "advice.json",
        lambda d: d["verdicts"].update({"odd\x07": "x"}),
        "advice.json: verdicts.'odd\\x07': holds the control character U+0007",
    ),
]


@pytest.mark.parametrize(
    ("name", "file", "change", "message"), MUTATIONS, ids=[m[0] for m in MUTATIONS]
)
def test_broken_catalogue(
    catalogue_copy: Path,
    name: str,
    file: str,
    change: Callable[[Data], None],
    message: str,
) -> None:
    """Each kind of breakage is reported with file, entry and what is wrong."""
    edit(catalogue_copy, file, change)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(catalogue_copy)
    assert any(message in p for p in info.value.problems), info.value.problems
    assert info.value.exit_code == ExitCode.CATALOGUE


def test_a_limit_moves_every_rule_that_names_it(catalogue_copy: Path) -> None:
    """Both same-day hip checks read one age bound from triage.json's limits, so
    one edit moves both."""
    edit(
        catalogue_copy,
        "triage.json",
        lambda d: limit(d, "hip_check_age").update(value=16),
    )
    rules = {r.id: r for r in load_catalogue(catalogue_copy).rules}
    for rid in ("child_limp_hip_check", "child_thigh_pain_hip_check"):
        assert ("age", "lt", 16) in [(p.key, p.op, p.value) for p in rules[rid].when]


def test_a_broken_limit_is_reported_once(catalogue_copy: Path) -> None:
    """A limit whose value is wrong is named once, at the limit: the rules that
    use it are not also reported as naming an unknown limit."""
    edit(
        catalogue_copy,
        "triage.json",
        lambda d: limit(d, "hip_check_age").update(value="17"),
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(catalogue_copy)
    assert info.value.problems == [
        "triage.json: limit 'hip_check_age': field 'value' has the wrong type (str)"
    ]


def test_a_limit_under_a_bad_op_is_still_counted_as_used(catalogue_copy: Path) -> None:
    """A rule whose op is wrong is reported for its op alone: the limit it names
    is not also reported as used by no rule."""
    edit(
        catalogue_copy,
        "triage.json",
        lambda d: [
            rule(d, rid)["when"][0].update(op="below")
            for rid in ("young_rest_or_night_pain", "young_limp")
        ],
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(catalogue_copy)
    assert info.value.problems == [
        f"triage.json: rule '{rid}': 'when' on 'age': unknown op 'below'"
        for rid in ("young_rest_or_night_pain", "young_limp")
    ]


def test_rule_messages_state_their_age_bounds(catalogue) -> None:
    """A message that says "under 12" or "over 50" says the bound its rule tests,
    so a limit edited in one place cannot leave the runner reading another."""
    words = {"lt": "under", "gt": "over"}
    checked = 0
    for r in catalogue.rules:
        for p in r.when:
            if p.key == "age" and p.op in words:
                said = re.findall(rf"\b{words[p.op]} (\d+)", r.message, re.IGNORECASE)
                assert all(int(n) == p.value for n in said), (r.id, said, p.value)
                checked += len(said)
    assert checked >= 3  # the two Pittsburgh rules for children and the one over 50


def test_invalid_json_names_line_and_column(catalogue_copy: Path) -> None:
    """Malformed JSON says which file and where."""
    (catalogue_copy / "tips.json").write_text(
        '{"version": 1,\n  "topics": [}', encoding="utf-8"
    )
    with pytest.raises(CatalogueError, match=r"tips\.json: not valid JSON \(line 2"):
        load_catalogue(catalogue_copy)


def test_a_key_given_twice_is_named(catalogue_copy: Path) -> None:
    """JSON keeps the last of two equal keys, so a second "note" added to a
    feature would silently replace the first: the loader names it instead."""
    path = catalogue_copy / "scoring.json"
    text = path.read_text(encoding="utf-8")
    feature = '"text": "Both knees hurt"'
    assert feature in text
    path.write_text(
        text.replace(feature, feature + ', "text": "Two knees"', 1), encoding="utf-8"
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(catalogue_copy)
    assert any(
        p.startswith("scoring.json: an object holds the key 'text' twice")
        and "'Two knees'" in p
        for p in info.value.problems
    ), info.value.problems


def test_missing_file(catalogue_copy: Path) -> None:
    """A missing file is named."""
    (catalogue_copy / "exercises.json").unlink()
    with pytest.raises(CatalogueError, match=r"exercises\.json: file not found"):
        load_catalogue(catalogue_copy)


def test_not_an_object(catalogue_copy: Path) -> None:
    """A file holding a list instead of an object is named."""
    (catalogue_copy / "advice.json").write_text("[]", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"advice\.json: must hold a JSON object"):
        load_catalogue(catalogue_copy)


def test_all_problems_are_listed_at_once(catalogue_copy: Path) -> None:
    """Several problems come back together, one line each."""
    edit(
        catalogue_copy,
        "conditions.json",
        lambda d: condition(d, "bakers_cyst").update(name=3, summary=""),
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(catalogue_copy)
    assert len(info.value.problems) >= 2
    assert info.value.message.startswith("broken catalogue: 2 problems")


def test_built_in_catalogue_is_valid(catalogue) -> None:
    """The shipped catalogue loads cleanly, with every contract condition."""
    assert len(catalogue.conditions) >= 17
    assert catalogue.version


@pytest.mark.parametrize(
    ("json_text", "found"),
    [
        (r'"a\nb"', True),  # a line break
        (r'"\u001b[31m"', True),  # an escape code
        (r'"\u009B"', True),  # a C1 control
        (r'"a\\nb"', False),  # a backslash, then an n: plain text
        (r'"a\\\nb"', True),  # a backslash, then a line break
        (r'"caf\u00e9"', False),  # an accent, not a control
        ('"a\x9bb"', True),  # a raw C1 control, which JSON allows
        ('"a\x7fb"', True),  # a raw DEL
        ('"plain text"', False),
    ],
)
def test_control_characters_are_found_in_json_text(json_text: str, found: bool) -> None:
    """The quick look at a catalogue file's text never misses a control
    character the parsed text holds (a false alarm only costs the exact walk),
    and plain text without escapes raises none."""
    from kneecheck.catalogue.reader import _CONTROL, _MAY_HOLD_CONTROL

    assert bool(_CONTROL.search(json.loads(json_text))) is found
    if found:
        assert _MAY_HOLD_CONTROL.search(json_text)
    if "\\" not in json_text and not found:
        assert not _MAY_HOLD_CONTROL.search(json_text)
