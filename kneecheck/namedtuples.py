"""`NamedTuple` for kneecheck's records: the classes `typing.NamedTuple` makes,
defined for about a fifth of its start-up cost.

`typing.NamedTuple` compiles a `__new__` from source text for every class
(`collections.namedtuple` calls `eval`), checks each annotation, then patches
the finished class attribute by attribute. `assess --json` defines some fifty
record classes, the largest part of kneecheck's own start-up. Here `__new__` is
a precompiled function of the right arity with its parameters renamed, and the
class is made in one `type()` call: a plain `tuple` subclass with the fields,
defaults, annotations, methods, signature, error messages and pickles that
`typing.NamedTuple` gives (tests/test_namedtuples.py compares them). Anything
else (string annotations, `Generic`, more than 24 fields, Python 3.13 and
later, whose typing differs) goes to `typing.NamedTuple` itself. Type checkers
see `typing.NamedTuple`.
"""

import sys
from typing import TYPE_CHECKING, Any

__all__ = ["NamedTuple"]

if TYPE_CHECKING or sys.version_info >= (3, 13):
    from typing import NamedTuple as NamedTuple
else:
    import typing
    from _collections import _tuplegetter
    from types import FunctionType

    _tuple_new = tuple.__new__
    # what typing forbids or skips in a class body (typing._prohibited, _special)
    _PROHIBITED = frozenset(
        {"__new__", "__init__", "__slots__", "__getnewargs__", "_fields",
         "_field_defaults", "_make", "_replace", "_asdict", "_source"}
    )  # fmt: skip
    _SPECIAL = frozenset({"__module__", "__name__", "__annotations__"})

    # `__new__` of each arity, as collections.namedtuple would compile it; the
    # parameters are renamed to the fields per class
    def _new0(_cls):
        return _tuple_new(_cls, ())

    def _new1(_cls, a):
        return _tuple_new(_cls, (a,))

    def _new2(_cls, a, b):
        return _tuple_new(_cls, (a, b))

    def _new3(_cls, a, b, c):
        return _tuple_new(_cls, (a, b, c))

    def _new4(_cls, a, b, c, d):
        return _tuple_new(_cls, (a, b, c, d))

    def _new5(_cls, a, b, c, d, e):
        return _tuple_new(_cls, (a, b, c, d, e))

    def _new6(_cls, a, b, c, d, e, f):
        return _tuple_new(_cls, (a, b, c, d, e, f))

    def _new7(_cls, a, b, c, d, e, f, g):
        return _tuple_new(_cls, (a, b, c, d, e, f, g))

    def _new8(_cls, a, b, c, d, e, f, g, h):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h))

    def _new9(_cls, a, b, c, d, e, f, g, h, i):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i))

    def _new10(_cls, a, b, c, d, e, f, g, h, i, j):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j))

    def _new11(_cls, a, b, c, d, e, f, g, h, i, j, k):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k))

    def _new12(_cls, a, b, c, d, e, f, g, h, i, j, k, m):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m))

    def _new13(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n))

    def _new14(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, o))

    def _new15(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o, p):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, o, p))

    def _new16(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q))

    def _new17(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r))

    def _new18(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s):
        return _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s))

    def _new19(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s, t):
        return _tuple_new(
            _cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s, t)
        )

    def _new20(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s, t, u):
        return _tuple_new(
            _cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s, t, u)
        )

    def _new21(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s, t, u, v):
        return _tuple_new(
            _cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s, t, u, v)
        )

    def _new22(_cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s, t, u, v, w):
        return _tuple_new(
            _cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s, t, u, v, w)
        )

    def _new23(
        _cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s, t, u, v, w, x
    ):
        return _tuple_new(
            _cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s, t, u, v, w, x)
        )

    def _new24(
        _cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s, t, u, v, w, x, y
    ):
        return _tuple_new(
            _cls,
            (a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q, r, s, t, u, v, w, x, y),
        )

    _TEMPLATES = tuple(globals()[f"_new{n}"].__code__ for n in range(25))

    def _make_class(typename: str, ns: dict[str, Any]) -> type:
        """What typing.NamedTupleMeta and collections.namedtuple make of a class
        body, made directly."""
        types = dict(ns.get("__annotations__", {}))
        field_names = tuple(map(sys.intern, types))
        default_names: list[str] = []
        for name in field_names:
            if name in ns:
                default_names.append(name)
            elif default_names:
                raise TypeError(
                    f"Non-default namedtuple field {name} cannot follow default "
                    f"field{'s' if len(default_names) > 1 else ''} "
                    f"{', '.join(default_names)}"
                )
            if name.startswith("_"):
                raise ValueError(
                    f"Field names cannot start with an underscore: {name!r}"
                )
        for name, hint in types.items():
            if hint is None:  # as typing._type_check has it
                types[name] = type(None)
        defaults = tuple(ns[name] for name in default_names)
        typename = sys.intern(typename)
        num_fields = len(field_names)
        arg_list = ", ".join(field_names) + ("," if num_fields == 1 else "")
        repr_fmt = "(" + ", ".join(f"{name}=%r" for name in field_names) + ")"
        _dict, _tuple, _len, _map, _zip = dict, tuple, len, map, zip

        code = _TEMPLATES[num_fields].replace(
            co_varnames=("_cls", *field_names), co_name="<lambda>"
        )
        globals_ = {
            "_tuple_new": _tuple_new,
            "__builtins__": {},
            "__name__": f"namedtuple_{typename}",
        }
        __new__ = FunctionType(code, globals_, "__new__")
        __new__.__doc__ = f"Create new instance of {typename}({arg_list})"
        __new__.__defaults__ = defaults
        __new__.__annotations__ = types

        # the other methods, as collections.namedtuple writes them
        @classmethod
        def _make(cls, iterable):
            result = _tuple_new(cls, iterable)
            if _len(result) != num_fields:
                raise TypeError(f"Expected {num_fields} arguments, got {len(result)}")
            return result

        _make.__func__.__doc__ = (
            f"Make a new {typename} object from a sequence or iterable"
        )

        def _replace(self, /, **kwds):
            result = self._make(_map(kwds.pop, field_names, self))
            if kwds:
                raise ValueError(f"Got unexpected field names: {list(kwds)!r}")
            return result

        _replace.__doc__ = (
            f"Return a new {typename} object replacing specified fields with new values"
        )

        def __repr__(self):
            "Return a nicely formatted representation string"
            return self.__class__.__name__ + repr_fmt % self

        def _asdict(self):
            "Return a new dict which maps field names to their values."
            return _dict(_zip(self._fields, self))

        def __getnewargs__(self):
            "Return self as a plain tuple.  Used by copy and pickle."
            return _tuple(self)

        for method in (__new__, _make.__func__, _replace, __repr__, _asdict,
                       __getnewargs__):  # fmt: skip
            method.__qualname__ = f"{typename}.{method.__name__}"

        namespace = {
            "__doc__": f"{typename}({arg_list})",
            "__slots__": (),
            "_fields": field_names,
            "_field_defaults": dict(zip(default_names, defaults, strict=True)),
            "__new__": __new__,
            "_make": _make,
            "_replace": _replace,
            "__repr__": __repr__,
            "_asdict": _asdict,
            "__getnewargs__": __getnewargs__,
            "__match_args__": field_names,
        }
        for index, name in enumerate(field_names):
            doc = sys.intern(f"Alias for field number {index}")
            namespace[name] = _tuplegetter(index, doc)
        namespace["__module__"] = ns["__module__"]
        namespace["__annotations__"] = types
        for key, value in ns.items():  # the class body: docstring, methods
            if key in _PROHIBITED:
                raise AttributeError("Cannot overwrite NamedTuple attribute " + key)
            if key not in _SPECIAL and key not in field_names:
                namespace[key] = value
        return type(typename, (tuple,), namespace)

    class _RecordMeta(type):
        def __new__(mcls, typename, bases, ns):
            hints = ns.get("__annotations__", {})
            if (
                bases == (_Record,)
                and len(hints) < len(_TEMPLATES)
                and not any(isinstance(hint, str) for hint in hints.values())
            ):
                return _make_class(typename, ns)
            real = tuple(typing._NamedTuple if b is _Record else b for b in bases)
            return typing.NamedTupleMeta(typename, real, ns)

    _Record = type.__new__(_RecordMeta, "NamedTuple", (), {})

    def NamedTuple(typename, fields=None, /, **kwargs):
        """The functional form: typing's own."""
        return typing.NamedTuple(typename, fields, **kwargs)

    NamedTuple.__mro_entries__ = lambda bases: (_Record,)
