"""DOCX exports have their body written directly (`docx_parts`) as python-docx writes it: the
same bytes as `render_office.docx_python_docx`, for the documents of a real round and for
random ones."""

from hypothesis import given, settings
from hypothesis import strategies as st

from office_data import MOMENT, assert_same_file, example_documents
from selector.reports import docx_parts, render_office
from selector.reports.documents import Document, Section

PLAIN = list("aZ 0&<>\"'=#张伟（）：") + ["\t", "\r", "\n", "é", "😀", "\u3000"]
# most documents plain; some with characters the direct writer leaves to the library
ALPHABETS = st.sampled_from([PLAIN, PLAIN, PLAIN + ["\x01"]])


@st.composite
def documents(draw):
    text = st.text(st.sampled_from(draw(ALPHABETS)), max_size=12)
    cell = st.one_of(st.integers(-10**6, 10**6), text, st.sampled_from(["", " lead", "x" * 30, "张伟(审计)"]))

    def section():
        width = draw(st.integers(0, 8))
        headers = [draw(text) for _ in range(width)]
        rows = [[draw(cell) for _ in range(width)] for _ in range(draw(st.integers(0, 3)))] if width else []
        return Section(draw(st.sampled_from(["", "Post A", "审计局长（1）（职数 1 名）"])),
                       draw(st.lists(text, max_size=2)), headers, rows, draw(st.lists(text, max_size=2)))
    return Document(draw(st.sampled_from(["tally", "shortlist"])), draw(st.sampled_from(["zh-CN", "en"])),
                    draw(text), [(draw(text), draw(text)) for _ in range(draw(st.integers(0, 3)))],
                    [section() for _ in range(draw(st.integers(0, 3)))], draw(st.lists(text, max_size=2)),
                    [(draw(text), draw(st.sampled_from(["", "X"]))) for _ in range(draw(st.integers(0, 2)))],
                    draw(st.lists(text, max_size=2)))


def same(doc: Document) -> None:
    assert_same_file(doc, render_office.docx, render_office.docx_python_docx, "python-docx")


@settings(max_examples=120, deadline=None)
@given(documents())
def test_direct_body_is_python_docxs_bytes(doc):
    same(doc)


def test_the_round_documents_are_written_directly(counted, tmp_path):
    """Every document of the example round: written directly, byte for byte python-docx's."""
    counted()
    checked = 0
    for doc in example_documents(tmp_path / "selector.db"):
        _, blocks = render_office.docx_blocks(doc)
        assert docx_parts.body(blocks, render_office.DocxTemplates(), lambda s: [1] * len(s.headers),
                               render_office.table_looks) is not None
        same(doc)
        checked += 1
    assert checked >= 4


def test_run_text_is_what_python_docx_writes():
    assert docx_parts.run_text("") == ""
    assert docx_parts.run_text("a\tb\r\nc ") == '<w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:br/><w:t xml:space="preserve">c </w:t>'
    assert docx_parts.run_text("<&>") == "<w:t>&lt;&amp;&gt;</w:t>"
