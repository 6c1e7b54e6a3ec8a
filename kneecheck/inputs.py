"""JSON from outside (a file, or standard input as '-'): capped, then decoded
with every failure one line naming the source, never a traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .errors import KneecheckError

# An answers object or one diary entry is well under 2 KiB; anything far larger
# is not one, and reading it whole could exhaust memory (a runaway pipe, or
# /dev/urandom named as the file).
JSON_MAX_CHARS = 256 * 1024
# A whole number longer than this is no answer or distance; refused before
# Python converts it (thousands of digits take long and cannot be printed).
MAX_INT_DIGITS = 20


def read_json(source: str, what: str, error: type[KneecheckError]) -> object:
    """The decoded JSON of a file path, or of standard input when `source` is
    '-'. `what` names the file in messages ("answers", "entry"); failures raise
    `error` with one line."""
    if source == "-":
        text = sys.stdin.read(JSON_MAX_CHARS + 1).removeprefix("\ufeff")
        name = "standard input"
    else:
        path = Path(source)
        try:
            # utf-8-sig: files saved by Windows editors start with a BOM
            with path.open(encoding="utf-8-sig") as f:
                text = f.read(JSON_MAX_CHARS + 1)
        except FileNotFoundError:
            raise error(f"{what} file not found: {source}") from None
        except IsADirectoryError:
            raise error(f"{what} file is a folder: {source}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise error(f"cannot read {what} file {source}: {exc}") from None
        name = source
    if len(text) > JSON_MAX_CHARS:
        raise error(
            f"{name} is larger than {JSON_MAX_CHARS // 1024} KiB: {_not_one(what)}"
        )
    return parse_json(text, name, what, error)


def _not_one(what: str) -> str:
    return f"not {'an' if what[0] in 'aeiou' else 'a'} {what} file"


def repeated_keys(pairs: list[tuple[str, Any]]) -> list[str]:
    """The keys a decoded JSON object gives more than once, each repeat in order:
    JSON keeps only the last value, so the others would be lost unsaid."""
    seen: set[str] = set()
    repeats = []
    for key, _ in pairs:
        if key in seen:
            repeats.append(key)
        seen.add(key)
    return repeats


def parse_json(text: str, name: str, what: str, error: type[KneecheckError]) -> object:
    """Decoded JSON text read (and capped) by the caller; `name` is the source
    in messages. A huge number or deep nesting is one line, never a crash; so is
    a key given twice in one object, which JSON would settle silently by keeping
    the last (an answers file saying both "limp": true and "limp": false)."""

    def whole(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_INT_DIGITS:
            raise error(f"{name} holds a number {len(digits)} digits long")
        return int(digits)

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        data = dict(pairs)
        if len(data) < len(pairs):
            key = repeated_keys(pairs)[0]
            shown = repr(key) if key.isprintable() else ascii(key)
            raise error(f"{name} gives the key {shown} twice in one object; keep one")
        return data

    try:
        return json.loads(text, parse_int=whole, object_pairs_hook=unique)
    except json.JSONDecodeError as exc:
        raise error(
            f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg})"
        ) from None
    except RecursionError:
        raise error(f"{name} is nested too deeply: {_not_one(what)}") from None
