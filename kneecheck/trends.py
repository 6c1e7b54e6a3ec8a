"""What the diary says over time: weeks, spikes, the pain-monitoring verdict.

Pure functions of the entries and today's date, so every rule can be tested
without a database. Distances are km throughout; conversion is for display.
"""

from collections import defaultdict, deque
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from .catalogue import Advice
from .diary import Entry, Shoe
from .namedtuples import NamedTuple
from .output import document

SPIKE_RATIO = 1.10  # a run over 110 % of the longest of the 30 days before
SPIKE_WINDOW_DAYS = 30
# Up to this many entries a chart shows each day; beyond, one bar a week
# (six weeks of daily entries: enough to see a pattern, short enough to read).
DAY_BY_DAY_LIMIT = 42
TREND_STEP = 1.0  # mean pain moving by a whole point week on week is a trend


def _runs(entries: Sequence[Entry]) -> list[Entry]:
    return [e for e in entries if e.kind == "run" and e.distance_km]


def mean(values: Sequence[float]) -> float:
    # statistics.mean would cost more to import than this whole module
    """The mean, 0 for no values."""
    return sum(values) / len(values)


def week_start(day: date) -> date:
    """The Monday of a day's week."""
    return day - timedelta(days=day.weekday())  # Monday


def weeks(entries: Sequence[Entry], first: date, last: date) -> list[dict[str, Any]]:
    """Every week (Monday start) from `first` to `last`, empty weeks included."""
    distance: dict[date, float] = defaultdict(float)
    count: dict[date, int] = defaultdict(int)
    pains: dict[date, list[int]] = defaultdict(list)
    for e in _runs(entries):
        w = week_start(e.date)
        distance[w] += e.distance_km or 0
        count[w] += 1
        if e.pain_during is not None:
            pains[w].append(e.pain_during)
    out = []
    w = week_start(first)
    while w <= last:
        before = distance.get(w - timedelta(days=7), 0.0)
        now = distance.get(w, 0.0)
        out.append(
            {
                "week_start": w.isoformat(),
                "distance_km": round(now, 3),
                "runs": count.get(w, 0),
                "change_pct": round((now / before - 1) * 100, 1) if before else None,
                "max_pain_during": max(pains[w]) if pains.get(w) else None,
                "mean_pain_during": round(mean(pains[w]), 1) if pains.get(w) else None,
            }
        )
        w += timedelta(days=7)
    return out


def spikes(entries: Sequence[Entry], since: date | None = None) -> list[dict[str, Any]]:
    """Runs longer than 110 % of the longest run of the 30 days before them.

    Frandsen 2025: this single-session spike, not the weekly ratio, carried the
    injury risk. A run with no run in the 30 days before has nothing to compare.
    A sliding-window maximum over the days keeps ten years of diary fast.
    """
    longest_on: dict[date, float] = {}
    for e in _runs(entries):
        longest_on[e.date] = max(longest_on.get(e.date, 0.0), e.distance_km or 0)
    days = sorted(longest_on)
    before: dict[date, float] = {}  # longest in the 30 days before each run day
    window: deque[date] = deque()  # candidate days, longest first
    for i, day in enumerate(days):
        if i:
            previous = days[i - 1]
            while window and longest_on[window[-1]] <= longest_on[previous]:
                window.pop()
            window.append(previous)
        while window and window[0] < day - timedelta(days=SPIKE_WINDOW_DAYS):
            window.popleft()
        before[day] = longest_on[window[0]] if window else 0.0
    out = []
    for e in _runs(entries):
        if since is not None and e.date < since:
            continue
        previous_km = before[e.date]
        if previous_km and (e.distance_km or 0) > SPIKE_RATIO * previous_km:
            over = ((e.distance_km or 0) / previous_km - 1) * 100
            out.append(
                {
                    "date": e.date.isoformat(),
                    "distance_km": e.distance_km,
                    "previous_longest_km": previous_km,
                    "over_pct": round(over, 1),
                }
            )
    return out


