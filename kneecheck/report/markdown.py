"""The report as Markdown: one string, every user-typed value escaped."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .sections import (
    _NO_SPIKES,
    _SPIKE_INTRO,
    NO_ASSESSMENT,
    NO_RUNS,
    NOT_RECORDED,
    PRIVACY,
    UNIT_WORDS,
    Table,
    _answer_table,
    _chance,
    _daily_table,
    _entries,
    _history,
    _notes,
    _period,
    _red_flag_table,
    _shoe_table,
    _spike_table,
    _strings,
    _top_conditions,
    _trend_sentence,
    _units,
    _verdict_words,
    _weekly_table,
    _when,
    md_escape,
)

# ---------------------------------------------------------------------------
# Markdown


def _md_table(table: Table) -> list[str]:
    lines = ["| " + " | ".join(md_escape(h) for h in table.headers) + " |"]
    lines.append("|" + "|".join(" --- " for _ in table.headers) + "|")
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in table.rows]
    return [*lines, ""]


def _md_bullets(items: Iterable[str]) -> list[str]:
    return [f"- {md_escape(item)}" for item in items]


def to_markdown(data: dict[str, Any]) -> str:
    """The report as Markdown: same sections and order as the HTML page."""
    units = _units(data)
    disclaimer = md_escape(data.get("disclaimer") or "")
    out: list[str] = [
        "# kneecheck report",
        "",
        f"Generated {md_escape(_when(data.get('generated')))} by kneecheck "
        f"{md_escape(data.get('kneecheck_version') or NOT_RECORDED)}. "
        f"Distances are in {UNIT_WORDS[units]}.",
        "",
        f"> **Please read:** {disclaimer}",
        "",
    ]
    out += _md_assessment(data)
    out += _md_history(data, units)
    out += _md_verdict(data, units)
    out += ["## Shoes", ""]
    shoes = _shoe_table(data, units)
    out += _md_table(shoes) if shoes.rows else ["No shoes recorded.", ""]
    out += ["## Notes", ""]
    notes = _notes(data)
    out += _md_bullets(f"{d}: {n}" for d, n in notes) if notes else ["No notes."]
    out += ["", "---", "", disclaimer, "", PRIVACY, ""]
    return "\n".join(out)


def _md_assessment(data: dict[str, Any]) -> list[str]:
    out = ["## Latest assessment", ""]
    assessment = data.get("assessment")
    if not isinstance(assessment, dict):
        return [*out, md_escape(NO_ASSESSMENT), ""]
    out += [
        f"Assessment taken on {md_escape(_when(assessment.get('created_at')))}.",
        "",
    ]

    triage = assessment.get("triage") or {}
    out += ["### Urgency", ""]
    title = md_escape(triage.get("title") or NOT_RECORDED)
    out += [f"**{title}.** {md_escape(triage.get('action') or '')}", ""]
    reasons = [
        str(r.get("message"))
        for r in triage.get("reasons") or []
        if isinstance(r, dict)
    ]
    if reasons:
        out += ["Why:", "", *_md_bullets(reasons), ""]

    out += ["### Warning signs screened", ""]
    out += _md_table(_red_flag_table(data, assessment))
    out += ["### Answers given", ""]
    out += _md_table(_answer_table(assessment))

    out += ["### Possible causes", ""]
    conditions = _top_conditions(assessment)
    if not conditions:
        out += ["No causes were ranked.", ""]
    for rank, c in enumerate(conditions, start=1):
        out.append(
            f"{rank}. **{md_escape(c.get('name') or c.get('id'))}**: "
            f"{md_escape(c.get('band') or NOT_RECORDED)}, {_chance(c)}"
        )
        for label, key in (("Points for", "for"), ("Points against", "against")):
            points = "; ".join(_strings(c.get(key))) or "none"
            out.append(f"   - {label}: {md_escape(points)}")
    if conditions:
        out.append("")

    guidance = assessment.get("run_guidance") or {}
    out += ["### Running advice", ""]
    verdict = md_escape(_verdict_words(data, guidance.get("verdict")))
    out += [f"**{verdict}:** {md_escape(guidance.get('title') or '')}", ""]
    if guidance.get("reasons"):
        out += [*_md_bullets(_strings(guidance.get("reasons"))), ""]
    if guidance.get("advice"):
        out += [md_escape(guidance["advice"]), ""]
    return out


def _md_history(data: dict[str, Any], units: str) -> list[str]:
    out = ["## Pain and distance over time", ""]
    if not _entries(data):
        return [*out, NO_RUNS, ""]
    daily, intro = _daily_table(data, units)
    out += [md_escape(_period(data)), "", "### Day by day", "", intro, ""]
    out += _md_table(daily)
    weekly = _weekly_table(data, units)
    out += ["### Week by week", ""]
    out += _md_table(weekly) if weekly.rows else ["No complete weeks yet.", ""]
    return out


def _md_verdict(data: dict[str, Any], units: str) -> list[str]:
    history = _history(data)
    verdict = history.get("verdict") or {}
    out = ["## Pain-monitoring verdict", ""]
    if verdict.get("verdict"):
        out += [f"**{md_escape(_verdict_words(data, verdict.get('verdict')))}.**", ""]
        if verdict.get("reasons"):
            out += [*_md_bullets(_strings(verdict.get("reasons"))), ""]
    else:
        out += ["No verdict yet: it needs some logged runs.", ""]
    out += [_trend_sentence(history.get("trend")), ""]
    out += ["### Jumps in distance", ""]
    spikes = _spike_table(data, units)
    out += [_SPIKE_INTRO, "", *_md_table(spikes)] if spikes.rows else [_NO_SPIKES, ""]
    return out
