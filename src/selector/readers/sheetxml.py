"""Reading a worksheet's rows fast, giving exactly what openpyxl's reader gives.

openpyxl's streaming parser makes a Python object for every XML element and a dict for
every cell: 100,000 ballots of 30 posts took ~20 s to read, 95 % of an XLSX tally. Here
the sheet's XML is unpacked in large blocks and cut into rows by regular expressions on
bytes; a row as Excel (and LibreOffice, WPS, xlsxwriter, openpyxl) writes it — cells
`<c r="B2" s="1" t="s"><v>7</v></c>`, attributes in that order, an inline string
`<is><t>…</t></is>` — is read by C-level matching and list operations (a block of rows of
shared strings and whole numbers alone, a ballot sheet as Excel saves it, all at once).
Anything else (a formula, rich text, another attribute order, an odd character reference,
a control character) is handed, row by row, to openpyxl's own parser, so no file reads
differently: the fast path only takes the shapes it can read exactly as openpyxl does, and
`tests/readers/test_sheetxml.py` holds both paths to the same rows.

The shared strings are read the same way (the whole table, when every item is plain
text), and the rest of the workbook (sheets, visibility, styles, dates) by openpyxl.
The sheet is never held whole: memory is a block of XML at a time (with a copy or two of it,
and its cells' texts).
"""

from __future__ import annotations

import re
from typing import Iterator

from selector.records import dataclass

MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BLOCK = 1 << 20  # bytes of unpacked XML read at a time

_ENTITY = re.compile(rb'&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));')
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"', b"apos": "'"}
_SHEET_DATA = re.compile(rb'<sheetData\s*(/?)>')
_ROOT = re.compile(rb'<([A-Za-z_][\w.:-]*)(\s[^>]*)?>')
_XMLNS = re.compile(rb'\sxmlns(:[\w.-]+)?\s*=\s*["\']([^"\']*)["\']')


class Unusual(Exception):
    """Text the fast path does not read exactly as openpyxl would: read it with openpyxl."""


def _char(m: re.Match) -> str:
    named, dec, hexa = m.groups()
    if named:
        return _NAMED[named]
    code = int(dec) if dec else int(hexa, 16)
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD \
            or 0x10000 <= code <= 0x10FFFF:
        return chr(code)
    raise Unusual  # a reference XML does not allow: openpyxl's parser refuses the file


def text(raw: bytes) -> str:
    """The text an XML parser gives for `raw`, the bytes between two tags: line ends
    normalised (CRLF and CR to LF) and the five entities and character references
    replaced. Anything else after "&" raises Unusual (openpyxl's parser decides)."""
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if b"&" not in raw:
        return raw.decode("utf-8")
    if raw.count(b"&") != len(_ENTITY.findall(raw)):
        raise Unusual  # a bare "&" or an entity XML does not define
    return _ENTITY.sub(lambda m: _char(m).encode("utf-8"), raw).decode("utf-8")


# -- shared strings --------------------------------------------------------------------

_SI = re.compile(rb'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>')


def shared_strings(data: bytes) -> list[str] | None:
    """The shared strings table as openpyxl's `read_string_table` reads it, when every item
    is plain text (`<si><t>…</t></si>`, as Excel writes all but rich text); None otherwise
    (the caller lets openpyxl read it). Each item holds four "<" and text none, so when the
    table holds four times as many as items found, it holds nothing else. (No regex over
    the whole table: one repeated 300,000 times kept ~150 MB of backtracking state.)"""
    head = _document(data)
    end = data.rfind(b"</sst>")
    if head is None or end < 0:
        return None
    start = head[0] + len(head[1])
    found = _SI.findall(data, start, end)
    if data.count(b"<", start, end) != 4 * len(found) or _controls(data[start:end]):
        return None
    try:
        if data.find(b"&", start, end) < 0 and data.find(b"\r", start, end) < 0:
            strings = [s.decode("utf-8") for s in found]
        else:
            strings = [text(s) for s in found]
    except (Unusual, UnicodeDecodeError):
        return None
    if data.find(b"x005F_", start, end) >= 0:  # openpyxl drops this escape's prefix
        strings = [s.replace("x005F_", "") for s in strings]
    return strings


