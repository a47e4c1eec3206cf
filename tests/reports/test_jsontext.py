"""`jsontext.dumps` writes what `json.dumps(value, ensure_ascii=False, indent=2)` writes."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from selector.reports.jsontext import chunks, dumps, dumps_utf8

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(), st.floats(allow_nan=True),
                    st.sampled_from(["张伟", "\u200b", "\x00\x1f", "\"\\/", "\ud800", "😀", "\u2028"]))
KEYS = st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(st.text(max_size=8), inner, max_size=4),
    st.dictionaries(KEYS, inner, max_size=3)), max_leaves=25)


@settings(max_examples=500, deadline=None)
@given(VALUES)
def test_dumps_is_json_dumps_with_an_indent_of_2(value):
    assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_a_stage_view_shape():
    view = {"round": "r", "posts": [{"post": "P1", "results": [{"candidate": "C1", "share": "1/2", "no": None,
                                                                 "by_category": {}, "passed": True}],
                                     "void_list": [], "tie": {"tied": ["C1", "C2"], "slots": 1}}],
            "attendance": {"electorate": 10, "present": 9}, "certified_by": None}
    assert dumps(view) == json.dumps(view, ensure_ascii=False, indent=2)


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_chunks_and_utf8_are_the_same_text(value):
    text = json.dumps(value, ensure_ascii=False, indent=2)
    assert "".join(chunks(value)) == text
    try:
        expected = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: json.dumps(...).encode() raises too
        return
    assert dumps_utf8(value) == expected


def test_a_long_list_comes_in_several_chunks():
    value = [{"n": i, "name": "张伟"} for i in range(30_000)]
    assert len(chunks(value)) > 1
    assert dumps_utf8(value) == json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")
