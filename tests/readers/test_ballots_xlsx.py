"""XLSX ballot files written by other tools than Excel."""

from __future__ import annotations

import warnings
import zipfile

from selector.readers.tables import open_table
from support import ROOT



NO_NAMED_STYLE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                  '<fonts count="1"><font><sz val="11"/></font></fonts>'
                  '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
                  '<borders count="1"><border/></borders>'
                  '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellXfs>'
                  '</styleSheet>')


def test_workbook_without_default_style_reads_without_a_python_warning(tmp_path):
    source = ROOT / "examples" / "haimen-2011" / "rec2.xlsx"
    target = tmp_path / "全委会推荐票.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        for item in src.infolist():
            data = NO_NAMED_STYLE.encode() if item.filename == "xl/styles.xml" else src.read(item)
            out.writestr(item, data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = open_table(target)
        rows = list(table.rows)
    assert [str(w.message) for w in caught] == []
    assert table.header[:4] == ["选票编号", "类别", "废票", "审计局局长"]
    assert len(rows) == 56
