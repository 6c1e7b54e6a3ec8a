"""Engine rules that the case files do not pin one by one."""

from __future__ import annotations

import json

import pytest

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


LIMPING_AFTER_A_TWIST = {
    "age": 30,
    "onset": "sudden",
    "injury": "twist",
    "limp": True,
    "red_flags": [],
}


@pytest.mark.parametrize(
    ("weeks", "urgent"),
    [(0.5, False), (1, False), (1.5, True), (6, True), (9, False)],
)
def test_a_limp_past_the_first_week_after_an_injury_is_urgent(
    catalogue, weeks: float, urgent: bool
) -> None:
    """Still limping more than a week (and up to six) after an injury may be a
    missed tendon tear or break: urgent. Within the first week the knee rules
    decide, and after six weeks it is a long-standing knee."""
    r = run(catalogue, duration_weeks=weeks, **LIMPING_AFTER_A_TWIST)
    fired = "limp_weeks_after_injury" in [x.id for x in r.triage.reasons]
    assert fired == urgent
    assert (r.triage.level == "urgent") == urgent


def test_a_limp_weeks_after_no_injury_is_not_that_rule(catalogue) -> None:
    """The rule is for injuries: a limp weeks into a knee that started without
    one is judged by the other rules."""
    answers = {**LIMPING_AFTER_A_TWIST, "injury": "none", "onset": "gradual"}
    r = run(catalogue, duration_weeks=3, **answers)
    assert "limp_weeks_after_injury" not in [x.id for x in r.triage.reasons]


@pytest.mark.parametrize(
    "flag",
    [
        "after_knee_procedure",
        "pierced_knee",
        "replaced_knee",
        "pulsing_lump",
        "foot_drop",
    ],
)
def test_kneecheck_own_warning_signs_are_urgent(catalogue, flag: str) -> None:
    """The five signs beyond the contract's twelve are urgent on their own, stop
    running, and lead the reasons; they point to "something else" (none of the
    listed conditions is likely)."""
    r = run(catalogue, age=60, onset="gradual", red_flags=[flag])
    assert r.triage.level == "urgent"
    assert r.triage.reasons[0].id == flag
    assert r.triage.red_flags == (flag,)
    assert r.run_guidance.verdict == "stop"
    assert r.conditions[0].band != "likely"


@pytest.mark.parametrize(
    ("flag", "combination"),
    [
        ("after_knee_procedure", "fever_after_knee_procedure"),
        ("pierced_knee", "fever_pierced_knee"),
        ("replaced_knee", "fever_replaced_knee"),
    ],
)
def test_fever_after_a_procedure_a_thorn_or_in_a_replaced_knee_is_an_emergency(
    catalogue, flag: str, combination: str
) -> None:
    """With a fever, a worsening knee after a procedure, a knee a thorn or splinter
    went into, or a replaced knee may be an infected joint: an emergency, not a
    day's wait."""
    r = run(catalogue, red_flags=[flag, "fever"])
    assert r.triage.level == "emergency"
    assert r.triage.reasons[0].id == combination


def test_a_replaced_knee_has_no_cartilage_or_meniscus_to_blame(catalogue) -> None:
    """Osteoarthritis and a meniscus tear lose their lead in a replaced knee."""
    answers = {"age": 68, "onset": "gradual", "where": ["inside"]}
    before = run(catalogue, **answers)
    after = run(catalogue, red_flags=["replaced_knee"], **answers)
    prob = {c.id: c.probability for c in after.conditions}
    for cid in ("knee_osteoarthritis", "meniscus_tear"):
        was = next(c.probability for c in before.conditions if c.id == cid)
        assert prob.get(cid, 0.0) < was / 5