def _document(data: bytes) -> tuple[int, bytes] | None:
    """(where the root element starts, its start tag) when the part is UTF-8 XML whose root
    element has no prefix, the SpreadsheetML namespace as its default and no prefix bound
    to that namespace; else None (openpyxl reads it)."""
    at = 0
    if data.startswith(b"\xef\xbb\xbf"):
        at = 3
    if data.startswith(b"<?xml", at):
        end = data.find(b"?>", at)
        if end < 0:
            return None
        decl = data[at:end].lower()
        m = re.search(rb'encoding\s*=\s*["\']([^"\']*)["\']', decl)
        if m and m.group(1) not in (b"utf-8", b"utf8"):
            return None
        at = end + 2
    m = _ROOT.search(data, at)
    if m is None or data[at:m.start()].strip() or b":" in m.group(1):
        return None
    spaces = dict(_XMLNS.findall(m.group(2) or b""))
    if spaces.get(b"") != MAIN_NS or any(uri == MAIN_NS for pfx, uri in spaces.items() if pfx):
        return None
    return m.start(), m.group(0)


# -- sheets -----------------------------------------------------------------------------

# A row's start tag after "<row": r first, then attributes whose names are well formed (at most
# one prefix) and not r again (XML forbids an attribute twice: openpyxl's parser refuses it).
_ATTRIBUTE_NAME = rb'(?!r=)[A-Za-z_][\w.-]*+(?::[A-Za-z_][\w.-]*+)?+'
_ROW_ATTRS = re.compile(rb'\s+r="([1-9][0-9]{0,6})"(?:\s+' + _ATTRIBUTE_NAME + rb'="[^"<&]*")*\s*')
# A cell as Excel writes it: its column, style, type, <v>'s text, and an inline string's text.
_CELL = (rb'<c r="([A-Z]{1,3})[0-9]+"(?: s="([0-9]{1,9})")?(?: t="([a-zA-Z]+)")?'
         rb'(?:/>|>(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)')
_CELLS = re.compile(_CELL)
_PLAIN_ROW = re.compile(rb'(?:\s*' + _CELL + rb')*\s*')
# The row of a ballot sheet as Excel writes it: nothing but shared-string cells side by side.
# Checked whole without groups, then its letters and string numbers taken in two C passes.
# (Possessive quantifiers, "++", here and below: nothing needs to give back what it took, and
# the matcher then keeps no state to do so: twice as fast.)
_CELL_HEAD = rb'<c r="[A-Z]{1,3}+[0-9]++"(?: s="[0-9]{1,9}+")?+'  # a cell's column and style, as Excel writes them
_STRINGS_ROW = re.compile(rb'(?:' + _CELL_HEAD + rb' t="s"><v>[0-9]++</v></c>)++')
_LETTERS = re.compile(rb'<c r="([A-Z]{1,3})')
_STRING_NUMBERS = re.compile(rb'<v>([0-9]+)</v>')
# A block of rows of plain cells — shared strings, and whole numbers as a ballot number typed
# as a number (t="n": LibreOffice) — or empty ones, checked whole in one pass: the strings'
# numbers and the numbers are then taken in one pass each, and a row's are a slice of them.
# (XML's white space, and attribute values of printable ASCII: no character XML forbids.)
_PLAIN_CELL = _CELL_HEAD + rb'(?: t="s"><v>[0-9]{1,9}+|(?: t="n")?+><v>[0-9]{1,15}+)</v></c>'
_PLAIN_PART = re.compile(rb'(?:[ \t\r\n]*+<row[ \t\r\n]++r="[1-9][0-9]{0,6}+"'
                         rb'(?:[ \t\r\n]++' + _ATTRIBUTE_NAME + rb'="[ !#-%\'-;=-~]*+")*+[ \t\r\n]*+>'
                         rb'(?:' + _PLAIN_CELL + rb')*+</row>)*+[ \t\r\n]*+')
_ROW_NUMBERS = re.compile(rb'<row[ \t\r\n]+r="([0-9]+)"')
_PART_STRINGS = re.compile(rb't="s"><v>([0-9]++)')
_PART_VALUES = re.compile(rb'<v>([0-9]++)')
_NUMBER_STYLES = re.compile(rb' s="([0-9]++)"(?: t="n")?><v>')
# What a row of `_PLAIN_PART` keeps of its XML as the key to its layout: each tag's "<",
# quotes, capital letters (its cells' column letters) and "n", "s", "t" (their kinds). A
# cell's part of the key starts '<"' and its letters (its row's tag: '<""', r's digits gone),
# then 's""' for a style and 't"s"' for a string.
_NOT_SHAPE = bytes(c for c in range(256) if c not in b'<"nstABCDEFGHIJKLMNOPQRSTUVWXYZ')
_KEY_KINDS = re.compile(rb'<"[A-Z]++"(?:s"")?+(t"s")?')  # b't"s"' for a string cell, b"" for a number
# What XML forbids in text (openpyxl's parser refuses it): such a block goes to openpyxl.
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 13))


