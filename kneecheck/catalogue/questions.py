"""The questions: answer keys, types, choices, ranges, skip rules, pictures."""

from __future__ import annotations

from typing import Any

from .content import texts_of
from .models import (
    DIARY_TEXTS,
    Choice,
    Interview,
    InterviewTexts,
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


def load_interview(
    loader: Loader, file: str, questions: tuple[Question, ...]
) -> Interview:
    """The adaptive interview's settings: known basics, sensible limits, texts."""
    top = Entry(loader, file, "file", loader.read(file))
    entry = Entry(loader, file, "interview", top.get("interview", dict, {}))
    ids = [q.id for q in questions]
    basics = entry.texts("basics")
    for key in basics:
        if key not in ids:
            entry.problem(f"'basics' names unknown question '{key}'")
    most = entry.number("max_questions")
    if not (len(basics) <= most <= len(ids)) or most != int(most):
        entry.problem(
            f"'max_questions' must be a whole number from the number of basics "
            f"({len(basics)}) to the number of questions ({len(ids)})"
        )
    settled = entry.number("settled")
    if not 0 < settled <= 1:
        entry.problem("'settled' must be a probability above 0, at most 1")
    gain = entry.number("min_gain_bits")
    if gain < 0:
        entry.problem("'min_gain_bits' must not be negative")
    texts = Entry(loader, file, "interview texts", entry.get("texts", dict, {}))
    return Interview(
        basics=tuple(k for k in ids if k in basics),  # questionnaire order
        max_questions=int(most),
        settled=settled,
        min_gain_bits=gain,
        texts=InterviewTexts(**texts_of(loader, texts, InterviewTexts)),
    )