def test_age_shapes_the_prior(catalogue) -> None:
    """Growth-plate conditions belong to growing children, osteoarthritis to 45+:
    the age band's prior carries it, so the same answers rank differently."""
    shin = {
        "onset": "gradual",
        "where": ["shin_bump"],
        "swelling": "shin_bump",
        "worse_with": ["kneeling", "jumping"],
    }
    child = run(catalogue, age=13, **shin)
    assert child.conditions[0].id == "osgood_schlatter"
    adult = run(catalogue, age=35, **shin)
    osgood = next(c for c in adult.conditions if c.id == "osgood_schlatter")

    # In odds, since strong evidence pushes both probabilities towards 1.
    def odds(p: float) -> float:
        return p / (1 - p)

    assert odds(osgood.probability) < odds(child.conditions[0].probability) / 10
    assert any(x.startswith("Age 35: uncommon") for x in osgood.against)
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


def test_age_gated_conditions_wait_for_a_known_age(catalogue) -> None:
    """Without an age, osteoarthritis and the growth-plate conditions are not
    named, and their share stays with "something else"."""
    oa = {"onset": "gradual", "where": ["whole_knee"], "morning_stiffness_min": 10}
    listed = {c.id for c in run(catalogue, **oa).conditions}
    assert not listed & {"knee_osteoarthritis", "osgood_schlatter"}
    assert "knee_osteoarthritis" in {
        c.id for c in run(catalogue, age=60, **oa).conditions
    }


def test_child_with_limp_is_urgent(catalogue) -> None:
    """A child with knee pain and a limp is checked for the hip the same day."""
    r = run(catalogue, age=12, where=["whole_knee"], limp=True)
    assert r.triage.level == "urgent"
    assert r.conditions[0].id == "referred_hip_pain"
    assert r.run_guidance.verdict == "stop"


def test_hip_check_runs_through_sixteen(catalogue) -> None:
    """A slipped hip growth plate is seen up to 16 (boys present later than
    girls), so the same-day hip check covers 16-year-olds and stops at 17."""
    rules = {
        "child_limp_hip_check": {"limp": True},
        "child_thigh_pain_hip_check": {"where": ["hip_groin_thigh"]},
    }
    for rule, answers in rules.items():
        sixteen = run(catalogue, age=16, **answers)
        assert rule in reasons(sixteen)
        assert sixteen.triage.level == "urgent"
        assert rule not in reasons(run(catalogue, age=17, **answers))


def test_empty_answers_are_safe(catalogue) -> None:
    """No answers at all: no conditions, so someone should see the knee; cautious
    verdict."""
    r = run(catalogue)
    assert r.conditions == ()
    assert r.triage.level == "appointment"
    assert [x.id for x in r.triage.reasons] == [
        "no_clear_cause",
        "too_little_history",
        "warning_signs_unanswered",
    ]
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


def test_probabilities_are_a_distribution(catalogue) -> None:
    """Each probability in [0, 1], listed ones sum to at most 1, best first; the
    contract's score is the probability; bands follow it."""
    for answers in ({}, PFP, {"where": ["outside"]}, {"red_flags": ["fever"]}):
        r = run(catalogue, **answers)
        probs = [c.probability for c in r.conditions]
        assert all(0 <= p <= 1 for p in probs)
        assert sum(probs) <= 1 + 1e-9
        assert probs == sorted(probs, reverse=True)
        for c in r.conditions:
            assert c.score == c.probability
            model = catalogue.model
            want = (
                "likely"
                if c.probability >= model.likely
                else "possible"
                if c.probability >= model.possible
                else "unlikely"
            )
            assert c.band == want


def test_no_answer_makes_a_cause_certain(catalogue) -> None:
    """However strongly the answers point (a refit or a clinician's catalogue can
    push a score to 0.9999), the shown probability stays below 1, so "something
    else" keeps a share: a self-check cannot be certain."""
    from kneecheck.engine import ranked_from

    scores = {c.id: 0.0 for c in catalogue.conditions}
    scores["osgood_schlatter"] = 0.9999
    ranked = ranked_from(catalogue, scores, {"osgood_schlatter": ["Age 13"]}, {})
    assert [(c.id, c.probability) for c in ranked] == [("osgood_schlatter", 0.999)]
    assert ranked[0].band == "likely"


