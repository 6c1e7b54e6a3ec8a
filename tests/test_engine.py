"""Engine rules that the case files do not pin one by one."""

from __future__ import annotations

from kneecheck.answers import validate_answers
from kneecheck.engine import assess

PFP = {
    "age": 30,
    "onset": "gradual",
    "where": ["around_kneecap"],
    "worse_with": ["stairs_down", "squatting", "sitting_bent"],
    "red_flags": [],
    "limp": False,
}


def run(catalogue, **answers):
    return assess(catalogue, validate_answers(answers, catalogue))


def test_continue_needs_all_three_checks(catalogue) -> None:
    """Under 5/10, settled by morning and not worse: continue."""
    r = run(
        catalogue,
        **PFP,
        pain_during_run=4,
        pain_after_run=3,
        settles_by_morning=True,
        trend="same",
    )
    assert r.run_guidance.verdict == "continue"


def test_boundary_five_means_stop(catalogue) -> None:
    """5/10 during the run is already past the limit."""
    r = run(catalogue, **PFP, pain_during_run=5, settles_by_morning=True, trend="same")
    assert r.run_guidance.verdict == "stop"
    assert any("5/10" in x for x in r.run_guidance.reasons)


def test_not_settled_or_worse_means_reduce(catalogue) -> None:
    """Next-morning pain or a worsening trend: reduce."""
    base = {**PFP, "pain_during_run": 2, "pain_after_run": 2}
    assert (
        run(
            catalogue, **base, settles_by_morning=False, trend="same"
        ).run_guidance.verdict
        == "reduce"
    )
    assert (
        run(
            catalogue, **base, settles_by_morning=True, trend="worse"
        ).run_guidance.verdict
        == "reduce"
    )


def test_pain_after_over_five_means_reduce(catalogue) -> None:
    """Pain after a run above 5/10 is more than the knee should take."""
    r = run(
        catalogue,
        **PFP,
        pain_during_run=3,
        pain_after_run=6,
        settles_by_morning=True,
        trend="same",
    )
    assert r.run_guidance.verdict == "reduce"


def test_missing_answers_take_the_cautious_side(catalogue) -> None:
    """Without the pain, settling or trend answers, never 'continue'."""
    for drop in ("pain_during_run", "settles_by_morning", "trend"):
        answers = {
            **PFP,
            "pain_during_run": 2,
            "pain_after_run": 2,
            "settles_by_morning": True,
            "trend": "same",
        }
        del answers[drop]
        r = run(catalogue, **answers)
        assert r.run_guidance.verdict == "reduce", drop
        assert any("could not check" in x for x in r.run_guidance.reasons)


def test_no_pain_after_needs_no_settling_answer(catalogue) -> None:
    """With no pain after the run there is nothing to settle: no question needed."""
    r = run(catalogue, **PFP, pain_during_run=1, pain_after_run=0, trend="better")
    assert r.run_guidance.verdict == "continue"


def test_limp_means_stop(catalogue) -> None:
    """A limp stops running whatever the pain score."""
    r = run(
        catalogue,
        **{**PFP, "limp": True},
        pain_during_run=1,
        pain_after_run=0,
        trend="better",
    )
    assert r.run_guidance.verdict == "stop"


def test_suspected_bone_stress_means_stop(catalogue) -> None:
    """A focal bony tenderness with hopping pain stops running even at low pain."""
    r = run(
        catalogue,
        age=25,
        onset="gradual",
        where=["inside_below"],
        feels=["tender_bone_spot"],
        worse_with=["hopping", "running"],
        weekly_km_change_pct=50,
        pain_during_run=2,
        pain_after_run=1,
        settles_by_morning=True,
        trend="same",
        limp=False,
    )
    assert r.conditions[0].id == "bone_stress_injury"
    assert r.run_guidance.verdict == "stop"
    assert r.triage.level in ("appointment", "urgent")