def pain_trend(
    entries: Sequence[Entry], today: date, advice: Advice
) -> tuple[str | None, str]:
    """Mean pain during runs this week against last week: better, same or worse."""
    msg = advice.history
    runs = _runs(entries)
    week = timedelta(days=7)
    this = [
        e.pain_during
        for e in runs
        if today - week < e.date <= today and e.pain_during is not None
    ]
    last = [
        e.pain_during
        for e in runs
        if today - 2 * week < e.date <= today - week and e.pain_during is not None
    ]
    if not this or not last:
        return None, ""
    a, b = mean(last), mean(this)
    text = str(msg.trend_text).format(last=a, this=b)
    if b - a >= TREND_STEP:
        return "worse", text
    if a - b >= TREND_STEP:
        return "better", text
    return "same", text


def verdict(entries: Sequence[Entry], today: date, advice: Advice) -> dict[str, Any]:
    """The pain-monitoring rule applied to the logged runs, in contract terms;
    the verdict is None when no run in the last two weeks gives it anything to
    judge.

    The sentences and the pain limits come from the catalogue's advice.
    """
    msg = advice.history
    runs = [e for e in _runs(entries) if e.date <= today]
    recent = [e for e in runs if e.date > today - timedelta(days=14)]
    if not recent:  # nothing to judge: no verdict, never a reassuring "continue"
        return {"verdict": None, "reasons": [msg.no_recent_runs]}
    latest = recent[-1]
    day = latest.date.isoformat()
    if (
        latest.pain_during is not None
        and latest.pain_during >= advice.run_rules.pain_limit
    ):
        return {
            "verdict": "stop",
            "reasons": [msg.pain_high.format(pain=latest.pain_during, day=day)],
        }
    reasons: list[str] = []
    checked = [e for e in recent if e.next_morning is not None]
    if len(checked) >= 2 and all(not e.settled for e in checked[-2:]):
        reasons.append(
            msg.morning_twice.format(
                first=checked[-2].date.isoformat(), second=checked[-1].date.isoformat()
            )
        )
    elif latest.settled is False:
        reasons.append(msg.not_settled.format(day=day))
    if (
        latest.pain_after is not None
        and latest.pain_after > advice.run_rules.pain_after_limit
    ):
        reasons.append(msg.pain_after_high.format(day=day, pain=latest.pain_after))
    trend, text = pain_trend(entries, today, advice)
    if trend == "worse":
        reasons.append(msg.worse.format(trend=text))
    if latest.pain_during is None:
        reasons.append(msg.no_pain_score.format(day=day))
    if latest.next_morning is None and latest.date < today:
        reasons.append(msg.no_morning_check.format(day=day))
    if reasons:
        return {"verdict": "reduce", "reasons": reasons}
    week = [e for e in runs if e.date > today - timedelta(days=7)]
    if not week:
        text = msg.keep_going
    elif len(week) == 1 and week[0].next_morning is not None:
        text = msg.keep_going_one_run  # never "all 1 runs"
    elif any(e.next_morning is not None for e in week):
        text = msg.keep_going_week.format(runs=len(week))
    else:  # "settled every morning checked" would claim a check never made
        text = msg.keep_going_unchecked
    return {"verdict": "continue", "reasons": [text]}


def shoe_rows(shoes: Sequence[Shoe], advice: Advice) -> list[dict[str, Any]]:
    """Shoes with their distance, and the honest warning past the usual range."""
    msg = advice.history
    limit = float(msg.shoe_warning_km)
    return [
        {
            "name": s.name,
            "distance_km": s.distance_km,
            "start_km": s.start_km,
            "retired": s.retired,
            "default": s.default,
            "warning": msg.shoe_warning.format(km=limit)
            if not s.retired and s.distance_km >= limit
            else None,
        }
        for s in shoes
    ]


