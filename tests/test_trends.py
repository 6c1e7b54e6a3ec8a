"""The diary over time: weeks, spikes, the verdict and what assess takes from it."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kneecheck.catalogue import load_catalogue
from kneecheck.diary import Entry, Shoe
from kneecheck.trends import (
    diary_answers,
    history,
    pain_trend,
    spikes,
    verdict,
    weeks,
)

MSG = load_catalogue().advice
TODAY = date(2026, 11, 25)  # a Wednesday


def run(
    days_ago: int,
    km: float,
    during: int | None = 2,
    after: int | None = 1,
    morning: int | None = 0,
    shoes: str | None = None,
    n: int = 0,
) -> Entry:
    return Entry(
        n or days_ago,
        TODAY - timedelta(days=days_ago),
        "run",
        km,
        None,
        shoes,
        during,
        after,
        morning,
        None,
        "manual",
    )


def test_weeks_are_monday_based_with_empty_weeks_and_change() -> None:
    """Weeks start on Monday, empty weeks show, change is against the week before."""
    entries = [run(9, 10), run(8, 10), run(2, 30)]
    got = weeks(entries, TODAY - timedelta(days=14), TODAY)
    assert [w["week_start"] for w in got] == ["2026-11-09", "2026-11-16", "2026-11-23"]
    assert [w["distance_km"] for w in got] == [0, 20, 30]
    assert got[1]["change_pct"] is None  # nothing the week before
    assert got[2]["change_pct"] == 50.0


def test_spike_is_over_110_percent_of_the_30_days_before() -> None:
    """A run over 110 % of the longest of the 30 days before is a spike."""
    entries = [run(20, 10), run(10, 11), run(5, 11.1), run(1, 12.3)]
    got = spikes(entries)
    assert [s["date"] for s in got] == ["2026-11-24"]  # 12.3 > 1.1 x 11.1
    assert got[0]["previous_longest_km"] == 11.1
    # 11 and 11.1 are within 110 % of 10 and 11: not spikes


def test_no_spike_without_a_run_in_the_30_days_before() -> None:
    """A first run, or one after a month off, has nothing to compare with."""
    assert spikes([run(60, 5), run(1, 20)]) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.floats(0.5, 50)), max_size=30))
def test_spikes_match_the_definition(raw) -> None:
    """Every reported spike, and only those, exceeds 110 % of the 30 days before."""
    entries = [run(d, round(km, 2), n=i + 1) for i, (d, km) in enumerate(raw)]
    found = {(s["date"], s["distance_km"]) for s in spikes(entries)}
    for e in entries:
        before = [o.distance_km for o in entries if 1 <= (e.date - o.date).days <= 30]
        expect = bool(before) and e.distance_km > 1.1 * max(before)
        assert ((e.date.isoformat(), e.distance_km) in found) == expect


def test_verdict_continue() -> None:
    """Under 5/10 and settled every morning: keep going."""
    v = verdict([run(5, 8), run(3, 8), run(1, 8)], TODAY, MSG)
    assert v["verdict"] == "continue"
    assert "3 runs" in v["reasons"][0]


def test_verdict_continue_without_a_morning_checked() -> None:
    """One run today, its morning not come yet: keep going, without saying
    it settled every morning checked (none was); with one checked, it does."""
    v = verdict([run(0, 8, morning=None)], TODAY, MSG)
    assert v["verdict"] == "continue"
    assert "settled" not in v["reasons"][0] and "1 runs" not in v["reasons"][0]
    assert "no morning checked yet" in v["reasons"][0]
    v = verdict([run(1, 8), run(0, 8, morning=None)], TODAY, MSG)
    assert "settled every morning checked" in v["reasons"][0]


def test_verdict_continue_on_one_run_says_so_in_words() -> None:
    """One checked run this week reads "the one run", never "all 1 runs"."""
    v = verdict([run(1, 8)], TODAY, MSG)
    assert v["verdict"] == "continue"
    assert "on the one run this week" in v["reasons"][0]
    assert "1 runs" not in v["reasons"][0]


def test_verdict_stop_on_high_pain() -> None:
    """Pain of 5/10 or more on the latest run: stop."""
    v = verdict([run(3, 8), run(1, 8, during=5)], TODAY, MSG)
    assert v["verdict"] == "stop"
    assert "5/10" in v["reasons"][0]


def test_verdict_reduce_on_two_mornings_running() -> None:
    """Next-morning pain after the last two checked runs: reduce."""
    v = verdict([run(5, 8), run(3, 8, morning=2), run(1, 8, morning=1)], TODAY, MSG)
    assert v["verdict"] == "reduce"
    assert "last two checked runs" in v["reasons"][0]


def test_verdict_reduce_when_pain_creeps_up() -> None:
    """Mean pain a point or more higher than last week: reduce, trend worse."""
    entries = [
        run(10, 8, during=1),
        run(9, 8, during=1),
        run(2, 8, during=3),
        run(1, 8, during=3),
    ]
    assert pain_trend(entries, TODAY, MSG)[0] == "worse"
    assert verdict(entries, TODAY, MSG)["verdict"] == "reduce"


def test_verdict_reduce_when_checks_are_missing() -> None:
    """No morning check on yesterday's run: the cautious side is reduce."""
    v = verdict([run(1, 8, morning=None)], TODAY, MSG)
    assert v["verdict"] == "reduce"
    assert "--morning" in v["reasons"][0]
    # a run today cannot have its morning check yet
    assert verdict([run(0, 8, morning=None)], TODAY, MSG)["verdict"] == "continue"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 20),
            st.integers(0, 10),
            st.one_of(st.none(), st.integers(0, 10)),
        ),
        max_size=15,
    )
)
def test_verdict_properties(raw) -> None:
    """Latest pain 5+ always stops; continue never follows an unsettled last run."""
    entries = sorted(
        (run(d, 5, during=p, morning=m, n=i + 1) for i, (d, p, m) in enumerate(raw)),
        key=lambda e: (e.date, e.id),
    )
    v = verdict(entries, TODAY, MSG)["verdict"]
    recent = [e for e in entries if (TODAY - e.date).days < 14]
    if recent and recent[-1].pain_during >= 5:
        assert v == "stop"
    if v == "continue" and recent:
        assert recent[-1].pain_during < 5
        assert recent[-1].next_morning in (0, None)