@dataclass(slots=True)
class Row:
    """A row as read: its number, the values by column (index 0 is column A), how many cells
    hold a value, the first and last cell's columns (last 0: no cell), the refusal for its
    first cell that cannot be read as a value (or None), whether `values` are already
    the texts of the cells ("" for none) rather than openpyxl's values (None for none), and
    a length no text in it exceeds, when one is known without measuring each."""

    idx: int
    values: list
    filled: int
    first: int
    last: int
    problem: Exception | None = None
    text: bool = False
    bound: int | None = None


class Sheet:
    """The rows of one worksheet, read from its XML in blocks (see the module's doc).

    `source()` opens the sheet's XML; `parser()` makes openpyxl's cell parser set up as the
    workbook's (shared strings, styles, dates): the rows the fast path leaves are read with
    it, `convert(idx, cells, width)` turns its cells into a Row with `refusal(kind, row,
    column, value)` for a cell that holds no value to count, and `cell_text` a value into
    the text of a cell. A sheet the fast path cannot cut into rows safely (a comment, CDATA
    or processing instruction, a namespace declared inside the rows, not UTF-8) is read by
    openpyxl's parser from the start, the rows already given skipped (they read the same).
    """

    def __init__(self, source, parser, strings: list[str], convert, refusal, cell_text, width: int,
                 date_styles: frozenset[int]):
        self.source, self.parser, self.strings = source, parser, strings
        self.convert, self.refusal, self.cell_text, self.width = convert, refusal, cell_text, width
        self.dates = date_styles  # styles that make a number a date (or a time span)
        self.root = b""  # the root element's start tag
        self.counter = 0  # the last row's number, as openpyxl counts rows without r=
        self.given = 0  # row elements read so far
        self.merged: list[str] = []  # the merged ranges listed after the rows (once they are read)
        self.row_parser = parser(None)
        self.by_index = _Strings(strings)  # b"12" → the 13th shared string
        self.layouts: dict[tuple[bytes, ...], tuple] = {}  # see _layout
        self.shapes: dict[bytes, tuple] = {}  # see _plain_part
        self.blank_string = "" in strings  # can a string cell be empty?
        self.longest_string = max(map(len, strings), default=0)  # (no string cell is longer)

    def rows(self) -> Iterator[Row]:
        with self.source() as src:
            buf = src.read(BLOCK)
            head = _document(buf)
            if head is None:
                yield from self._openpyxl()
                return
            self.root = head[1]
            buf = buf[head[0] + len(head[1]):]
            while True:
                m = _SHEET_DATA.search(buf)
                if m is not None or len(buf) > 64 * BLOCK:
                    break
                block = src.read(BLOCK)
                if not block:
                    break
                buf += block
            if m is None or _odd(buf[:m.start()]):
                yield from self._openpyxl()
                return
            if m.group(1):  # <sheetData/>
                yield from self._rest(buf[m.end():], src)
                return
            buf = buf[m.end():]
            done = False
            while not done:
                end = buf.find(b"</sheetData>")
                if end >= 0:
                    part, done, rest = buf[:end], True, buf[end + 12:]
                else:
                    block = src.read(BLOCK)
                    cut = buf.rfind(b"</row>")
                    if not block:
                        part, done = buf, True  # no </sheetData>: the parser will say what is wrong
                    elif cut < 0:
                        buf += block
                        continue
                    else:
                        part, buf = buf[:cut + 6], buf[cut + 6:] + block
                texts = self._plain(part)
                if texts is not None:
                    yield from self._plain_part(part, texts)
                elif _odd(part):
                    yield from self._openpyxl()
                    return
                else:
                    yield from self._row_by_row(part)
            # the rest after </sheetData>; without one, the parser says what is wrong
            yield from self._rest(rest if end >= 0 else b"", src)

    def _rest(self, rest: bytes, src) -> Iterator[Row]:
        """The XML after the rows, read to its end by openpyxl's parser: the merged ranges it
        lists are kept, and a row it finds there (no writer puts one) is given as openpyxl gives it."""
        import io

        parts = [rest]
        while block := src.read(BLOCK):
            parts.append(block)
        parser = self.parser(io.BytesIO(self.root + b"".join(parts)))
        for idx, cells in parser.parse():
            self.given += 1
            yield self.convert(idx, cells, self.width)
        self.merged = [r.ref for r in (parser.merged_cells.mergeCell if parser.merged_cells else ())]

    def _openpyxl(self) -> Iterator[Row]:
        """The rows after those given, as openpyxl's parser reads the whole sheet."""
        with self.source() as src:
            parser = self.parser(src)
            seen = 0
            for idx, cells in parser.parse():
                seen += 1
                if seen > self.given:
                    yield self.convert(idx, cells, self.width)
            self.merged = [r.ref for r in (parser.merged_cells.mergeCell if parser.merged_cells else ())]

    def _plain(self, part: bytes) -> list[str] | None:
        """The texts of the shared strings that the cells of `part` (whole rows of the sheet's
        XML) name, in order, when its rows hold plain cells alone (`_PLAIN_PART`), as Excel
        saves a ballot sheet (and nothing `_odd` looks for: the regex takes no "<!", "<?" or
        control character); None for any other part: read row by row (as is one with a
        number in a date's style, or a string number past the table, which is then refused
        in its own row), or by openpyxl's parser when `_odd` (a namespace declaration)."""
        if b"xmlns" in part or not _PLAIN_PART.fullmatch(part):
            return None
        try:
            texts = list(map(self.by_index.__getitem__, _PART_STRINGS.findall(part)))
        except IndexError:
            return None
        if self.dates and len(texts) != part.count(b"<v>") and (0 in self.dates or not self.dates.isdisjoint(
                map(int, _NUMBER_STYLES.findall(part)))):  # a number in a date's style (no s=: style 0)
            return None
        return texts

    def _plain_part(self, part: bytes, texts: list[str]) -> Iterator[Row]:
        """The rows of `part`, which `_PLAIN_PART` matched whole, `texts` the shared strings its
        cells name in order: each row takes as many as it has, and as many of the part's
        numbers (found when a row first holds one). Rows whose XML keeps the same tags,
        quotes, capitals and kinds have the same cells in the same columns, so share a layout
        (an attribute's value holds no "<" or quote: each tag's part of the key is its own)."""
        shapes = self.shapes
        width = self.width
        blank, bound = self.blank_string, max(self.longest_string, 15)
        at = on = 0
        numbers = None
        for piece, idx in zip(part.split(b"</row>"), map(int, _ROW_NUMBERS.findall(part))):
            key = piece.translate(None, _NOT_SHAPE)
            shape = shapes.get(key)
            if shape is None:
                shape = self._plain_layout(key)
                if len(shapes) < 1 << 10:
                    shapes[key] = shape
            ns, nn, first, last, place = shape
            if ns or nn:
                got = texts[at:at + ns]
                at += ns
                filled = ns + nn - got.count("") if blank else ns + nn
                if nn:  # the numbers' texts first (as openpyxl: an int, as text)
                    if numbers is None:  # (each "<v>" but a string's)
                        numbers = _PART_VALUES.findall(part.replace(b't="s"><v>', b't="s"><w>'))
                    got[:0] = map(str, map(int, numbers[on:on + nn]))
                    on += nn
                if place is not None:
                    got.append("")
                    got = list(map(got.__getitem__, place))
                row = Row(idx, got, filled, first, last, None, True, bound)
            else:
                row = Row(idx, [""] * width, 0, 1, 0, None, True, 0)
            self.counter = idx
            self.given += 1
            yield row

    def _plain_layout(self, key: bytes) -> tuple[int, int, int, int, list[int] | None]:
        """A row of plain cells (its shape `key`): how many strings and numbers it
        holds, and where its texts, the numbers' then the strings' (a ballot number typed as a
        number comes first), go (as `_layout`)."""
        cells = key.split(b'<"')[2:]  # (the row's tag starts '<""', and each of its cells '<"')
        if not cells:
            return 0, 0, 1, 0, None
        cols = list(map(_CELL_COLUMNS.__getitem__, cells))  # (split in C: a regex took nearly twice as long)
        n = len(cols)
        strings = key.count(b't"s"', key.index(b"<", 1))  # (in the cells' part: after the row's own tag)
        if strings == n:
            return (n, 0, *_place(cols, None, self.width))
        kinds = _KEY_KINDS.findall(key)
        numbers = [k for k in range(n) if not kinds[k]]
        order = numbers + [k for k in range(n) if kinds[k]]  # the texts' order: numbers, then strings
        index = [0] * n
        for i, k in enumerate(order):
            index[k] = i
        return (strings, n - strings, *_place(cols, index, self.width))

    def _row_by_row(self, part: bytes) -> Iterator[Row]:
        """The rows of `part` one by one. A row written <row …/> next to another, or one the
        fast path cannot read, goes to openpyxl's parser: its start tag does not match, or
        its body holds more "<" than its cells."""
        pieces = part.split(b"</row>")
        tail = pieces.pop()  # after the last </row>: "" or rows written <row …/>
        for piece in pieces:
            start = 0 if piece.startswith(b"<row") else piece.find(b"<row")
            gt = piece.find(b">", start)
            row = None
            if start >= 0 and gt >= 0 and not (start and piece[:start].strip()):
                a = _ROW_ATTRS.fullmatch(piece, start + 4, gt)
                if a is not None:
                    try:
                        row = self._row(int(a.group(1)), piece[gt + 1:])
                    except (Unusual, UnicodeDecodeError):
                        row = None
            if row is None:
                yield from self._slow(piece + b"</row>")
                continue
            self.counter = row.idx
            self.given += 1
            yield row
        if tail.strip():
            yield from self._slow(tail)

    def _row(self, idx: int, body: bytes) -> Row | None:
        """The row of `body` (the XML between <row …> and </row>), or None when it holds
        anything but cells as Excel writes them."""
        if not body:
            return Row(idx, [""] * self.width, 0, 1, 0, None, True)
        if _STRINGS_ROW.fullmatch(body):
            letters, problem = tuple(_LETTERS.findall(body)), None
            got = list(map(self.by_index.__getitem__, _STRING_NUMBERS.findall(body)))  # IndexError: damaged
        else:
            read = self._cells(idx, body)
            if read is None:
                return None
            letters, got, problem = read
        layout = self.layouts.get(letters)
        if layout is None:
            layout = self._layout(letters)
        first, last, place = layout
        filled = len(got) - got.count("")
        if place is not None:
            got.append("")
            got = list(map(got.__getitem__, place))
        return Row(idx, got, filled, first, last, problem, True)

    def _cells(self, idx: int, body: bytes) -> tuple[tuple[bytes, ...], list[str], Exception | None] | None:
        """A row's cells in any shape `_CELL` reads: their column letters, texts and the refusal
        for the first that holds no value to count; None when the row holds anything else."""
        cells = _CELLS.findall(body)
        if not cells:
            return None
        letters, styles, kinds, raw, inline = zip(*cells)
        n = len(letters)
        # Nothing but cells? A cell with a value holds 4 "<" (6 with an inline string), and
        # text cannot hold one: when the row holds as many, there is nothing else in it.
        valued, spelled = n - raw.count(b""), n - inline.count(b"")
        if (valued + spelled != n or body.count(b"<") != 4 * valued + 6 * spelled) \
                and not _PLAIN_ROW.fullmatch(body):
            return None
        problem = None
        if kinds.count(b"s") == n and b"&" not in body:
            return letters, list(map(self.by_index.__getitem__, raw)), None  # IndexError: damaged
        got = []
        text_of = self.cell_text
        for letter, style, kind, v, t in zip(letters, styles, kinds, raw, inline):
            value, bad = self._value(idx, _COLUMNS[letter] + 1, style, kind, v, t)
            if bad is not None and problem is None:
                problem = bad
            got.append(text_of(value))
        return letters, got, problem

    def _layout(self, letters: tuple[bytes, ...]) -> tuple[int, int, list[int] | None]:
        """Where the cells of a row with these column letters go (`_place`). Rows share a few
        layouts (the blanks of a ballot sheet), so they are kept."""
        layout = _place(list(map(_COLUMNS.__getitem__, letters)), None, self.width)
        if len(self.layouts) < 1 << 10:  # the common ones come early
            self.layouts[letters] = layout
        return layout

    def _value(self, idx, col, style, kind, v, t):
        """A cell's value as openpyxl's `parse_cell` gives it (data_only), and the caller's
        refusal when it is an error value; Unusual when openpyxl must read it."""
        if kind == b"inlineStr":
            return (text(t) if t else None), None
        value = text(v) if v else None
        if not value:
            return None, None
        if kind in (b"", b"n"):
            if int(style or 0) in self.dates:  # (no style is style 0, as openpyxl reads it)
                raise Unusual  # a date: openpyxl converts it (and refuses one out of range)
            return (float(value) if ("." in value or "E" in value or "e" in value) else int(value)), None
        if kind == b"s":
            return self.strings[int(value)], None
        if kind == b"b":
            return bool(int(value)), None
        if kind == b"str":
            return value, None
        if kind == b"e":
            return value, self.refusal("e", idx, col, value)
        raise Unusual  # t="d" (an ISO date) or a type openpyxl keeps as written

    def _slow(self, xml: bytes) -> Iterator[Row]:
        """The rows in `xml` (whole rows, or what stands between them) as openpyxl's parser
        reads them, inside the sheet's root element as in the whole sheet."""
        from openpyxl.worksheet._reader import ROW_TAG
        from openpyxl.xml.functions import fromstring

        name = _ROOT.match(self.root).group(1)
        tree = fromstring(self.root + xml + b"</" + name + b">")
        for element in tree.iter(ROW_TAG):
            self.row_parser.row_counter = self.counter
            idx, cells = self.row_parser.parse_row(element)
            self.counter = idx
            self.given += 1
            yield self.convert(idx, cells, self.width)


