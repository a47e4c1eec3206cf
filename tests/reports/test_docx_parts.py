"""DOCX exports have their body written directly (`docx_parts`) as python-docx writes it: the
same bytes as `render_office.docx_python_docx`, for the documents of a real round and for
random ones."""

from hypothesis import given, settings
from hypothesis import strategies as st

from office_data import assert_same_file, example_documents
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


def test_a_wide_notice_keeps_its_short_columns_on_one_line():
    """A 公示's eleven columns on landscape A4 (issue 15, seen rendered): 民族 and 性别 kept the
    room their text needs (汉族 on one line), the unit and post columns share the rest and wrap."""
    headers = ["序号", "姓名", "性别", "出生年月", "民族", "籍贯", "学历", "政治面貌", "参加工作时间",
               "现工作单位及职务", "考察职位"]
    rows = [[i, "张建华(兴仁镇)", "男", "1974-02", "汉族", "江苏海门", "研究生(在职)", "中共党员", "1996-08",
             "海兴镇兴隆村党总支书记助理", "安平镇副镇长(定向选拔大学生村干部)"] for i in range(1, 91)]
    room = 267 * 36000  # landscape A4 between 15 mm margins, in EMU
    widths = render_office.column_widths(Section("", [], headers, rows), room)
    assert sum(widths) <= room
    need = {"序号": 4, "性别": 4, "民族": 4, "出生年月": 8, "政治面貌": 8, "参加工作时间": 12}  # display width
    for header, text in need.items():
        assert widths[headers.index(header)] >= (text + 2) * render_office.TEXT_UNIT, header
    assert widths[-1] > widths[-2] > widths[headers.index("民族")]
    # a table with room to spare is shared out in proportion as before
    few = render_office.column_widths(Section("", [], ["序号", "姓名"], [[1, "王芳"]]), room)
    assert few[0] == few[1] == room // 2