def test_history_document_shape() -> None:
    """history --json holds entries, weeks, spikes, verdict, shoes, assessments."""
    shoes = [Shoe(1, "Blue", 450.0, False, True, 100.0)]
    doc = history(
        [run(3, 10), run(1, 12, shoes="Blue")], shoes, [], TODAY, 4, "km", MSG
    ).to_dict()
    assert set(doc) >= {
        "entries",
        "weeks",
        "spikes",
        "verdict",
        "shoes",
        "assessments",
        "units",
        "from",
        "to",
    }
    assert set(doc["entries"][0]) >= {
        "date",
        "distance_km",
        "pain_during",
        "pain_after",
        "next_morning",
        "shoes",
        "source",
    }
    assert len(doc["weeks"]) == 4
    assert doc["shoes"][0]["distance_km"] == 550.0
    assert "machine tests" in doc["shoes"][0]["warning"]


def test_diary_answers() -> None:
    """assess takes weekly distance, its change, the long-run spike and shoes."""
    shoes = [Shoe(1, "Blue", 0.0, False, True, 300.0)]
    entries = [run(20, 10), run(15, 10), run(10, 10), run(3, 10), run(1, 20)]
    got = diary_answers(entries, shoes, TODAY, MSG)
    assert got["weekly_km"] == 30.0
    assert got["weekly_km_change_pct"] == round((30 / (30 / 3) - 1) * 100, 1)
    assert got["longest_run_change_pct"] == 100.0  # 20 against 10
    assert got["shoe_km"] == 300.0


def test_old_diary_says_nothing() -> None:
    """Nothing logged in four weeks: nothing is filled in."""
    assert diary_answers([run(40, 10)], [], TODAY, MSG) == {}
