"""Condition pages and finding a condition by the name a runner types."""

from __future__ import annotations

import pytest

from kneecheck.catalogue import CONTRACT_CONDITIONS
from kneecheck.errors import ExitCode, UsageError
from kneecheck.pages import condition_page, condition_rows, find_condition


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("patellofemoral_pain", "patellofemoral_pain"),
        ("runner's knee", "patellofemoral_pain"),
        ("Runners Knee", "patellofemoral_pain"),
        ("runner\u2019s knee", "patellofemoral_pain"),
        ("ITB", "iliotibial_band_syndrome"),
        ("itbs", "iliotibial_band_syndrome"),
        ("IT band", "iliotibial_band_syndrome"),
        ("jumper's knee", "patellar_tendinopathy"),
        ("housemaid's knee", "prepatellar_bursitis"),
        ("baker's cyst", "bakers_cyst"),
        ("stress fracture", "bone_stress_injury"),
        ("Osgood-Schlatter disease", "osgood_schlatter"),
        ("plica syndrome", "plica_syndrome"),
        ("meniscus-tear", "meniscus_tear"),
    ],
)
def test_find_by_id_name_or_alias(catalogue, query: str, expected: str) -> None:
    """Ids, names and common names all find their condition."""
    assert find_condition(catalogue, query).id == expected


@pytest.mark.parametrize(
    ("query", "suggested"),
    [
        ("patelofemoral", "patellofemoral_pain"),
        ("illiotibial band syndrom", "iliotibial_band_syndrome"),
        ("menicus tear", "meniscus_tear"),
    ],
)
def test_near_miss_suggests(catalogue, query: str, suggested: str) -> None:
    """A near miss is an error that names the closest ids."""
    with pytest.raises(UsageError) as info:
        find_condition(catalogue, query)
    assert f"unknown condition '{query}'" in info.value.message
    assert suggested in info.value.message
    assert info.value.exit_code == ExitCode.USAGE


def test_far_miss_points_to_the_list(catalogue) -> None:
    """Nothing close: the error says where the list is."""
    with pytest.raises(UsageError, match="kneecheck conditions"):
        find_condition(catalogue, "sore elbow")


def test_every_condition_has_a_complete_page(catalogue) -> None:
    """Every contract condition has a page with every section filled and sourced."""
    for cid in CONTRACT_CONDITIONS:
        page = condition_page(catalogue, catalogue.condition(cid)).to_dict()
        for key in (
            "summary",
            "description",
            "who",
            "typical_signs",
            "look_alikes",
            "what_helps",
            "self_care",
            "see_someone",
            "recovery",
            "sources",
        ):
            assert page[key], (cid, key)
        assert all(t["sources"] for t in page["what_helps"]), cid
        assert page["exercises"] or page["clinician_first"], cid
        assert all(e["sources"] and e["how"] for e in page["exercises"]), cid


def test_rows(catalogue) -> None:
    """The list has one row per condition, in catalogue order."""
    rows = condition_rows(catalogue)
    assert [r["id"] for r in rows] == [c.id for c in catalogue.conditions]
    assert set(rows[0]) == {"id", "name", "area", "how_common"}
