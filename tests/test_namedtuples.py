"""kneecheck.namedtuples makes the classes typing.NamedTuple makes: every record
of the package is compared with its typing-made twin, attribute by attribute,
in use, in its error messages and in its pickles."""

import importlib
import inspect
import pickle
import pkgutil
import sys
import typing
from typing import Any

import pytest

import kneecheck
from kneecheck import namedtuples
from kneecheck.namedtuples import NamedTuple

# the attributes collections.namedtuple writes; anything else is the class body
_MADE = frozenset(
    {"__doc__", "__slots__", "_fields", "_field_defaults", "__new__", "_make",
     "_replace", "__repr__", "_asdict", "__getnewargs__", "__match_args__",
     "__module__", "__annotations__", "__dict__", "__weakref__"}
)  # fmt: skip


def records() -> list[type]:
    """Every record class kneecheck defines."""
    found = []
    for info in pkgutil.walk_packages(kneecheck.__path__, "kneecheck."):
        if info.name == "kneecheck.__main__":
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, tuple)
                and hasattr(value, "_fields")
                and value.__module__ == info.name
            ):
                found.append(value)
    return found


def body(cls: type) -> dict[str, Any]:
    """The class body a record was written with, recovered from the class."""
    ns: dict[str, Any] = {
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "__annotations__": dict(cls.__annotations__),
        **cls._field_defaults,  # type: ignore[attr-defined]
    }
    for key, value in vars(cls).items():
        if key not in _MADE and key not in cls._fields:  # type: ignore[attr-defined]
            ns[key] = value
    if cls.__doc__ != f"{cls.__name__}({', '.join(cls._fields)})":  # type: ignore[attr-defined]
        ns["__doc__"] = cls.__doc__
    return ns


def typing_twin(cls: type) -> type:
    """The same body made by typing.NamedTuple."""
    meta = typing.NamedTupleMeta  # type: ignore[attr-defined]
    made: type = meta(cls.__name__, (typing._NamedTuple,), body(cls))  # type: ignore[attr-defined]
    return made


def fingerprint(cls: type) -> dict[str, Any]:
    """Everything about a record class that code or a reader could notice."""
    methods = {}
    for name in ("__new__", "_replace", "__repr__", "_asdict", "__getnewargs__"):
        f = getattr(cls, name)
        methods[name] = (
            f.__name__,
            f.__qualname__,
            f.__doc__,
            f.__defaults__,
            f.__kwdefaults__,
            f.__annotations__,
            f.__code__.co_varnames[: f.__code__.co_argcount],
            # the methods' own module says where their code lives (here, not in
            # collections); __new__'s is compared, as code could see it
            f.__module__ if name == "__new__" else None,
        )
    make = vars(cls)["_make"]
    getters = {
        name: (type(vars(cls)[name]), vars(cls)[name].__doc__)
        for name in cls._fields  # type: ignore[attr-defined]
    }
    return {
        "name": (cls.__name__, cls.__qualname__, cls.__module__, cls.__doc__),
        "type": (type(cls), cls.__bases__, cls.__mro__[1:]),
        "dict": sorted(vars(cls)),
        "fields": (cls._fields, cls._field_defaults, cls.__match_args__),  # type: ignore[attr-defined]
        "annotations": cls.__annotations__,
        "slots": cls.__slots__,  # type: ignore[attr-defined]
        "signature": str(inspect.signature(cls)),
        "methods": methods,
        "make": (type(make), make.__func__.__doc__, make.__func__.__qualname__),
        "getters": getters,
    }