def test_missing_and_dont_know_change_nothing(catalogue) -> None:
    """Keys listed as "don't know" count exactly like missing keys."""
    keys = [q.id for q in catalogue.questions if q.id not in PFP]
    plain = run(catalogue, **PFP).to_dict()
    unsure = run(catalogue, **PFP, dont_know=keys).to_dict()
    unsure["answers"].pop("dont_know")
    assert unsure == plain


def test_sparse_answers_are_not_reassured(catalogue) -> None:
    """The reported case: nowhere ticked, still hurts after a week of rest,
    limping. Not self-care, no osteoarthritis without an age, no tip for the
    over-45s."""
    r = run(catalogue, rested_week=True, limp=True)
    assert r.triage.level != "self_care"
    assert "still_hurts_after_rest" in [x.id for x in r.triage.reasons]
    assert "knee_osteoarthritis" not in [c.id for c in r.conditions]
    assert all("45" not in tip.text for tip in r.prevention)
    assert r.run_guidance.verdict == "stop"


def reasons(result) -> list[str]:
    return [x.id for x in result.triage.reasons]


def test_uncertainty_rules_are_never_self_care(catalogue) -> None:
    """Each rule of issue 9, section 4, lifts self-care to at least an appointment."""
    clear = {**PFP, "sex": "female", "feels": ["grinding"], "trend": "better"}
    base = run(catalogue, **clear)
    assert base.triage.level == "self_care", reasons(base)
    cases = {
        "still_hurts_after_rest": {"rested_week": True},
        "long_standing_not_improving": {"duration_weeks": 9, "trend": "same"},
        "swelling_without_injury": {"swelling": "mild"},
        "gives_way": {"feels": ["grinding", "giving_way"]},
        "catches_or_locks": {"feels": ["grinding", "catching"]},
        "young_rest_or_night_pain": {"age": 15, "timing": ["at_night"]},
        "young_limp": {"age": 17, "limp": True},
        "rest_or_night_pain_not_easing": {"timing": ["at_rest"], "trend": "same"},
    }
    for rule, change in cases.items():
        r = run(catalogue, **{**clear, **change})
        assert r.triage.level != "self_care", rule
        assert rule in reasons(r), (rule, reasons(r))


def test_long_standing_but_improving_is_not_flagged(catalogue) -> None:
    """Nine weeks and getting better: the long-standing rule stays quiet; an
    unknown trend counts as not improving."""
    clear = {**PFP, "sex": "female", "feels": ["grinding"]}
    better = run(catalogue, **clear, duration_weeks=9, trend="better")
    assert "long_standing_not_improving" not in reasons(better)
    unknown = run(catalogue, **clear, duration_weeks=9)
    assert "long_standing_not_improving" in reasons(unknown)
    short = run(catalogue, **clear, duration_weeks=4, trend="same")
    assert "long_standing_not_improving" not in reasons(short)


def test_beyond_the_conditions_settling_time(catalogue) -> None:
    """Longer than the top condition's own time to settle, not improving."""
    sprain = {
        "age": 28,
        "onset": "sudden",
        "injury": "blow",
        "where": ["inside"],
        "feels": ["pop"],
        "trend": "same",
    }
    settle = catalogue.condition("ligament_sprain").settle_weeks
    assert settle is not None and settle < 6
    r = run(catalogue, **sprain, duration_weeks=settle + 0.5)
    assert r.conditions[0].id == "ligament_sprain"
    assert "beyond_usual_recovery" in reasons(r)
    assert "beyond_usual_recovery" not in reasons(
        run(catalogue, **sprain, duration_weeks=settle - 0.5)
    )


def test_no_clear_cause_means_see_someone(catalogue) -> None:
    """When no condition reaches `likely`, someone should examine the knee."""
    r = run(catalogue, age=30, where=["whole_knee"])
    assert all(c.band != "likely" for c in r.conditions)
    assert "no_clear_cause" in reasons(r)
    assert r.triage.level == "appointment"


def test_fever_with_a_swollen_knee_is_an_emergency(catalogue) -> None:
    """A swollen knee and a fever: an infected joint until shown otherwise."""
    r = run(catalogue, age=71, swelling="mild", red_flags=["fever"])
    assert r.triage.level == "emergency"
    assert "fever_with_swollen_knee" in reasons(r)