class History(NamedTuple):
    """The diary over the last weeks, as `history --json` prints it."""

    units: str
    from_: str  # ISO date of the first day shown ("from" in the document)
    to: str
    entries: list[dict[str, Any]]
    day_by_day: bool  # few enough entries to draw each day
    weeks: list[dict[str, Any]]
    spikes: list[dict[str, Any]]
    verdict: dict[str, Any]
    trend: str | None
    shoes: list[dict[str, Any]]
    assessments: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """The `history --json` document."""
        doc = document("history", self)
        return {("from" if k == "from_" else k): v for k, v in doc.items()}


def history(
    entries: Sequence[Entry],
    shoes: Sequence[Shoe],
    assessments: Sequence[Any],
    today: date,
    n_weeks: int,
    units: str,
    advice: Advice,
) -> History:
    """The `history --json` object: the last `n_weeks` weeks and the verdict."""
    first = week_start(today) - timedelta(days=7 * (n_weeks - 1))
    shown = [e for e in entries if first <= e.date <= today]
    trend, _ = pain_trend(entries, today, advice)
    return History(
        units=units,
        from_=first.isoformat(),
        to=today.isoformat(),
        entries=[e.to_dict() for e in shown],
        day_by_day=len(shown) <= DAY_BY_DAY_LIMIT,
        weeks=weeks(entries, first, today),
        spikes=spikes(entries, since=first),
        verdict=verdict(entries, today, advice),
        trend=trend,
        shoes=shoe_rows(shoes, advice),
        assessments=[
            {
                "id": a["id"],
                "created_at": a["created_at"],
                "triage_level": a["result"]["triage"]["level"],
                "top_condition": (a["result"]["conditions"] or [{}])[0].get("id"),
                "top_condition_name": (a["result"]["conditions"] or [{}])[0].get(
                    "name"
                ),
                "verdict": a["result"]["run_guidance"]["verdict"],
            }
            for a in assessments
            if a["created_at"][:10] >= first.isoformat()
        ],
    )


def diary_answers(
    entries: Sequence[Entry], shoes: Sequence[Shoe], today: date, advice: Advice
) -> dict[str, Any]:
    """Answers `assess` can take from the diary: load, spikes, shoes, pain trend.

    Only when something was logged in the last four weeks; old diaries say
    nothing about the knee today.
    """
    if not any(e.date > today - timedelta(days=28) for e in entries):
        return {}
    runs = [e for e in _runs(entries) if e.date <= today]

    def total(lo: int, hi: int) -> float:  # days ago, inclusive lo, exclusive hi
        return sum(
            e.distance_km or 0
            for e in runs
            if today - timedelta(days=hi) < e.date <= today - timedelta(days=lo)
        )

    out: dict[str, Any] = {"weekly_km": round(total(0, 7), 1)}
    before = total(7, 28) / 3
    if before > 0:
        out["weekly_km_change_pct"] = round(
            min(max((out["weekly_km"] / before - 1) * 100, -100), 1000), 1
        )
    week = [e for e in runs if e.date > today - timedelta(days=7)]
    if week:
        longest = max(week, key=lambda e: (e.distance_km or 0, e.date))
        previous = max(
            (
                e.distance_km or 0
                for e in runs
                if longest.date - timedelta(days=SPIKE_WINDOW_DAYS)
                <= e.date
                < longest.date
            ),
            default=0.0,
        )
        if previous:
            change = ((longest.distance_km or 0) / previous - 1) * 100
            out["longest_run_change_pct"] = round(min(max(change, -100), 1000), 1)
    shoe = next((s for s in shoes if s.default), None)
    if shoe is None and runs and runs[-1].shoes:
        shoe = next((s for s in shoes if s.name == runs[-1].shoes), None)
    if shoe is not None:
        out["shoe_km"] = round(shoe.distance_km, 1)  # a wild one is left out later
    trend, _ = pain_trend(entries, today, advice)
    if trend is not None:
        out["trend"] = trend
    return out