def _place(cols: list[int], index: list[int] | None, width: int) -> tuple[int, int, list[int] | None]:
    """Where a row's texts go, its cells in columns `cols` (counted from 0) and their texts in
    a list at `index` (None: in the cells' order): the first cell's and the last column
    (counted from 1), and for each column of the row the place of its text (n: none; the last
    cell written to a column wins, as in openpyxl), or None when the texts are columns 1…n
    in order and the row is at least as wide as the sheet."""
    n = len(cols)
    last = max(cols) + 1
    if last == n and n >= width and cols == list(range(n)) and (index is None or index == cols):
        return 1, last, None
    place = [n] * max(width, last)
    any(map(place.__setitem__, cols, range(n) if index is None else index))  # (in the cells' order)
    return cols[0] + 1, last, place


def _odd(xml: bytes) -> bool:
    """Might `xml` hide a row's end or rebind a name (a comment, CDATA, a processing
    instruction, a namespace declaration), or hold a character XML forbids? ("!" and "?"
    are searched alone first: one byte is found faster than "<!" among a million "<".)"""
    return (b"!" in xml and b"<!" in xml) or (b"?" in xml and b"<?" in xml) or b"xmlns" in xml \
        or _controls(xml)


def _controls(xml: bytes) -> bool:
    """Does `xml` hold a control character XML forbids (openpyxl's parser refuses it)?"""
    return len(xml.translate(None, _CONTROL)) != len(xml)


