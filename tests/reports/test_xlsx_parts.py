"""XLSX exports are written directly (`xlsx_parts`) as openpyxl writes them: the same bytes as
`render_office.xlsx_openpyxl`, for the documents of a real round and for random ones."""

import zipfile
from datetime import datetime, timezone
from io import BytesIO

from hypothesis import given, settings
from hypothesis import strategies as st

from selector.reports import render_office, xlsx_parts
from selector.reports.documents import Document, Section

MOMENT = datetime(2026, 5, 28, 8, 30, tzinfo=timezone.utc)
PLAIN = list("aZ 0&<>\"'=+-@#!/张伟（）：") + ["\t", "\r", "\n", "é", "😀"]
# most documents plain; some with characters the direct writer leaves to the library
ALPHABETS = st.sampled_from([PLAIN, PLAIN, PLAIN + ["\x01", "\x7f"]])


@st.composite
def documents(draw):
    text = st.text(st.sampled_from(draw(ALPHABETS)), max_size=12)
    cell = st.one_of(st.integers(-10**20, 10**20), text, st.sampled_from(["#N/A", "=SUM(A1)", "", " lead", "x" * 40]))

    def section():
        width = draw(st.integers(0, 4))
        headers = [draw(text) for _ in range(width)]
        rows = [[draw(cell) for _ in range(width)] for _ in range(draw(st.integers(0, 3)))] if width else []
        return Section(draw(st.sampled_from(["", "Post A", "post a", "审计局长（1）", "x" * 40, "A:B"])),
                       draw(st.lists(text, max_size=2)), headers, rows, draw(st.lists(text, max_size=2)))
    return Document(draw(st.sampled_from(["tally", "shortlist"])), draw(st.sampled_from(["zh-CN", "en"])),
                    draw(text) or "T", [(draw(text), draw(text)) for _ in range(draw(st.integers(0, 3)))],
                    [section() for _ in range(draw(st.integers(1, 4)))], draw(st.lists(text, max_size=1)),
                    [(draw(text), draw(st.sampled_from(["", "X"]))) for _ in range(draw(st.integers(0, 2)))],
                    draw(st.lists(text, max_size=1)))


def same(doc: Document) -> None:
    try:
        expected = render_office.xlsx_openpyxl(doc, MOMENT)
    except Exception as e:  # openpyxl refuses it: so must the export
        try:
            render_office.xlsx(doc, MOMENT)
        except type(e):
            return
        raise AssertionError(f"xlsx made a file openpyxl refused ({e!r})")
    made = render_office.xlsx(doc, MOMENT)
    if made != expected:
        with zipfile.ZipFile(BytesIO(made)) as a, zipfile.ZipFile(BytesIO(expected)) as b:
            assert a.namelist() == b.namelist()
            for name in a.namelist():
                assert a.read(name) == b.read(name), name
        assert made == expected


@settings(max_examples=150, deadline=None)
@given(documents())
def test_direct_parts_are_openpyxls_bytes(doc):
    same(doc)


def test_the_round_documents_are_written_directly(counted, run, tmp_path, monkeypatch):
    """Every document of the example round in both languages: the direct writer makes it, byte
    for byte what openpyxl makes."""
    counted()
    from selector.reports import documents as docs
    from selector.service.rounds import OpenRound
    from selector.storage.store import Store

    open_ = OpenRound(Store(tmp_path / "selector.db"), None, "test")
    checked = 0
    for stage in open_.round.stages:
        handler = open_.handler(stage)
        view = handler.view()
        for name in handler.documents:
            if name in ("notice", "record") or (name == "shortlist" and any(
                    p.get("advanced") is None for p in view["posts"])):
                continue
            doc = docs.build(name, open_.round, stage, view, "2026-05-28")
            plans = render_office.sheet_plans(doc)
            assert xlsx_parts.workbook(doc, plans, MOMENT,
                                       lambda kinds: render_office._cell_styles(doc, kinds, MOMENT)) is not None
            same(doc)
            checked += 1
    assert checked >= 4
