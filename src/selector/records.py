"""`dataclass` and `field` as the standard library has them, for the subset this package uses
(frozen, eq, slots, init, repr; `field(default=, default_factory=, init=, repr=, compare=)`;
`__post_init__`), made without compiling five or six functions per class.

Why: `dataclasses.dataclass` writes the source of each generated method and compiles it as
the class is made. For the ~60 classes a `selector status` imports that was a quarter of the
command's start-up (issue 17). Here only `__init__` is compiled, one per class, the first time
an instance is made; `__repr__`, `__eq__`, `__hash__`, `__setattr__` and `__delattr__` are
shared closures with the standard library's behaviour (the same text, the same equality and
hash values, `FrozenInstanceError` on assignment). tests/test_records.py holds each
against `dataclasses`.

`field`, `fields(obj)` and `replace(obj, **changes)` stand in for their `dataclasses`
namesakes. The module does not import `dataclasses` (which imports `inspect`, `ast`, `dis`
and `tokenize`: another ~15 % of a bare `selector status`).
"""

from __future__ import annotations

from operator import attrgetter
from reprlib import recursive_repr
from types import MemberDescriptorType

__all__ = ["FrozenInstanceError", "dataclass", "field", "fields", "replace"]


class _Missing:
    def __repr__(self):
        return "MISSING"


MISSING = _Missing()


class FrozenInstanceError(AttributeError):
    """Assigning to or deleting a field of a frozen record (`dataclasses.FrozenInstanceError`)."""


class Field:
    """A record's field: its name, annotation, default or default factory, and whether it is
    an argument of `__init__`, shown by `__repr__`, compared by `__eq__` and hashed."""

    __slots__ = ("name", "type", "default", "default_factory", "init", "repr", "compare", "hash")

    def __init__(self, default, default_factory, init, repr, compare, hash):
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = self.type = None
        self.default, self.default_factory = default, default_factory
        self.init, self.repr, self.compare, self.hash = init, repr, compare, hash


def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, compare=True, hash=None) -> Field:
    """A field with options, as `dataclasses.field`."""
    return Field(default, default_factory, init, repr, compare, hash)

_FIELDS = "__record_fields__"


class _Factory:
    """The default of a parameter whose field has a default factory (shown as dataclasses shows it)."""

    def __repr__(self):
        return "<factory>"


_FACTORY = _Factory()


def dataclass(cls=None, /, *, init=True, repr=True, eq=True, frozen=False, slots=False):
    """Like `dataclasses.dataclass` with the same arguments (order, unsafe_hash, kw_only and
    match_args are not supported: nothing here uses them)."""

    def wrap(cls):
        return _make(cls, init, repr, eq, frozen, slots)

    return wrap if cls is None else wrap(cls)


def fields(obj) -> tuple[Field, ...]:
    """The fields of a record class or instance, in order (`dataclasses.fields`)."""
    return getattr(obj, _FIELDS)


def replace(obj, /, **changes):
    """A copy of `obj` with `changes` (`dataclasses.replace`)."""
    for f in fields(obj):
        if f.init and f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return type(obj)(**changes)


def _is_classvar(annotation) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return getattr(annotation, "__origin__", None) is not None and repr(annotation).startswith("typing.ClassVar")


def _own_fields(cls) -> list[Field]:
    out = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        default = getattr(cls, name, MISSING)  # as dataclasses: a base's default counts too
        if isinstance(default, MemberDescriptorType):  # a slot of a base, not a default
            default = MISSING
        f = default if isinstance(default, Field) else field(default=default)
        f.name, f.type = name, annotation
        if f.default_factory is not MISSING or f.default is MISSING:
            if name in cls.__dict__:
                delattr(cls, name)  # the factory runs in __init__; no class attribute
        else:
            setattr(cls, name, f.default)  # as dataclasses: the default is the class attribute
        out.append(f)
    return out