def behaviour(cls: type) -> list[object]:
    """What using a record class gives, errors included (by message)."""
    n = len(cls._fields)  # type: ignore[attr-defined]
    values = [f"v{i}" for i in range(n)]
    seen: list[object] = []

    def attempt(action: Any) -> None:
        try:
            seen.append(action())
        except Exception as exc:
            seen.append((type(exc).__name__, str(exc)))

    record = cls(*values)
    seen += [repr(record), record._asdict(), tuple(record), hash(record)]  # type: ignore[attr-defined]
    attempt(lambda: tuple(cls(**dict(zip(cls._fields, values, strict=True)))))  # type: ignore[attr-defined]
    attempt(lambda: tuple(record._replace(**{cls._fields[0]: "x"})))  # type: ignore[attr-defined]
    attempt(lambda: record._replace(nope=1))  # type: ignore[attr-defined]
    attempt(lambda: cls._make(values))  # type: ignore[attr-defined]
    attempt(lambda: cls._make([*values, "extra"]))  # type: ignore[attr-defined]
    attempt(lambda: cls())
    attempt(lambda: cls(*values, "extra"))
    attempt(lambda: cls(*values, nope=1))
    attempt(lambda: record.nope)
    attempt(lambda: setattr(record, cls._fields[0], 1))  # type: ignore[attr-defined]
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        reduced = record.__reduce_ex__(protocol)
        seen.append([r if r is not cls else "cls" for r in reduced[1]])
        data = pickle.dumps(record, protocol)
        seen += [data, tuple(pickle.loads(data))]
    return seen


RECORDS = records()


# the modules `assess --json` imports: their records must take the fast path
# (real annotations; a string one sends a class to typing.NamedTuple)
START_UP = {
    "kneecheck.actions.check",
    "kneecheck.catalogue.models",
    "kneecheck.catalogue.types",
    "kneecheck.diary",
    "kneecheck.engine",
    "kneecheck.predicates",
    "kneecheck.settings",
    "kneecheck.trends",
}


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="typing's own from 3.13")
def test_start_up_records_are_made_here() -> None:
    assert len(RECORDS) > 50
    here = inspect.getsourcefile(namedtuples)
    hot = [cls for cls in RECORDS if cls.__module__ in START_UP]
    assert {cls.__module__ for cls in hot} == START_UP
    slow = [c.__qualname__ for c in hot if c.__new__.__code__.co_filename != here]
    assert slow == []


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__qualname__)
def test_a_record_is_what_typing_makes(
    cls: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    twin = typing_twin(cls)
    assert fingerprint(cls) == fingerprint(twin)
    mine = behaviour(cls)
    # pickle finds a class by its module and name: the twin stands in there
    monkeypatch.setattr(sys.modules[cls.__module__], cls.__qualname__, twin)
    theirs = behaviour(twin)
    assert [repr(x) for x in mine] == [repr(x) for x in theirs]


def test_unusual_bodies_go_to_typing() -> None:
    class Forward(NamedTuple):
        a: "int"
        b: None = None

    class Wide(NamedTuple):  # more fields than there are templates
        f0: int
        f1: int
        f2: int
        f3: int
        f4: int
        f5: int
        f6: int
        f7: int
        f8: int
        f9: int
        f10: int
        f11: int
        f12: int
        f13: int
        f14: int
        f15: int
        f16: int
        f17: int
        f18: int
        f19: int
        f20: int
        f21: int
        f22: int
        f23: int
        f24: int
        f25: int

    assert isinstance(Forward.__annotations__["a"], typing.ForwardRef)
    assert Forward.__annotations__["b"] is type(None)
    assert Wide(*range(26)).f25 == 25
    assert Wide.__bases__ == (tuple,)


def test_refusals_match_typing() -> None:
    def errors(base: type) -> list[str]:
        found = []
        for ns in (
            {"__annotations__": {"a": int, "b": int}, "a": 1},
            {"__annotations__": {"_a": int}},
            {"__annotations__": {"a": int}, "_asdict": lambda self: {}},
        ):
            try:
                type(base)("R", (base,), {"__module__": __name__, **ns})
            except Exception as exc:
                found.append(f"{type(exc).__name__}: {exc}")
        return found

    (mine,) = NamedTuple.__mro_entries__(())  # type: ignore[attr-defined]
    assert len(errors(mine)) == 3
    assert errors(mine) == errors(typing._NamedTuple)  # type: ignore[attr-defined]