def test_red_flags_are_evidence_too(catalogue) -> None:
    """A swollen calf points to a burst Baker's cyst as well as a clot; a hot red
    swelling on the kneecap after a fall to prepatellar bursitis; a child with a
    limp and thigh pain to the hip."""
    calf = run(catalogue, age=55, where=["back"], red_flags=["calf_swelling"])
    assert calf.conditions[0].id == "bakers_cyst"
    assert calf.triage.level == "urgent"
    bursa = run(
        catalogue,
        onset="sudden",
        injury="fall",
        swelling="on_kneecap",
        red_flags=["hot_red_swollen"],
    )
    assert bursa.conditions[0].id == "prepatellar_bursitis"
    hip = run(catalogue, age=12, limp=True, where=["hip_groin_thigh"])
    assert hip.conditions[0].id == "referred_hip_pain"


def test_a_swollen_calf_leads_to_a_bakers_cyst_without_a_place(catalogue) -> None:
    """Of the listed conditions only a burst Baker's cyst swells the calf: it leads
    even when the runner named no place and a sudden start points to a sprain."""
    r = run(catalogue, sex="male", onset="sudden", red_flags=["calf_swelling"])
    assert r.conditions[0].id == "bakers_cyst"
    assert r.triage.level == "urgent"


def test_hot_red_swelling_after_a_fall_is_its_own_reason(catalogue) -> None:
    """A hot, red, swollen knee after a fall names the bursa with its own reason."""
    r = run(catalogue, age=30, injury="fall", red_flags=["hot_red_swollen"])
    top = r.conditions[0]
    assert top.id == "prepatellar_bursitis"
    assert any("after a fall" in reason for reason in top.for_)


def test_snapping_on_the_outer_side_also_names_the_popliteus(catalogue) -> None:
    """The popliteus tendon snaps over the outer side as the ITB can: both listed."""
    r = run(catalogue, age=30, feels=["snapping_outside"])
    ids = [c.id for c in r.conditions]
    assert ids[0] == "iliotibial_band_syndrome"
    assert "popliteus_tendinopathy" in ids[:3]


def test_a_sudden_start_without_an_injury_is_weak_evidence_of_a_sprain(
    catalogue,
) -> None:
    """The injury answers carry the evidence of a sprain: a sudden start alone
    keeps a meniscus tear in view beside it (second, and at least half as
    likely), and neither is near likely."""
    r = run(catalogue, age=28, sex="male", onset="sudden")
    p = {c.id: c.probability for c in r.conditions}
    assert [c.id for c in r.conditions[:2]] == ["ligament_sprain", "meniscus_tear"]
    assert p["meniscus_tear"] * 2 > p["ligament_sprain"]
    assert p["ligament_sprain"] < 0.3
    pop = run(
        catalogue, age=28, sex="male", onset="sudden", injury="twist", feels=["pop"]
    )
    assert pop.conditions[0].id == "ligament_sprain"


def test_pain_on_or_below_the_kneecap_keeps_a_stress_fracture_in_view(
    catalogue,
) -> None:
    """The kneecap and the top of the shin take stress fractures too: pain there
    lists a bone stress injury (with that reason) instead of counting against it."""
    for place in ("below_kneecap", "on_kneecap"):
        r = run(catalogue, age=25, sex="male", where=[place])
        bone = next(c for c in r.conditions if c.id == "bone_stress_injury")
        assert any("Where it hurts" in reason for reason in bone.for_)
        assert not any("none of the usual places" in x for x in bone.against)


def test_an_empty_where_counts_against_nothing(catalogue) -> None:
    """The issue's case: nothing ticked for where it hurts, a week of rest that
    did not help, a limp. `where: []` must not count against the conditions
    that have usual places; the result is that of "don't know"."""
    raw = {"rested_week": True, "limp": True}
    empty = assess(catalogue, validate_answers({**raw, "where": []}, catalogue))
    unsure = {**raw, "dont_know": ["where"]}
    absent = assess(catalogue, validate_answers(unsure, catalogue))
    assert json.dumps(empty.to_dict()) == json.dumps(absent.to_dict())
    assert not any(
        "none of the usual places" in x for c in empty.conditions for x in c.against
    )


