"""Typed errors take their fields as a dataclass would, by position or by name."""

from __future__ import annotations

import pytest

from selector import errors as e
from selector.records import fields


def test_fields_by_position_and_name_with_their_defaults():
    err = e.NoTallyYet("rec1")
    assert (err.stage, err.purpose) == ("rec1", "cut")  # the default
    assert e.NoTallyYet(stage="rec2", purpose="export").purpose == "export"
    assert e.NotSelectorDatabase("/tmp/x.db", "folder").reason == ""
    assert isinstance(err, e.RuleError) and err.exit_code == 1
    assert repr(err) == "NoTallyYet(stage='rec1', purpose='cut')"


def test_wrong_fields_are_refused_as_a_dataclass_refuses_them():
    with pytest.raises(TypeError):
        e.NoTallyYet()  # stage missing
    with pytest.raises(TypeError):
        e.NoTallyYet("rec1", "cut", "more")
    with pytest.raises(TypeError):
        e.NoTallyYet("rec1", stage="rec2")  # given twice
    with pytest.raises(TypeError):
        e.NoTallyYet("rec1", posts=("P01",))  # no such field


def test_a_subclass_adds_its_fields_after_its_bases():
    for cls in (c for c in vars(e).values() if isinstance(c, type) and issubclass(c, e.Typed) and c is not e.Typed):
        for base in cls.__mro__[1:]:
            if issubclass(base, e.Typed) and base is not e.Typed:
                names, base_names = [f.name for f in fields(cls)], [f.name for f in fields(base)]
                assert names[:len(base_names)] == base_names, cls
