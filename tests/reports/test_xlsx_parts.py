"""XLSX exports are written directly (`xlsx_parts`) as openpyxl writes them: the same bytes as
`render_office.xlsx_openpyxl`, for the documents of a real round and for random ones."""

from hypothesis import given, settings
from hypothesis import strategies as st

from office_data import MOMENT, assert_same_file, example_documents
from selector.reports import render_office, xlsx_parts
from selector.reports.documents import Document, Section

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
    assert_same_file(doc, render_office.xlsx, render_office.xlsx_openpyxl, "openpyxl")


@settings(max_examples=150, deadline=None)
@given(documents())
def test_direct_parts_are_openpyxls_bytes(doc):
    same(doc)


def test_the_round_documents_are_written_directly(counted, tmp_path):
    """Every document of the example round: the direct writer makes it, byte for byte what
    openpyxl makes."""
    counted()
    checked = 0
    for doc in example_documents(tmp_path / "selector.db"):
        plans = render_office.sheet_plans(doc)
        assert xlsx_parts.workbook(doc, plans, MOMENT,
                                   lambda kinds: render_office._cell_styles(doc, kinds, MOMENT)) is not None
        same(doc)
        checked += 1
    assert checked >= 4