def _make(cls, init, repr_, eq, frozen, slots):
    own = cls.__dict__  # read before any method is set: a class body with __eq__ has __hash__ None
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    defines = {name for name in ("__init__", "__repr__", "__eq__", "__match_args__", "__getstate__")
               if name in own}
    by_name: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for f in base.__dict__.get(_FIELDS, ()):
            by_name[f.name] = f
    for f in _own_fields(cls):
        by_name[f.name] = f
    all_fields = tuple(by_name.values())
    _check_order(cls, all_fields)
    if slots:
        cls = _with_slots(cls, all_fields)
    setattr(cls, _FIELDS, all_fields)
    if "__match_args__" not in defines:
        cls.__match_args__ = tuple(f.name for f in all_fields if f.init)
    if init and "__init__" not in defines:
        cls.__init__ = _lazy_init(cls, all_fields, frozen, slots)
    if repr_ and "__repr__" not in defines:
        cls.__repr__ = _repr(tuple(f.name for f in all_fields if f.repr))
    compared = tuple(f.name for f in all_fields if f.compare)
    if eq and "__eq__" not in defines:
        cls.__eq__ = _eq(_values(compared))
    if eq and not explicit_hash:
        hashed = tuple(f.name for f in all_fields if (f.compare if f.hash is None else f.hash))
        cls.__hash__ = _hash(_values(hashed)) if frozen else None
    if frozen:
        names = frozenset(by_name)
        cls.__setattr__, cls.__delattr__ = _frozen(cls, names)
        if slots and "__getstate__" not in defines:  # copy and pickle: set the slots past the freeze
            cls.__getstate__, cls.__setstate__ = _state(tuple(by_name))
    return cls


def _check_order(cls, all_fields) -> None:
    """A field without a default after one with a default: refused as the class is made, as
    dataclasses refuses it."""
    seen_default = False
    for f in all_fields:
        if not f.init:
            continue
        if f.default is not MISSING or f.default_factory is not MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument ({cls.__qualname__})")


def _with_slots(cls, all_fields):
    """The class made again with `__slots__` for its fields (as dataclasses does: slots cannot
    be added to a class once made)."""
    body = dict(cls.__dict__)
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    own = [name for name in cls.__dict__.get("__annotations__", {}) if name in {f.name for f in all_fields}]
    for name in own:
        body.pop(name, None)
    body["__slots__"] = tuple(own)
    body["__qualname__"] = cls.__qualname__
    return type(cls)(cls.__name__, cls.__bases__, body)


def _values(names: tuple[str, ...]):
    """obj -> the tuple of its attributes `names` (what dataclasses compares and hashes)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _lazy_init(cls, all_fields, frozen, slots):
    """An `__init__` that compiles the class's real one at the first instance made, puts it on
    the class, and calls it: most classes a command imports never make an instance."""

    def __init__(self, *args, **kwargs):
        real = _init(cls, all_fields, frozen, slots)
        cls.__init__ = real
        real(self, *args, **kwargs)

    return __init__


def _init(cls, all_fields, frozen, slots):
    names = {"_object_setattr": object.__setattr__}
    params, body = [], []
    for i, f in enumerate(all_fields):
        value = f.name
        if f.default_factory is not MISSING:
            names[f"_factory{i}"] = f.default_factory
            if f.init:
                names["_FACTORY"] = _FACTORY
                params.append(f"{f.name}=_FACTORY")
                value = f"_factory{i}() if {f.name} is _FACTORY else {f.name}"
            else:
                value = f"_factory{i}()"
        elif f.init:
            if f.default is not MISSING:
                names[f"_default{i}"] = f.default
                params.append(f"{f.name}=_default{i}")
            else:
                params.append(f.name)
        elif slots and f.default is not MISSING:  # a slot has no class attribute to fall back on
            names[f"_default{i}"] = f.default
            value = f"_default{i}"
        else:
            continue  # init=False with a plain default: the class attribute holds it
        body.append(f"_object_setattr(self, {f.name!r}, {value})" if frozen else f"self.{f.name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n    " + ("\n    ".join(body) or "pass") + "\n"
    exec(compile(source, f"<{cls.__qualname__}.__init__>", "exec"), names)
    made = names["__init__"]
    made.__qualname__ = f"{cls.__qualname__}.__init__"
    return made


def _repr(names: tuple[str, ...]):
    @recursive_repr()
    def __repr__(self):
        parts = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({parts})"

    return __repr__


def _eq(values):
    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__


def _hash(values):
    def __hash__(self):
        return hash(values(self))

    return __hash__


def _state(names: tuple[str, ...]):
    def __getstate__(self):
        return [getattr(self, name) for name in names]

    def __setstate__(self, state):
        for name, value in zip(names, state):
            object.__setattr__(self, name, value)

    return __getstate__, __setstate__


def _frozen(cls, names: frozenset[str]):
    def __setattr__(self, name, value):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self, name):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __setattr__, __delattr__