def test_bone_stress_is_not_buried_by_age(catalogue) -> None:
    """A 58-year-old after a jump in load with a tender spot on the shin top:
    bone stress injury leads, and the verdict is stop."""
    r = run(
        catalogue,
        age=58,
        onset="gradual",
        where=["inside_below"],
        feels=["tender_bone_spot"],
        worse_with=["hopping", "walking"],
        weekly_km_change_pct=60,
        longest_run_change_pct=70,
        duration_weeks=3,
    )
    assert r.conditions[0].id == "bone_stress_injury"
    assert r.run_guidance.verdict == "stop"


def test_for_and_against_follow_the_likelihood_ratios(catalogue) -> None:
    """An answer with a ratio above 1 is a reason for, below 1 against."""
    r = run(catalogue, age=30, where=["outside"], onset="sudden")
    itbs = next(c for c in r.conditions if c.id == "iliotibial_band_syndrome")
    assert any("outer side" in x for x in itbs.for_)
    assert any("Suddenly" in x or "suddenly" in x for x in itbs.against)


def test_tips_wait_for_the_answers_they_speak_of(catalogue) -> None:
    """A tip whose text depends on age is shown only when the age is known."""
    needs_age = [t for t in catalogue.tips if "age" in t.requires]
    assert needs_age
    oa = {"onset": "gradual", "where": ["whole_knee", "inside"], "feels": ["stiffness"]}
    shown = {t.id for t in run(catalogue, **oa).prevention}
    assert not shown & {t.id for t in needs_age}


def test_advice_waits_for_a_real_contender(catalogue) -> None:
    """When the top condition is only `unlikely`, the advice is general and no
    plan is offered; a `possible` or `likely` top condition brings its own."""
    # Which sparse answers leave every condition `unlikely` moves with each
    # refit, so the vague case raises the `possible` line above its top instead.
    sparse = {"rested_week": True, "limp": True}
    top = run(catalogue, **sparse).conditions[0]
    strict = catalogue._replace(
        model=catalogue.model._replace(possible=top.probability + 0.01)
    )
    vague = run(strict, **sparse)
    assert vague.conditions and vague.conditions[0].band == "unlikely"
    assert vague.care.condition is None and vague.care.exercises == ()
    assert vague.care.self_care == tuple(catalogue.advice.no_condition_self_care)
    assert vague.plan_condition() is None
    clear = run(catalogue, **PFP, sex="female", feels=["grinding"])
    assert clear.conditions[0].band != "unlikely"
    assert clear.care.condition == clear.plan_condition() == "patellofemoral_pain"


def test_too_little_history_needs_three_history_answers(catalogue) -> None:
    """Age, sex and where it hurts are not history: with fewer than three answers
    about how the pain behaves the check asks for an appointment."""
    sparse = run(catalogue, age=25, sex="male", where=["below_kneecap"])
    assert sparse.triage.level == "appointment"
    assert "too_little_history" in reasons(sparse)
    two = run(catalogue, age=25, where=["below_kneecap"], onset="gradual", limp=False)
    assert "too_little_history" in reasons(two)
    three = run(
        catalogue,
        age=25,
        where=["below_kneecap"],
        onset="gradual",
        limp=False,
        trend="better",
    )
    assert "too_little_history" not in reasons(three)


def test_new_swelling_without_injury_is_urgent(catalogue) -> None:
    """A knee swollen within two weeks with no injury: seen within a day, stop
    running. Older swelling, or swelling after an injury, is not this rule."""
    new = run(catalogue, **PFP, swelling="mild", duration_weeks=1)
    assert new.triage.level == "urgent"
    assert "new_swelling_without_injury" in reasons(new)
    assert new.run_guidance.verdict == "stop"
    older = run(catalogue, **PFP, swelling="mild", duration_weeks=3)
    assert "new_swelling_without_injury" not in reasons(older)
    injured = run(catalogue, **PFP, swelling="mild", duration_weeks=1, injury="twist")
    assert "new_swelling_without_injury" not in reasons(injured)
    unknown = run(catalogue, **PFP, swelling="mild")
    assert "new_swelling_without_injury" not in reasons(unknown)


