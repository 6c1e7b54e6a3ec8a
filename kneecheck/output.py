"""The JSON documents kneecheck prints: one envelope, one writer.

Every `--json` document starts with the same keys, so a script can check what
it got before reading on: `schema_version` (the contract's major version),
`kneecheck_version` and `kind` (which document this is).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from typing import Any

from . import __version__

SCHEMA_VERSION = 1  # the scripting contract's version; never bumped within 1.x


# Characters that steer a terminal rather than show: C0 and C1 controls (ESC
# starts colour, title and hyperlink sequences; NUL and BEL misbehave), DEL,
# and the bidirectional overrides that reorder what is shown. Line breaks and
# tabs become spaces. A translation table, not a regular expression: compiling
# one cost every command more than all the text it ever cleans.
_CONTROLS = (
    *range(0x00, 0x20),
    *range(0x7F, 0xA0),
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
)
_PRINTABLE: dict[int, str | None] = {
    c: " " if chr(c) in "\t\n\r\x0b\x0c" else None for c in _CONTROLS
}
# Bytes that were not UTF-8 reach Python as lone surrogates (a Latin-1
# terminal, a file in another encoding); they cannot be stored or printed.
_PRINTABLE.update({c: "\ufffd" for c in range(0xD800, 0xE000)})


def printable(text: str) -> str:
    """Text from outside (a note, a shoe or activity name, a file name) with
    every control character taken out, line breaks and tabs made spaces, so
    it can never steer the terminal it is shown on; bytes that were not UTF-8
    become the replacement mark."""
    return text.translate(_PRINTABLE)


# Past this many digits a number is a typo or a glitch: said so, not spelt out.
_PLAIN_DIGITS = 15


def plain_number(value: float) -> str:
    """A number as a person writes it, never in exponent form: 1000000000,
    12.5, -5, 0.00001; NaN and Infinity by name."""
    from decimal import Decimal

    if math.isfinite(value) and abs(value) >= 10**_PLAIN_DIGITS:
        return (
            f"over {10**_PLAIN_DIGITS}" if value > 0 else f"below -{10**_PLAIN_DIGITS}"
        )
    # 15 significant digits: what was typed, without a float's stray tail
    return format(Decimal(format(value, f".{_PLAIN_DIGITS}g")), "f")


def envelope(kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON document: the envelope keys first, then the payload's own."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kneecheck_version": __version__,
        "kind": kind,
        **payload,
    }


def document(kind: str, record: Any) -> dict[str, Any]:
    """A typed result (a NamedTuple) as its JSON document: the envelope, then its
    fields in order, tuples as lists."""
    fields = record._asdict()
    return envelope(
        kind, {k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}
    )


def to_json(document: Any) -> str:
    """The text of a document: indented, UTF-8 as is, one trailing newline.
    Always valid JSON: a figure that overflowed (a hand-edited diary holding
    1e308 km) is written as null, never as Infinity or NaN."""
    try:
        text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(document), indent=2, ensure_ascii=False)
    return text + "\n"


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def print_json(document: Any) -> None:
    """Write a document to standard output, never through Rich: colour codes
    would make it invalid JSON."""
    sys.stdout.write(to_json(document))
