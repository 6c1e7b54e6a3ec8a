"""The `next` verb of contract 1.1: which question a front end should ask next.

Pure: the same answers always give the same question. This release keeps the
questionnaire's own order and skip rules (the terminal asks the same way); an
adaptive choice by expected information is issue 12's, built on this contract.
"""

from typing import Any, NamedTuple

from .answers import DONT_KNOW_KEY, Answers
from .catalogue import Catalogue, Question
from .catalogue.types import QUESTION_TYPES
from .engine import stops_questionnaire
from .output import envelope
from .predicates import all_hold


class NextQuestion(NamedTuple):
    """The next question (None when done), how many were asked, how many remain."""

    question: Question | None
    why: str
    asked: int
    remaining: int

    @property
    def done(self) -> bool:
        """No further question is worth asking."""
        return self.question is None

    def to_dict(self) -> dict[str, Any]:
        """The contract's document (section 4), inside the usual envelope."""
        if self.question is None:
            return envelope("next", {"done": True, "asked": self.asked})
        q = self.question
        shown: dict[str, Any] = {"key": q.id, "type": QUESTION_TYPES[q.type].contract}
        shown["text"] = q.text
        if shown["type"] in ("single", "multi"):
            shown["choices"] = [{"id": c.value, "label": c.label} for c in q.choices]
        if q.min is not None and q.max is not None:
            shown["min"], shown["max"] = q.min, q.max
        shown["why"] = self.why
        return envelope(
            "next",
            {
                "done": False,
                "question": shown,
                "asked": self.asked,
                "remaining_estimate": self.remaining,
            },
        )


def next_question(catalogue: Catalogue, answers: Answers) -> NextQuestion:
    """The first question, in questionnaire order, that the answers leave open
    and whose skip rule does not hold; done after a ticked warning sign."""
    unsure = set(answers.get(DONT_KNOW_KEY) or ())
    ids = {q.id for q in catalogue.questions}
    asked = sum(1 for key in ids if key in answers or key in unsure)
    if stops_questionnaire(answers):
        return NextQuestion(None, "", asked, 0)
    open_: list[Question] = [
        q
        for q in catalogue.questions
        if q.id not in answers
        and q.id not in unsure
        and not (q.skip_if and all_hold(q.skip_if, answers))
    ]
    if not open_:
        return NextQuestion(None, "", asked, 0)
    first = open_[0]
    why = catalogue.advice.scoring.next_why.format(section=first.section)
    return NextQuestion(first, why, asked, len(open_))
