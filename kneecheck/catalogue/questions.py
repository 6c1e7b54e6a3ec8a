"""The questions: answer keys, types, choices, ranges, skip rules, pictures."""

from __future__ import annotations

from typing import Any

from .models import (
    DIARY_TEXTS,
    Choice,
    Question,
)
from .reader import Entry, Loader
from .types import QUESTION_TYPES


def load_questions(
    loader: Loader, file: str, triage: dict[str, Any]
) -> tuple[tuple[Question, ...], dict[str, tuple[str, ...]], str, dict[str, str]]:
    """The questions, the pictures, the don't-know label and the diary's questions."""
    data = loader.read(file)
    top = Entry(loader, file, "file", data)
    pictures = {
        k: tuple(v)
        for k, v in (top.get("pictures", dict, {}) or {}).items()
        if isinstance(v, list)
    }
    dont_know = top.text("dont_know_label")
    diary = Entry(loader, file, "diary", top.get("diary", dict, {}))
    diary_texts = {k: diary.text(k) for k in DIARY_TEXTS}
    flags = [f for f in triage.get("red_flags", []) if isinstance(f, dict)]
    pending: list[tuple[Entry, Question, object]] = []
    for entry, qid in loader.entries(file, top.objects("questions"), "question"):
        qtype = entry.text("type")
        if qtype not in QUESTION_TYPES:
            entry.problem(f"unknown type '{qtype}'")
        raw_choices = entry.raw.get("choices", [])
        if raw_choices == "red_flags":  # the red-flag list lives in triage.json
            raw_choices = [
                {"value": f.get("id"), "label": f.get("label")} for f in flags
            ]
        choices = []
        for c in raw_choices if isinstance(raw_choices, list) else []:
            ce = Entry(loader, file, f"question '{qid}' choice", c)
            choices.append(
                Choice(
                    ce.text("value"),
                    ce.text("label"),
                    ce.text("mark", optional=True),
                )
            )
        kind = QUESTION_TYPES.get(qtype)
        numeric = kind is not None and kind.numeric
        if kind is not None and kind.choices and not choices:
            entry.problem("a choice question needs choices")
        lo = entry.get(
            "min",
            (int, float),
            None if numeric else 0,
        )
        hi = entry.get(
            "max",
            (int, float),
            None if numeric else 0,
        )
        picture = entry.text("picture", optional=True)
        if picture and picture not in pictures:
            entry.problem(f"unknown picture '{picture}'")
        presets = []
        for raw in entry.objects("presets", optional=True):
            pe = Entry(loader, file, f"question '{qid}' preset", raw)
            value = pe.number("value")
            if qtype != "number" or not (
                isinstance(lo, (int, float))
                and isinstance(hi, (int, float))
                and lo <= value <= hi
            ):
                pe.problem("a preset needs a number question and a value in range")
            presets.append((value, pe.text("label")))
        none_label = entry.text("none_label", optional=True)
        if none_label and not (kind and kind.many):
            entry.problem("'none_label' only fits a tick list (multi)")
        q = Question(
            id=qid,
            section=entry.text("section"),
            type=qtype,
            text=entry.text("text"),
            short=entry.text("short"),
            help=entry.text("help", optional=True),
            choices=tuple(choices),
            min=lo if numeric else None,
            max=hi if numeric else None,
            unit=entry.text("unit", optional=True),
            skip_if=(),
            picture=picture,
            presets=tuple(presets),
            none_label=none_label,
        )
        loader.question_index[qid] = q
        pending.append((entry, q, entry.raw.get("skip_if")))
    out = []
    for entry, q, skip in pending:  # skip rules may name later questions
        if skip is not None:
            q = Question(
                **{
                    **q._asdict(),
                    "skip_if": loader.predicates(entry, skip, "skip_if"),
                }
            )
            loader.question_index[q.id] = q
        out.append(q)
    return tuple(out), pictures, dont_know, diary_texts
