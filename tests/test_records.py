"""`selector.records.dataclass` behaves as `dataclasses.dataclass` for what the package uses:
each class is made twice, once by each, and their instances are held to the same text,
equality, hash, defaults, frozenness and refusals."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selector import records


def _both(body: dict, annotations: dict, **options):
    """The same class body made by dataclasses and by records."""
    made = []
    for maker, field in ((dataclasses.dataclass, dataclasses.field), (records.dataclass, records.field)):
        namespace = {"__annotations__": dict(annotations), "__module__": __name__,
                     "__qualname__": "Post"}
        namespace.update({k: (field(**v) if isinstance(v, dict) else v) for k, v in body.items()})
        made.append(maker(**options)(type("Post", (), namespace)))
    return made


OPTIONS = [{}, {"frozen": True}, {"eq": False}, {"frozen": True, "slots": True}, {"slots": True},
           {"eq": False, "frozen": True}]
ANNOTATIONS = {"id": "str", "title": "str", "seats": "int", "candidates": "tuple[str, ...]",
               "notes": "list[str]", "index": "dict"}
BODY = {"seats": 1, "candidates": (), "notes": {"default_factory": list, "hash": False},
        "index": {"default_factory": dict, "compare": False, "repr": False}}

texts = st.text(alphabet="季雪芳杨亮徐云飞P0123 ", max_size=6)
values = st.fixed_dictionaries({"id": texts, "title": texts, "seats": st.integers(0, 3),
                                "candidates": st.lists(texts, max_size=3).map(tuple)})


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@given(a=values, b=values)
def test_instances_match_dataclasses(options, a, b):
    std, ours = _both(BODY, ANNOTATIONS, **options)
    for kwargs in (a, b, {"id": a["id"], "title": b["title"]}):
        x, y = std(**kwargs), ours(**kwargs)
        assert repr(x) == repr(y)
        assert x.notes == y.notes == [] and x.index == y.index == {}
        assert x.notes is not std(**kwargs).notes  # a new list from the factory for each
        assert y.notes is not ours(**kwargs).notes
    assert (std(**a) == std(**b)) == (ours(**a) == ours(**b))
    assert (ours(**a) == ours(**a)) == (options.get("eq", True))
    if std.__hash__ is None:
        assert ours.__hash__ is None
    elif options.get("eq", True):
        assert hash(std(**a)) == hash(ours(**a))
    assert ours(**a) != std(**a)  # another class: NotImplemented both ways, so not equal
    assert ours(**a).__eq__("P01") is NotImplemented or not options.get("eq", True)


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_class_shape_matches_dataclasses(options):
    std, ours = _both(BODY, ANNOTATIONS, **options)
    x = ours("P01", "镇党委书记")
    ours_params = inspect.signature(type(x).__init__).parameters.values()
    std_params = inspect.signature(std.__init__).parameters.values()
    assert [(p.name, str(p.default)) for p in ours_params] == [(p.name, str(p.default)) for p in std_params]
    assert ours.__match_args__ == std.__match_args__
    assert hasattr(ours, "__slots__") == hasattr(std, "__slots__")
    assert [f.name for f in records.fields(ours)] == [f.name for f in dataclasses.fields(std)]
    if not options.get("slots"):
        assert ours.seats == std.seats == 1 and not hasattr(ours, "notes") and not hasattr(std, "notes")


@pytest.mark.parametrize("options", [o for o in OPTIONS if o.get("frozen")], ids=str)
def test_frozen_refuses_assignment_and_deletion_as_dataclasses(options):
    std, ours = _both(BODY, ANNOTATIONS, **options)
    for x, error in ((std("P01", "镇长"), dataclasses.FrozenInstanceError),
                     (ours("P01", "镇长"), records.FrozenInstanceError)):
        with pytest.raises(error, match="cannot assign to field 'title'"):
            x.title = "书记"
        with pytest.raises(error, match="cannot delete field 'title'"):
            del x.title
        assert x.title == "镇长"


def test_post_init_runs_after_the_fields_and_may_set_an_init_false_field():
    @records.dataclass(frozen=True)
    class Paper:
        posts: tuple[str, ...]
        by_key: dict = records.field(init=False, repr=False, compare=False)

        def __post_init__(self):
            object.__setattr__(self, "by_key", {p.casefold(): p for p in self.posts})

    paper = Paper(("P01", "p02"))
    assert paper.by_key == {"p01": "P01", "p02": "p02"}
    assert repr(paper) == "test_post_init_runs_after_the_fields_and_may_set_an_init_false_field.<locals>.Paper(posts=('P01', 'p02'))"
    assert paper == Paper(("P01", "p02"))


def test_fields_of_bases_come_first_and_class_vars_are_not_fields():
    @records.dataclass(eq=False)
    class Step:
        stage: str
        kind: ClassVar[str] = "step"

    @records.dataclass(eq=False)
    class Tally(Step):
        file: str = "rec1.csv"

    t = Tally("rec1")
    assert (t.stage, t.file, t.kind) == ("rec1", "rec1.csv", "step")
    assert [f.name for f in records.fields(Tally)] == ["stage", "file"]
    assert t != Tally("rec1") and t == t  # eq=False: identity


def test_a_field_takes_a_default_or_a_factory_not_both():
    with pytest.raises(ValueError):
        records.field(default=(), default_factory=tuple)
    assert isinstance(records.FrozenInstanceError("x"), AttributeError)


def test_replace_copies_with_changes():
    @records.dataclass(frozen=True)
    class Post:
        id: str
        title: str
        seats: int = 1

    p = Post("P01", "镇党委书记")
    assert records.replace(p, seats=2) == Post("P01", "镇党委书记", 2)
    assert p.seats == 1


def test_a_field_without_default_after_one_with_is_refused_when_the_class_is_made():
    with pytest.raises(TypeError, match="non-default argument 'title' follows default argument"):
        @records.dataclass
        class Post:
            id: str = "P01"
            title: str


def test_explicit_methods_of_the_class_are_kept():
    @records.dataclass(frozen=True)
    class Name:
        text: str

        def __eq__(self, other):
            return isinstance(other, Name) and self.text.casefold() == other.text.casefold()

        def __hash__(self):
            return hash(self.text.casefold())

        def __repr__(self):
            return f"<{self.text}>"

    assert Name("Ab") == Name("aB") and hash(Name("Ab")) == hash(Name("aB")) and repr(Name("x")) == "<x>"


@pytest.mark.parametrize("maker", [dataclasses.dataclass, records.dataclass], ids=["dataclasses", "records"])
def test_a_subclass_naming_an_inherited_field_again_keeps_its_default(maker):
    @maker
    class Post:
        id: str
        seats: int = 1

    @maker
    class Elected(Post):
        seats: int

    assert Elected("P01").seats == 1


@pytest.mark.parametrize("maker,field", [(dataclasses.dataclass, dataclasses.field),
                                         (records.dataclass, records.field)], ids=["dataclasses", "records"])
def test_a_slot_not_in_init_gets_its_default(maker, field):
    @maker(slots=True)
    class Tally:
        post: str
        blanks: int = field(default=0, init=False)

    assert Tally("P01").blanks == 0


@dataclasses.dataclass(frozen=True, slots=True)
class StdMark:
    ballot: str
    post: str


@records.dataclass(frozen=True, slots=True)
class Mark:
    ballot: str
    post: str


def test_a_frozen_record_with_slots_copies_and_pickles_as_a_dataclass_does():
    for made in (StdMark("001", "P01"), Mark("001", "P01")):
        assert copy.copy(made) == made == pickle.loads(pickle.dumps(made))
        assert copy.deepcopy(made) == made


def test_match_args_written_in_the_class_are_kept_and_a_record_that_holds_itself_prints():
    @records.dataclass
    class Node:
        name: str
        next: object = None
        __match_args__ = ("name",)

    node = Node("a")
    node.next = node
    assert Node.__match_args__ == ("name",)
    assert repr(node) == f"{Node.__qualname__}(name='a', next=...)"