def test_red_flag_in_scripted_run_still_ranks_conditions(catalogue) -> None:
    """A locked knee after a twist is urgent and still names its likely cause."""
    r = run(
        catalogue,
        age=30,
        onset="sudden",
        injury="twist",
        where=["inside"],
        feels=["catching"],
        red_flags=["locked"],
    )
    assert r.triage.level == "urgent"
    assert r.triage.reasons[0].id == "locked"
    assert r.conditions[0].id == "meniscus_tear"
    assert r.run_guidance.verdict == "stop"


def test_combination_raises_to_emergency(catalogue) -> None:
    """Hot, red and swollen is urgent; with a fever it is an emergency."""
    assert run(catalogue, red_flags=["hot_red_swollen"]).triage.level == "urgent"
    r = run(catalogue, red_flags=["hot_red_swollen", "fever"])
    assert r.triage.level == "emergency"
    assert "suspected_joint_infection" in [x.id for x in r.triage.reasons]


def test_age_gates(catalogue) -> None:
    """Growth-plate conditions need a growing child; osteoarthritis needs 45+."""
    shin = {
        "onset": "gradual",
        "where": ["shin_bump"],
        "swelling": "shin_bump",
        "worse_with": ["kneeling", "jumping"],
    }
    assert run(catalogue, age=13, **shin).conditions[0].id == "osgood_schlatter"
    adult = run(catalogue, age=35, **shin)
    assert all(
        c.id != "osgood_schlatter" or c.band == "unlikely" for c in adult.conditions
    )
    oa = {
        "onset": "gradual",
        "where": ["inside"],
        "morning_stiffness_min": 15,
        "feels": ["stiffness"],
        "timing": ["first_steps"],
    }
    assert run(catalogue, age=60, **oa).conditions[0].id == "knee_osteoarthritis"
    young = run(catalogue, age=30, **oa)
    assert young.conditions[0].id != "knee_osteoarthritis"


def test_child_with_limp_is_urgent(catalogue) -> None:
    """A child with knee pain and a limp is checked for the hip the same day."""
    r = run(catalogue, age=12, where=["whole_knee"], limp=True)
    assert r.triage.level == "urgent"
    assert r.conditions[0].id == "referred_hip_pain"
    assert r.run_guidance.verdict == "stop"


def test_empty_answers_are_safe(catalogue) -> None:
    """No answers at all: self-care, no conditions, cautious verdict."""
    r = run(catalogue)
    assert r.conditions == ()
    assert r.triage.level == "self_care"
    assert r.run_guidance.verdict == "reduce"
    assert r.care.self_care  # general advice even with nothing to go on


def test_prevention_follows_answers(catalogue) -> None:
    """Load spikes, worn shoes and new surfaces bring their own tips, with a reason."""
    r = run(
        catalogue,
        **PFP,
        weekly_km_change_pct=50,
        longest_run_change_pct=40,
        shoe_km=900,
        new_shoes_or_surface=True,
    )
    whys = [r.tip_reasons[t.id] for t in r.prevention]
    assert len(r.prevention) >= 4
    assert all(w.startswith("because of your answer") for w in whys[:4])
    shoe = "because of your answer: Distance in current shoes: at least 500 km"
    assert shoe in whys
    plain = run(catalogue, **PFP)
    reasons = [plain.tip_reasons[t.id] for t in plain.prevention]
    assert not any(w.startswith("because of your answer") for w in reasons)


def test_urgent_advice_replaces_self_care(catalogue) -> None:
    """When it is urgent, the advice is about getting seen, not exercises."""
    r = run(catalogue, **{**PFP, "red_flags": ["night_pain"]})
    assert r.care.exercises == ()
    assert any("until you have been seen" in s for s in r.care.self_care)


def test_to_dict_has_contract_keys(catalogue) -> None:
    """The result carries every key the contract requires."""
    d = run(catalogue, **PFP).to_dict()
    for key in (
        "schema_version",
        "kneecheck_version",
        "catalogue_version",
        "disclaimer",
        "triage",
        "conditions",
        "run_guidance",
        "self_care",
        "prevention",
        "answers",
    ):
        assert key in d
    assert d["schema_version"] == 1
    assert set(d["conditions"][0]) >= {"id", "name", "score", "band", "for", "against"}
