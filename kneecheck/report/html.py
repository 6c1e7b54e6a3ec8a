"""The report as one self-contained HTML page (inline CSS and SVG, no scripts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .chart import (
    _CSS,
    _chart,
)
from .sections import (
    _NO_SPIKES,
    _SPIKE_INTRO,
    LEVEL_CLASSES,
    NO_RUNS,
    NOT_RECORDED,
    PRIVACY,
    UNIT_WORDS,
    VERDICT_CLASSES,
    Table,
    _answer_table,
    _chance,
    _daily_table,
    _e,
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
)

# ---------------------------------------------------------------------------
# HTML


def _html_table(table: Table, caption: str = "", cls: str = "") -> str:
    parts = [f'<table class="{cls}">' if cls else "<table>"]
    if caption:
        parts.append(f"<caption>{_e(caption)}</caption>")
    parts.append(
        "<thead><tr>"
        + "".join(f'<th scope="col">{_e(h)}</th>' for h in table.headers)
        + "</tr></thead><tbody>"
    )
    for row in table.rows:
        cells = [
            f'<td class="num">{_e(c)}</td>'
            if i in table.numeric
            else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        ]
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def _html_list(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def to_html(data: dict[str, Any]) -> str:
    """The report as one self-contained HTML page: inline CSS and SVG, no
    scripts, no external addresses, readable on screen and on paper."""
    units = _units(data)
    disclaimer = _e(data.get("disclaimer") or "")
    generated = _when(data.get("generated"))
    body = [
        "<header>",
        "<h1>kneecheck report</h1>",
        f'<p class="meta">Generated {_e(generated)} by kneecheck '
        f"{_e(data.get('kneecheck_version') or NOT_RECORDED)}. "
        f"Distances are in {UNIT_WORDS[units]}.</p>",
        f'<p class="disclaimer"><strong>Please read:</strong> {disclaimer}</p>',
        "</header>",
        "<main>",
        _html_assessment(data),
        _html_history(data, units),
        _html_verdict(data, units),
        _html_shoes(data, units),
        _html_notes(data),
        "</main>",
        "<footer>",
        f"<p>{disclaimer}</p>",
        f"<p><strong>{_e(PRIVACY)}</strong></p>",
        "</footer>",
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>kneecheck report, {_e(generated)}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n"
        '<body>\n<div class="page">\n'
        + "\n".join(body)
        + "\n</div>\n</body>\n</html>\n"
    )


def _html_assessment(data: dict[str, Any]) -> str:
    out = ['<section id="assessment">', "<h2>Latest assessment</h2>"]
    assessment = data.get("assessment")
    if not isinstance(assessment, dict):
        # Show the command as code, as in the Markdown.
        return "\n".join(
            [
                *out,
                "<p>No assessment recorded yet. Run <code>kneecheck assess</code>.</p>",
                "</section>",
            ]
        )
    out.append(f"<p>Assessment taken on {_e(_when(assessment.get('created_at')))}.</p>")

    triage = assessment.get("triage") or {}
    level = str(triage.get("level"))
    cls = f"badge level-{level}" if level in LEVEL_CLASSES else "badge"
    out += [
        "<h3>Urgency</h3>",
        f'<p><span class="{cls}">{_e(triage.get("title") or NOT_RECORDED)}</span> '
        f"{_e(triage.get('action') or '')}</p>",
    ]
    reasons = [
        str(r.get("message"))
        for r in triage.get("reasons") or []
        if isinstance(r, dict)
    ]
    if reasons:
        out += ["<p>Why:</p>", _html_list(reasons)]

    out += [
        "<h3>Warning signs screened</h3>",
        _html_table(_red_flag_table(data, assessment), cls="flags"),
    ]
    out += [
        "<h3>Answers given</h3>",
        _html_table(_answer_table(assessment), cls="answers"),
    ]

    out.append("<h3>Possible causes</h3>")
    conditions = _top_conditions(assessment)
    if conditions:
        rows = []
        for rank, c in enumerate(conditions, start=1):
            rows.append(
                "<tr>"
                f'<td class="num">{rank}</td>'
                f"<td><strong>{_e(c.get('name') or c.get('id'))}</strong></td>"
                f"<td>{_e(c.get('band') or NOT_RECORDED)}</td>"
                f'<td class="num">{_chance(c)}</td>'
                f"<td>{_cell_list(_strings(c.get('for')))}</td>"
                f"<td>{_cell_list(_strings(c.get('against')))}</td>"
                "</tr>"
            )
        heads = ["Rank", "Condition", "Band", "Chance", "Points for", "Points against"]
        out.append(
            '<table class="causes wide"><thead><tr>'
            + "".join(f'<th scope="col">{h}</th>' for h in heads)
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
    else:
        out.append("<p>No causes were ranked.</p>")

    guidance = assessment.get("run_guidance") or {}
    verdict = str(guidance.get("verdict"))
    vcls = f"badge verdict-{verdict}" if verdict in VERDICT_CLASSES else "badge"
    out += [
        "<h3>Running advice</h3>",
        f'<p><span class="{vcls}">{_e(_verdict_words(data, verdict))}</span> '
        f"{_e(guidance.get('title') or '')}</p>",
    ]
    if guidance.get("reasons"):
        out.append(_html_list(_strings(guidance.get("reasons"))))
    if guidance.get("advice"):
        out.append(f"<p>{_e(guidance['advice'])}</p>")
    out.append("</section>")
    return "\n".join(out)


def _cell_list(items: list[str]) -> str:
    return _html_list(items) if items else "none"


def _html_history(data: dict[str, Any], units: str) -> str:
    out = ['<section id="history">', "<h2>Pain and distance over time</h2>"]
    if not _entries(data):
        return "\n".join([*out, f"<p>{_e(NO_RUNS)}</p>", "</section>"])
    daily, intro = _daily_table(data, units)
    weekly = _weekly_table(data, units)
    out += [
        f"<p>{_e(_period(data))}</p>",
        f'<figure class="chart">{_chart(data, units)}</figure>',
        "<h3>Day by day</h3>",
        f"<p>{_e(intro)}</p>",
        _html_table(daily, cls="daily wide"),
        "<h3>Week by week</h3>",
        _html_table(weekly) if weekly.rows else "<p>No complete weeks yet.</p>",
        "</section>",
    ]
    return "\n".join(out)


def _html_verdict(data: dict[str, Any], units: str) -> str:
    history = _history(data)
    verdict = history.get("verdict") or {}
    out = ['<section id="verdict">', "<h2>Pain-monitoring verdict</h2>"]
    word = str(verdict.get("verdict") or "")
    if word:
        cls = f"badge verdict-{word}" if word in VERDICT_CLASSES else "badge"
        out.append(
            f'<p><span class="{cls}">{_e(_verdict_words(data, word))}</span></p>'
        )
        if verdict.get("reasons"):
            out.append(_html_list(_strings(verdict.get("reasons"))))
    else:
        out.append("<p>No verdict yet: it needs some logged runs.</p>")
    out.append(f"<p>{_e(_trend_sentence(history.get('trend')))}</p>")
    out.append("<h3>Jumps in distance</h3>")
    spikes = _spike_table(data, units)
    if spikes.rows:
        out += [f"<p>{_e(_SPIKE_INTRO)}</p>", _html_table(spikes)]
    else:
        out.append(f"<p>{_e(_NO_SPIKES)}</p>")
    out.append("</section>")
    return "\n".join(out)


def _html_shoes(data: dict[str, Any], units: str) -> str:
    shoes = _shoe_table(data, units)
    content = _html_table(shoes) if shoes.rows else "<p>No shoes recorded.</p>"
    return f'<section id="shoes">\n<h2>Shoes</h2>\n{content}\n</section>'


def _html_notes(data: dict[str, Any]) -> str:
    notes = _notes(data)
    if notes:
        items = "".join(f"<dt>{_e(d)}</dt><dd>{_e(n)}</dd>" for d, n in notes)
        content = f'<dl class="notes">{items}</dl>'
    else:
        content = "<p>No notes.</p>"
    return f'<section id="notes">\n<h2>Notes</h2>\n{content}\n</section>'