def test_swollen_without_injury_with_limp_is_urgent_however_long(catalogue) -> None:
    """A knee swollen with no injury that makes the runner limp is seen within a
    day even when it has been going on for months; no limp, or an injury, and
    this rule stays quiet."""
    swollen = {**PFP, "swelling": "mild", "duration_weeks": 10}
    limping = run(catalogue, **{**swollen, "limp": True})
    assert limping.triage.level == "urgent"
    assert "swollen_without_injury_with_limp" in reasons(limping)
    walking = run(catalogue, **swollen)
    assert walking.triage.level == "appointment"
    assert "swollen_without_injury_with_limp" not in reasons(walking)
    injured = run(catalogue, **{**swollen, "limp": True, "injury": "twist"})
    assert "swollen_without_injury_with_limp" not in reasons(injured)


def test_older_runner_fall_applies_to_recent_or_undated_falls(catalogue) -> None:
    """The Pittsburgh and Ottawa knee rules cover injuries of the last week: a
    fall at 62 is urgent when it was recent or its date is unknown, not a year
    later; over 50 it counts (Pittsburgh), at 50 it does not."""
    fall = {"age": 62, "injury": "fall", "where": ["above_kneecap"]}
    for weeks in (None, 0.4, 1):
        extra = {} if weeks is None else {"duration_weeks": weeks}
        r = run(catalogue, **fall, **extra)
        assert "older_runner_fall" in reasons(r), weeks
        assert r.triage.level == "urgent", weeks
    late = run(catalogue, **fall, duration_weeks=52)
    assert "older_runner_fall" not in reasons(late)
    assert "older_runner_fall" in reasons(
        run(catalogue, **{**fall, "age": 51}, duration_weeks=0.4)
    )
    assert "older_runner_fall" not in reasons(
        run(catalogue, **{**fall, "age": 50}, duration_weeks=0.4)
    )


def test_young_child_fall_is_urgent(catalogue) -> None:
    """Under 12, a fall or a knock of the last week (or of unknown date) needs
    an X-ray by the Pittsburgh knee rules; at 12, or after a twist, it does not."""
    child = {"age": 9, "injury": "blow", "where": ["around_kneecap"]}
    for weeks in (None, 1):
        extra = {} if weeks is None else {"duration_weeks": weeks}
        r = run(catalogue, **child, **extra)
        assert "young_child_fall" in reasons(r), weeks
        assert r.triage.level == "urgent"
    for change in ({"age": 12}, {"injury": "twist"}, {"duration_weeks": 2}):
        r = run(catalogue, **{**child, **change})
        assert "young_child_fall" not in reasons(r), change


def test_young_child_twist_or_landing_is_urgent(catalogue) -> None:
    """Under 12, a twist or an awkward landing of the last week (or of unknown
    date) may have broken a growth plate: urgent, stop running. At 12, after a
    fall (the Pittsburgh rule's own case), or two weeks on, this rule is silent."""
    child = {"age": 11, "onset": "sudden", "injury": "landing", "side": "both"}
    for weeks in (None, 0.4):
        extra = {} if weeks is None else {"duration_weeks": weeks}
        r = run(catalogue, **child, **extra)
        assert "young_child_twist_or_landing" in reasons(r), weeks
        assert r.triage.level == "urgent"
        assert r.run_guidance.verdict == "stop"
    assert "young_child_twist_or_landing" in reasons(
        run(catalogue, **{**child, "injury": "twist"})
    )
    for change in ({"age": 12}, {"injury": "fall"}, {"duration_weeks": 2}):
        r = run(catalogue, **{**child, **change})
        assert "young_child_twist_or_landing" not in reasons(r), change