class _Columns(dict):
    """b"A" → 0, b"AB" → 27: a column's letters to its index counted from 0."""

    def __missing__(self, letters: bytes) -> int:
        n = 0
        for c in letters:
            n = n * 26 + c - 64
        self[letters] = n - 1
        return n - 1


_COLUMNS = _Columns()


class _CellColumns(dict):
    """A cell's part of a row's key after its '<"' (b'AB"s""t"s"<<<': `_NOT_SHAPE`) → its
    column counted from 0. A sheet's cells have a few such parts to a column (with a style or
    none, a string or a number); a row whose layout is its own (its blanks) looks them up."""

    def __missing__(self, cell: bytes) -> int:
        col = _COLUMNS[cell[:cell.index(b'"')]]
        if len(self) < 1 << 12:
            self[cell] = col
        return col


_CELL_COLUMNS = _CellColumns()


class _Strings(dict):
    """A shared string by the text of `<v>`, as openpyxl finds it: strings[int(text)]."""

    def __init__(self, strings: list[str]):
        super().__init__()
        self.strings = strings

    def __missing__(self, v: bytes) -> str:
        found = self.strings[int(v.decode("utf-8"))] if v else ""  # as openpyxl: int of the text
        if len(self) < 1 << 16:  # the names a sheet repeats, not every ballot number
            self[v] = found
        return found


def load(path):
    """The workbook as openpyxl's `load_workbook(path, read_only=True, data_only=True)`
    gives it, its shared strings read by `shared_strings` (openpyxl's reader took ~0.5 s
    for 100,000 ballot numbers) unless they are not all plain text."""
    import io

    from openpyxl.reader.excel import ExcelReader
    from openpyxl.reader.strings import read_string_table
    from openpyxl.xml.constants import SHARED_STRINGS

    class Reader(ExcelReader):
        def read_strings(self):
            ct = self.package.find(SHARED_STRINGS)
            if ct is not None:
                data = self.archive.read(ct.PartName[1:])
                strings = shared_strings(data)
                self.shared_strings = read_string_table(io.BytesIO(data)) if strings is None else strings

    reader = Reader(path, read_only=True, data_only=True)
    reader.read()
    return reader.wb
