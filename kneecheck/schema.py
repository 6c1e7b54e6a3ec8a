"""JSON Schemas of the answers and result objects (contract v1).

The answers schema is built from the catalogue's questions, the same data the
validator uses, so the two cannot disagree.
"""

from __future__ import annotations

from typing import Any

from .answers import DONT_KNOW_KEY
from .catalogue import LEVELS, VERDICTS, Catalogue
from .catalogue.types import QUESTION_TYPES

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_STRINGS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}


def answers_schema(catalogue: Catalogue) -> dict[str, Any]:
    """The JSON Schema of the answers object, from the questions themselves."""
    props: dict[str, Any] = {}
    for q in catalogue.questions:
        prop = QUESTION_TYPES[q.type].schema(q)
        # null is accepted and means "don't know", like a missing key
        prop = {"anyOf": [prop, {"type": "null"}], "description": q.text}
        props[q.id] = prop
    props[DONT_KNOW_KEY] = {
        "type": "array",
        "items": {"enum": [q.id for q in catalogue.questions]},
        "description": 'Answer keys that were asked and answered "don\'t know" '
        "(contract 1.1); each counts like a missing key and must not also be answered.",
    }
    return {
        "$schema": DRAFT,
        "$id": "https://kneecheck.invalid/schema/answers-v1.json",
        "title": "kneecheck answers (contract v1)",
        "description": "Every key is optional; a missing key means not asked / "
        "don't know and counts neither for nor against anything.",
        "type": "object",
        "properties": props,
        "additionalProperties": False,
    }


def result_schema(catalogue: Catalogue) -> dict[str, Any]:
    """The JSON Schema of the `assess --json` result."""
    condition_ids = [c.id for c in catalogue.conditions]
    reason = {
        "type": "object",
        "required": ["id", "message"],
        "properties": {
            "id": {"type": "string"},
            "message": {"type": "string"},
            "sources": _STRINGS,
        },
    }
    return {
        "$schema": DRAFT,
        "$id": "https://kneecheck.invalid/schema/result-v1.json",
        "title": "kneecheck assess --json result (contract v1)",
        "type": "object",
        "required": [
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
        ],
        "properties": {
            "schema_version": {"const": 1},
            "kneecheck_version": {"type": "string"},
            "catalogue_version": {"type": "string"},
            "catalogue_name": {"type": "string"},
            "disclaimer": {"type": "string", "minLength": 1},
            "triage": {
                "type": "object",
                "required": ["level", "reasons"],
                "properties": {
                    "level": {"enum": list(LEVELS)},
                    "title": {"type": "string"},
                    "action": {"type": "string"},
                    "timeframe": {"type": "string"},
                    "reasons": {"type": "array", "items": reason},
                    "red_flags": _STRINGS,
                },
            },
            "conditions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [
                        "id",
                        "name",
                        "score",
                        "probability",
                        "band",
                        "for",
                        "against",
                    ],
                    "properties": {
                        "id": {"enum": condition_ids},
                        "name": {"type": "string"},
                        "score": {"type": "number", "minimum": 0, "maximum": 1},
                        "probability": {
                            "description": "Calibrated chance that this is the "
                            "cause (contract 1.1); the listed ones sum to at most 1, "
                            "the rest is something else.",
                            "type": "number",
                            "minimum": 0,
                            "maximum": 1,
                        },
                        "band": {"enum": ["likely", "possible", "unlikely"]},
                        "for": _STRINGS,
                        "against": _STRINGS,
                    },
                },
            },
            "run_guidance": {
                "type": "object",
                "required": ["verdict", "reasons", "advice"],
                "properties": {
                    "verdict": {"enum": list(VERDICTS)},
                    "title": {"type": "string"},
                    "reasons": _STRINGS,
                    "advice": {"type": "string"},
                },
            },
            "self_care": _STRINGS,
            "care": {
                "type": "object",
                "properties": {
                    "condition": {"type": ["string", "null"]},
                    "exercises": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "name"],
                            "properties": {
                                "id": {"type": "string"},
                                "name": {"type": "string"},
                            },
                        },
                    },
                    "see_someone": _STRINGS,
                },
            },
            "prevention": _STRINGS,
            "prevention_tips": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "topic", "title", "text", "evidence", "why"],
                    "properties": {
                        k: {"type": "string"}
                        for k in ("id", "topic", "title", "text", "evidence", "why")
                    },
                },
            },
            "stopped_early": {"type": "boolean"},
            "plan": {
                "description": "With --plan: the plan for the top condition (as "
                "`kneecheck plan --json`), or null while a doctor must see it first.",
                "type": ["object", "null"],
                "required": ["condition", "stages", "calendar"],
            },
            "answers": {
                k: v
                for k, v in answers_schema(catalogue).items()
                if not k.startswith("$")
            },
        },
    }