def test_sudden_start_with_warning_signs_unanswered_is_urgent(catalogue) -> None:
    """A sudden start in the last week (or of unknown date) whose warning signs
    of a break were not answered, or answered "don't know", is urgent and stops
    running; answering them (none present), a gradual start or a start two
    weeks ago leaves it to the other rules."""
    sudden = {"age": 30, "sex": "female", "onset": "sudden"}
    for extra in ({}, {"duration_weeks": 0.4}, {"dont_know": ["red_flags"]}):
        r = run(catalogue, **sudden, **extra)
        assert "sudden_start_unchecked" in reasons(r), extra
        assert r.triage.level == "urgent", extra
        assert r.run_guidance.verdict == "stop", extra
    for change in ({"red_flags": []}, {"onset": "gradual"}, {"duration_weeks": 2}):
        r = run(catalogue, **{**sudden, **change})
        assert "sudden_start_unchecked" not in reasons(r), change
        assert r.triage.level != "urgent", change


def test_swelling_after_a_recent_knock_or_fall_is_urgent(catalogue) -> None:
    """A knee that swells after a fall or a blow of the last week (or of an
    unknown date) may hold blood from a break: urgent, stop running. A twist,
    an older fall, or no swelling is not this rule."""
    knock = {"age": 36, "onset": "sudden", "injury": "fall", "swelling": "mild"}
    for weeks in (None, 0.4):
        extra = {} if weeks is None else {"duration_weeks": weeks}
        r = run(catalogue, **knock, **extra)
        assert "swollen_after_knock_or_fall" in reasons(r), weeks
        assert r.triage.level == "urgent"
        assert r.run_guidance.verdict == "stop"
    for change in (
        {"injury": "twist"},
        {"duration_weeks": 3},
        {"swelling": "none"},
        {"swelling": "on_kneecap"},
    ):
        r = run(catalogue, **{**knock, **change})
        assert "swollen_after_knock_or_fall" not in reasons(r), change


def test_unanswered_warning_signs_are_said_without_raising_the_level(catalogue) -> None:
    """Warning signs not answered: the result says it assumed none (the level is
    the answers' own); answered, even as "none of these", it says nothing."""
    pfp = {
        "age": 30,
        "onset": "gradual",
        "where": ["around_kneecap"],
        "worse_with": ["stairs_down", "squatting", "sitting_bent"],
        "pain_during_run": 3,
        "settles_by_morning": True,
        "trend": "same",
        "duration_weeks": 3,
    }
    unknown = run(catalogue, **pfp)
    none = run(catalogue, **pfp, red_flags=[])
    assert unknown.triage.level == none.triage.level == "self_care"
    assert [x.id for x in unknown.triage.reasons] == ["warning_signs_unanswered"]
    assert none.triage.reasons == ()
    dont_know = run(catalogue, **pfp, dont_know=["red_flags"])
    assert "warning_signs_unanswered" in [x.id for x in dont_know.triage.reasons]


def test_pain_in_both_knees_is_evidence(catalogue) -> None:
    """Both knees point towards the overuse causes (patellofemoral pain here) and
    away from an injury of one knee (a sprain); one side says nothing."""

    def prob(result, cid: str) -> float:
        return next((c.probability for c in result.conditions if c.id == cid), 0.0)

    overuse = {"age": 25, "sex": "female", "where": ["around_kneecap"]}
    one, both = (run(catalogue, **overuse, side=s) for s in ("left", "both"))
    assert prob(both, "patellofemoral_pain") > prob(one, "patellofemoral_pain")
    assert "Both knees hurt" in both.conditions[0].for_
    assert prob(run(catalogue, **overuse), "patellofemoral_pain") == prob(
        one, "patellofemoral_pain"
    )
    twist = {"age": 25, "onset": "sudden", "injury": "twist", "feels": ["pop"]}
    one, both = (run(catalogue, **twist, side=s) for s in ("right", "both"))
    assert prob(both, "ligament_sprain") < prob(one, "ligament_sprain")
    sprain = next(c for c in both.conditions if c.id == "ligament_sprain")
    assert "Both knees hurt" in sprain.against
