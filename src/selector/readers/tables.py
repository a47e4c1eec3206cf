"""Opening the files clerks bring: CSV (UTF-8, BOM or not, GB18030 from Excel) or XLSX.

`open_table` turns a file into a header and raw rows (cells as text, as read), streamed in
chunks; `decode` reads a whole small text file (a roster) with the same encoding rules.
Neither knows what the rows mean: that is `ballots.interpret` and `findings`, so a recount
from stored rows uses exactly the code a tally used.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import errno
import functools
import hashlib
import io
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from selector.csvtext import plain_text, rows_of
from selector.errors import BallotFileError, Located
from selector.i18n import N_
from selector.records import dataclass, field

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk")
CHUNK = 1 << 20
Row = tuple[int, list[str]]  # (row number in the file, cells)


@dataclass
class Chunk:
    """A run of consecutive rows as read. `text` is the CSV text they were parsed from, line
    breaks and quotes included, starting at row `first` (row 1, the header, is in the first
    chunk's text but not in its rows), or made from workbook cells (`_sheet_chunk`); None for
    workbook rows stored as JSON."""

    first: int
    last: int
    rows: list[Row]
    text: str | None = None
    raw: bytes | None = None  # a UTF-8 file's chunk: `text` as the file holds it (`_Utf8Text.take`)

    @property
    def size(self) -> int:
        """How many rows it holds."""
        return len(self.rows)


class CsvChunk(Chunk):
    """A chunk with CSV text (a CSV file's, or plain workbook rows'): its rows' cells as
    parsed or read (`cells`, the first on row `start`), numbered
    only when `rows` is asked for (a million (line, cells) pairs made and freed were a
    sixth of reading a long file; the long layout reads `cells` itself). A chunk of plain
    text (`csvtext.plain_text`) keeps its line `end` and splits its rows, the lines of
    `text` from `at`, when `cells` is first asked for: a long file's runs split that text
    into one list of cells instead (`csvtext.flat_rows`)."""

    def __init__(self, first: int, last: int, cells: list[list[str]] | None, start: int, text: str | None = None,
                 end: str | None = None, at: int = 0, raw: bytes | None = None):
        self.first, self.last, self._cells, self.start, self.text = first, last, cells, start, text
        self.end, self.at, self.raw = end, at, raw

    @property
    def plain(self) -> str | None:
        """The rows' plain text (with `end` its line end), while `cells` has not split it."""
        return None if self.end is None else self.text[self.at:]

    @property
    def cells(self) -> list[list[str]]:
        if self._cells is None:
            self._cells, self.end = rows_of(self.plain, self.end), None
        return self._cells

    @property
    def rows(self) -> list[Row]:
        return list(enumerate(self.cells, self.start))

    @property
    def size(self) -> int:
        return len(self._cells) if self._cells is not None else self.last - self.start + 1


@dataclass
class Table:
    """A ballot file as read: its header, raw rows (streamed in chunks) and fingerprint."""

    name: str
    sha256: str
    encoding: str
    header: list[str]
    chunks: Iterator[Chunk]
    size: int = 0
    progress: Callable[[], int] = field(default=lambda: 0)  # bytes read so far (CSV)
    guessed: bool = False  # read as UTF-8 from what its first piece showed (`open_table(guess=True)`)

    @property
    def rows(self) -> Iterator[Row]:
        """The rows after the header, one at a time."""
        for chunk in self.chunks:
            yield from chunk.rows

    def close(self) -> None:
        """Release the file now, also when a refusal stopped reading half-way."""
        close = getattr(self.chunks, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def placed(err: Located, cls: type[Located] | None = None, **place) -> Located:
    """The refusal `err` at another place: the place fields given replace its own (None drops
    one); as `cls`, by default its own type. Template and fields are kept, so it is worded
    (and translated) as before."""
    return (cls or type(err))(err.template, err.details, **{**err.place, **place}, **err.params)


def cell_place(line: int, col: int, header: list[str] | None) -> dict:
    """The place of a cell as a refusal names it: row and column, and the column's heading
    except on row 1 (the headings themselves) or before the header was read."""
    if line == 1 or header is None:
        return {"row": line, "column": col}
    return {"row": line, "column": col, "heading": header[col - 1] if col <= len(header) else ""}


# What a path that is not a regular file is, in the words of the file it should have been
# (a translation words each sentence whole).
NOT_A_FILE = {
    "ballot file": {
        "loop": N_("a symbolic link loop (the link leads back to itself): give the ballot file itself"),
        "folder": N_("is a folder, not a ballot file"),
        "fifo": N_("is a FIFO (named pipe), not a file: give the ballot file itself"),
        "socket": N_("is a socket, not a file: give the ballot file itself"),
        "device": N_("is a device, not a file: give the ballot file itself"),
        "other": N_("is not a regular file, not a file: give the ballot file itself"),
    },
    "round file": {
        "loop": N_("a symbolic link loop (the link leads back to itself): give the round file itself"),
        "folder": N_("is a folder, not a round file"),
        "fifo": N_("is a FIFO (named pipe), not a file: give the round file itself"),
        "socket": N_("is a socket, not a file: give the round file itself"),
        "device": N_("is a device, not a file: give the round file itself"),
        "other": N_("is not a regular file, not a file: give the round file itself"),
    },
    "roster file": {
        "loop": N_("a symbolic link loop (the link leads back to itself): give the roster file itself"),
        "folder": N_("is a folder, not a roster file"),
        "fifo": N_("is a FIFO (named pipe), not a file: give the roster file itself"),
        "socket": N_("is a socket, not a file: give the roster file itself"),
        "device": N_("is a device, not a file: give the roster file itself"),
        "other": N_("is not a regular file, not a file: give the roster file itself"),
    },
    "sitting record": {
        "loop": N_("a symbolic link loop (the link leads back to itself): give the sitting record itself"),
        "folder": N_("is a folder, not a sitting record"),
        "fifo": N_("is a FIFO (named pipe), not a file: give the sitting record itself"),
        "socket": N_("is a socket, not a file: give the sitting record itself"),
        "device": N_("is a device, not a file: give the sitting record itself"),
        "other": N_("is not a regular file, not a file: give the sitting record itself"),
    },
    "papers file": {
        "loop": N_("a symbolic link loop (the link leads back to itself): give the papers file itself"),
        "folder": N_("is a folder, not a papers file"),
        "fifo": N_("is a FIFO (named pipe), not a file: give the papers file itself"),
        "socket": N_("is a socket, not a file: give the papers file itself"),
        "device": N_("is a device, not a file: give the papers file itself"),
        "other": N_("is not a regular file, not a file: give the papers file itself"),
    },
}


def regular_file(path: Path, name: str, what: str) -> os.stat_result:
    """Refuse anything but a regular file (through symbolic links), saying what it is: a FIFO
    or a device would block or never end, and "no such file" for them misleads. `what` is
    the file it should be: a key of NOT_A_FILE."""
    words = NOT_A_FILE[what]
    try:
        st = os.stat(path)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise BallotFileError(words["loop"], file=name) from None
        if e.errno in (errno.ENOENT, errno.ENOTDIR):
            if os.path.islink(path):
                raise BallotFileError("a symbolic link to a missing file ({target})", file=name,
                                      target=os.readlink(path)) from None
            raise BallotFileError("no such file", file=name) from None
        raise BallotFileError("cannot read it ({why})", file=name, why=e.strerror) from None
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return st
    if stat.S_ISDIR(mode):
        raise BallotFileError(words["folder"], file=name)
    kind = ("fifo" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode)
            else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "other")
    raise BallotFileError(words[kind], file=name)


# Bytes beyond one for each character, found decoding a file's first pieces as UTF-8, after
# which `open_table(guess=True)` reads it as UTF-8 without decoding the rest first (each
# character outside ASCII adds one to three; a file in Chinese shows that many in its first
# piece). A guess: GBK text can start out reading as UTF-8, so a caller that finds it wrong
# reads the file again (`GuessedWrong`, `utf8_throughout`).
UTF8_SHOWN = 64
GUESS_STEP = 1 << 14  # bytes decoded at a time while guessing (a file in Chinese shows enough in its first)


class GuessedWrong(Exception):
    """A file read as UTF-8 from what its first piece showed (`open_table(guess=True)`) has
    bytes further on that are not: whatever was read of it must be read again, the encoding
    told from every byte."""


def file_digest(path: Path, guess: bool = False) -> tuple[str, int, bool, bool]:
    """SHA-256, size, whether the bytes are valid UTF-8, and whether that is a guess: with
    `guess`, decoding stops once they have shown UTF8_SHOWN bytes of characters outside
    ASCII (the rest is decoded as it is read)."""
    h = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, size, shown = True, 0, 0
    enough = UTF8_SHOWN if guess else float("inf")
    step = GUESS_STEP if guess else CHUNK  # (a guess decodes a piece in steps, until enough is shown)
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            size += len(chunk)
            h.update(chunk)
            at = 0
            while utf8 and shown < enough and at < len(chunk):
                part = chunk[at:at + step]
                at += step
                try:
                    shown += len(part) - len(decoder.decode(part))
                except UnicodeDecodeError:
                    utf8 = False
    if utf8 and shown < enough:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return h.hexdigest(), size, utf8, utf8 and shown >= enough


def utf8_throughout(path: Path) -> bool:
    """Are all of a file's bytes valid UTF-8 (a guess checked, `GuessedWrong`)?"""
    return file_digest(path)[2]


def open_table(path: str | Path, *, encoding: str | None = None, sheet: str | None = None,
               guess: bool = False) -> Table:
    """Open a CSV or XLSX ballot file; rows stream as they are read. With `guess`, a CSV file
    whose first piece shows UTF-8 is read as UTF-8 without decoding the rest first (the
    table is `guessed`): a byte further on that is not UTF-8 raises GuessedWrong, and a
    caller that stops reading before the end (or is refused) must check the rest
    (`utf8_throughout`) before it trusts what it read."""
    path = Path(path)
    name = str(path)
    regular_file(path, name, "ballot file")
    try:
        return _open(path, name, encoding, sheet, guess)
    except OSError as e:  # e.g. no permission to read it
        raise BallotFileError("cannot read it ({why})", file=name, why=e.strerror or _why(e)) from None


def _open(path: Path, name: str, encoding: str | None, sheet: str | None, guess: bool = False) -> Table:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(path, sheet)
    if sheet:
        raise BallotFileError("--sheet applies to XLSX files only", file=name)
    sha, size, utf8, guessed = file_digest(path, guess=guess and not encoding)
    with open(path, "rb") as f:
        first = f.read(4)
    if first[:4] in (b"PK\x03\x04",):
        raise BallotFileError("this is an XLSX/ZIP file: give it the .xlsx extension", file=name)
    if first[:4] == b"\xd0\xcf\x11\xe0" or path.suffix.lower() == ".xls":
        raise BallotFileError("an Excel 97-2003 workbook (.xls) is not read: "
                              "save it as .xlsx or CSV from Excel", file=name)
    # A NUL among the first bytes: UTF-16 without a BOM ("b\0a\0…"), which no CSV starts with.
    used = encoding_of(name, first, utf8, encoding, utf16=b"\x00" in first[:2])
    codec = codecs.lookup(used).name
    if codec in ("utf-8", "utf-8-sig"):
        text = raw = _Utf8Text(open(path, "rb", buffering=0), sig=codec == "utf-8-sig")  # (it counts its bytes)
    else:
        raw = _CountingReader(open(path, "rb"))
        # newline="\n": the text as it is, line ends and all, as newline="" gives it to read(),
        # without the wrapper that looks at every character for a CR at the end of a read
        text = io.TextIOWrapper(raw, encoding=used, errors="strict", newline="\n")
    guessed = guessed and used == "utf-8"
    chunks = _csv_chunks(name, text, used, path, detected=not encoding, guessed=guessed)
    header = next(chunks, None)
    if header is None:
        raise BallotFileError("the file is empty: the first row must be the header", file=name, row=1)
    return Table(name, sha, used, [h.strip() for h in header], chunks, size, lambda: raw.count, guessed)


class _Utf8Text:
    """A UTF-8 file's text as `io.TextIOWrapper(f, "utf-8", newline="\\n")` reads it
    (`read(size)`: `size` characters, fewer only at the end; with `sig`, as "utf-8-sig" reads
    it: a BOM at the start left out), with the bytes it was decoded from: `take(n)` gives
    those of the next `n` characters read and not yet taken, so that a chunk is stored as
    the file holds it. SQLite would encode the text to UTF-8 again (8 of the 19 ms storing a
    1M-mark wide file's rows took). Each take encodes only the text decoded past the chunk's
    end: the rest of a line, and what the last piece read gave past `size`. `count`: the
    bytes read (the progress bar)."""

    PIECE = 1 << 13  # bytes read at a time, as the text wrapper reads them

    def __init__(self, f, sig: bool = False):
        self._f, self.count = f, 0
        self._ahead = ""  # decoded and not yet read
        self._pending = b""  # bytes read and not decoded yet: the start of a character
        self._held = bytearray()  # the bytes of the text decoded since the last take …
        self._text: list[str] = []  # … and that text
        self._sig, self._end = sig, False  # (a BOM still to look for)

    def read(self, size: int) -> str:
        parts, have = [self._ahead], len(self._ahead)
        while have < size and not self._end:
            piece = self._f.read(self.PIECE)
            self.count += len(piece)
            self._end = not piece
            data = self._pending + piece if self._pending else piece
            if self._sig:
                if len(data) < len(codecs.BOM_UTF8) and piece and codecs.BOM_UTF8.startswith(data):
                    self._pending = data  # (too few bytes yet to tell)
                    continue
                self._sig = False
                if data.startswith(codecs.BOM_UTF8):
                    data = data[len(codecs.BOM_UTF8):]
            text, used = codecs.utf_8_decode(data, "strict", self._end)
            self._pending = data[used:]
            self._held += memoryview(data)[:used]
            self._text.append(text)
            parts.append(text)
            have += len(text)
        text = "".join(parts)
        self._ahead = text[size:]
        return text[:size]

    def take(self, n: int) -> bytes:
        """The bytes of the next `n` characters read (and not taken before)."""
        text = "".join(self._text)
        rest = text[n:]
        end = len(self._held) - (len(rest.encode("utf-8")) if rest else 0)
        taken = bytes(memoryview(self._held)[:end])
        del self._held[:end]
        self._text = [rest]
        return taken

    def close(self) -> None:
        self._f.close()


class _CountingReader(io.RawIOBase):
    """The file's bytes, counted as they are read (the progress bar)."""

    def __init__(self, f):
        self.f, self.count = f, 0

    def readable(self):
        return True

    def readinto(self, b):
        n = self.f.readinto(b)
        self.count += n or 0
        return n

    def close(self):
        self.f.close()
        super().close()


def _bad_line(path: Path, encoding: str) -> tuple[int, bytes]:
    """The first line whose bytes do not decode, and those bytes.

    Text is decoded in large chunks ahead of the CSV reader, so the reader's row number says
    nothing about where a bad byte is; a line break is never part of a UTF-8 or GB18030
    sequence, so decoding line by line finds it.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    lineno = 0
    with open(path, "rb") as f:
        for lineno, line in enumerate(f, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError as e:
                return lineno, e.object[e.start:e.start + 4]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as e:
        return max(lineno, 1), e.object[e.start:e.start + 4]
    return max(lineno, 1), b""


def _undecodable(name: str, path: Path, encoding: str, detected: bool, error: UnicodeDecodeError):
    """The refusal of a file with bytes that `encoding` cannot decode, naming their line.

    A file that is not UTF-8 is read as GB18030; when its first lines are UTF-8 (and so are
    what GB18030 trips over) and a later one is not, the file mixes encodings (rows pasted in
    from a file saved another way): the line to fix is the first one that is not UTF-8.
    """
    lineno, bad = _bad_line(path, encoding)
    bad = bad or error.object[error.start:error.start + 4]
    if detected and encoding == "gb18030":
        utf8_end, not_utf8 = _bad_line(path, "utf-8")
        if lineno < utf8_end:
            place = {"file": name, "line": utf8_end}
            if utf8_end == 2:
                return BallotFileError(
                    "bytes that are not valid UTF-8 ({bytes}) after 1 line in UTF-8: the file mixes "
                    "encodings (rows pasted in from a file saved another way?); save it again as CSV UTF-8",
                    **place, bytes=not_utf8.hex(" "))
            return BallotFileError(
                "bytes that are not valid UTF-8 ({bytes}) after {n} lines in UTF-8: the file mixes "
                "encodings (rows pasted in from a file saved another way?); save it again as CSV UTF-8",
                **place, bytes=not_utf8.hex(" "), n=utf8_end - 1)
    return BallotFileError("bytes that are not valid {encoding} ({bytes}); save the file as CSV UTF-8 "
                           "or give --encoding", file=name, line=lineno, encoding=encoding, bytes=bad.hex(" "))


BLOCK = 1 << 15  # characters of CSV text parsed (and stored) at a time
LONGEST_ROW = 1 << 24  # characters in one row (or without a line break) before a file is refused
LONGEST_CELL = 10_000  # characters in one cell, CSV or XLSX (no ballot cell comes near it)
XLSX_CHUNK = 1000  # workbook rows per chunk


@contextlib.contextmanager
def _cell_limit(limit: int):
    """csv's field size limit is process-wide: set ours only while our parser runs (no yield
    inside), so other readers of CSV text (stored rows, rosters) keep theirs."""
    old = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _too_long(name: str, line: int, col: int, header: list[str] | None, length: int | None = None):
    place = {"file": name, **cell_place(line, col, header)}
    if length is None:
        return BallotFileError("a cell of more than {limit:,} characters, more than the {limit:,} a ballot "
                               "file may hold (an unclosed quote, or not a ballot file?)",
                               **place, limit=LONGEST_CELL)
    return BallotFileError("a cell of {length:,} characters, more than the {limit:,} a ballot file may "
                           "hold (an unclosed quote, or not a ballot file?)",
                           **place, length=length, limit=LONGEST_CELL)


def _csv_chunks(name: str, text, encoding: str, path: Path, detected: bool = False,
                guessed: bool = False) -> Iterator:
    """The header's cells, then the file's rows a block of text at a time.

    Each block is cut after its last line break, so parsing a chunk's text alone gives its
    rows. When the cut falls inside a quoted cell (the parse runs out of text there), the
    block grows: twice as much is read each time, and the next cut is after the new text's
    last line break, so the work stays linear; a row or a line longer than LONGEST_ROW
    refuses the file. The file is closed when the rows end or are abandoned. Rows are
    numbered as CSV rows; a CSV syntax error names its physical line (as the csv module counts).
    """
    # a chunk's bytes as the file holds them (`_Utf8Text`), or None: SQLite encodes its text
    take = text.take if isinstance(text, _Utf8Text) else lambda n: None
    parts: list[str] = []  # text read and not parsed yet, with no usable cut in it
    header: list[str] | None = None  # row 1, once read (for messages)
    held = 0  # its length
    size = BLOCK
    row = line = 0  # rows and physical lines before this block
    try:
        while True:
            block = text.read(size)
            if block:
                # After a line break, or after a CR that the next character shows is not
                # the first half of CRLF (a file with CR line ends).
                end = max(block.rfind("\n"), block.rfind("\r", 0, len(block) - 1)) + 1
                parts.append(block)
                if not end:
                    held += len(block)
                    if held > LONGEST_ROW:
                        yield from _refused_at(name, "".join(parts), row, line, None, header)
                    continue
                data = "".join(parts)
                body, rest = data[:held + end], data[held + end:]
            else:
                body, rest = "".join(parts), ""
                if not body:
                    return
            plain = plain_text(body, LONGEST_CELL)
            if plain is not None:
                line_end, count = plain
                lines = count  # physical lines: one a row
                at = 0  # where its rows' lines start
                if not row:  # (the header's line: its cells come first, its text stays with the chunk's)
                    first = body.split(line_end, 1)[0]
                    header = first.split(",") if first else []
                    yield header
                    at = min(len(first) + len(line_end), len(body))
                yield CsvChunk(row + 1, row + count, None, row + 1 + (not row), body, line_end, at, take(len(body)))
            else:
                reader = csv.reader(io.StringIO(body, newline=""), strict=True)
                try:
                    with _cell_limit(LONGEST_CELL):
                        rows = list(reader)
                except csv.Error as e:
                    # CPython's message when the text ends inside a quoted cell (a test pins it).
                    if block and "unexpected end of data" in str(e):
                        if len(body) > LONGEST_ROW:
                            yield from _refused_at(name, body, row, line, None, header)
                        parts, held, size = [body + rest], len(body) + len(rest), min(size * 2, LONGEST_ROW)
                        continue
                    yield from _refused_at(name, body, row, line, e, header)
                if "\x00" in body:
                    at = next(i for i, cells in enumerate(rows) if any("\x00" in c for c in cells))
                    yield from _chunk(row, rows[:at])
                    raise BallotFileError("NUL byte in a cell (binary or UTF-16 file?)", file=name,
                                          row=row + at + 1)
                if header is None and rows:
                    header = rows[0]
                yield from _chunk(row, rows, body, take(len(body)))
                count, lines = len(rows), reader.line_num
            row += count
            line += lines
            parts, held, size = [rest], len(rest), BLOCK
    except UnicodeDecodeError as e:
        if guessed:
            raise GuessedWrong(name) from None
        raise _undecodable(name, path, encoding, detected, e) from None
    finally:
        text.close()


def _chunk(row: int, rows: list, text: str | None = None, raw: bytes | None = None) -> Iterator:
    """The chunk of `rows` (rows row+1…), preceded by the header's cells when they start the
    file (the first chunk's text keeps the header line). Without `text`: the rows a block
    read before a problem, so that a problem in an earlier row is the one reported (the
    refusal that follows rolls back whatever was stored of them)."""
    cells, start = rows, row + 1
    if not row and rows:
        yield rows[0]
        cells, start = rows[1:], 2
    if cells or text is not None:
        yield CsvChunk(row + 1, row + len(rows), cells, start, text, raw=raw)


def _refused_at(name: str, text: str, row: int, line: int, error: csv.Error | None,
                header: list[str] | None = None) -> Iterator:
    """The rows of `text` before its first problem, then the refusal. `error` is the CSV
    syntax error parsing it gave, or None when it holds a row longer than LONGEST_ROW (no
    line break, or a quoted cell running on). `row` and `line` are the CSV rows and the
    physical lines before `text`.

    The row refused is the one being read when the parse failed, numbered as CSV rows like
    every other message: for a quote that is never closed (or closed in the wrong place)
    that is the row the quote opened on, not the line, maybe far below, where the parse gave up.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    good: list[list[str]] = []
    began = 0  # physical lines of `text` before the row being read
    try:
        with _cell_limit(LONGEST_CELL):
            for cells in reader:
                good.append(cells)
                began = reader.line_num
    except csv.Error:
        pass
    else:
        if error is None:
            good.pop()  # the long row, cut short where the text read so far ends
    if header is None and good and not row:
        header = good[0]
    yield from _chunk(row, good)
    bad = row + len(good) + 1  # the CSV row that could not be read
    if error is None:
        raise BallotFileError("a row longer than {limit:,} characters (no line break, or an unclosed "
                              "quote: not a ballot file?)", file=name, row=bad, limit=LONGEST_ROW)
    if "field limit" in str(error):  # longer than LONGEST_CELL: which cell?
        raise _too_long(name, bad, _long_cell(text, began), header)
    at = line + reader.line_num  # the physical line where the parse gave up
    if "unexpected end of data" in str(error):
        raise BallotFileError("unreadable CSV: a quote opened on this row is never closed (the file "
                              "ends inside it); close it where the cell ends", file=name, row=bad)
    if at > line + began + 1:
        raise BallotFileError("unreadable CSV ({error} on line {at}): a quote opened on this row runs on "
                              "to line {at}; close it where the cell ends", file=name, row=bad,
                              error=str(error), at=at)
    raise BallotFileError("unreadable CSV ({error}); a quote inside a cell must be doubled (\"\") and "
                          "the cell quoted", file=name, row=bad, error=str(error))


def _long_cell(text: str, began: int) -> int:
    """The column of the first cell longer than LONGEST_CELL in the row starting after line
    `began` of `text` (read leniently: the row may be cut short or its quote never closed)."""
    lines = io.StringIO(text, newline="")
    for _ in range(began):
        lines.readline()
    with _cell_limit(LONGEST_ROW):
        try:
            cells = next(csv.reader(lines), [])
        except csv.Error:
            cells = []
    return next((col for col, cell in enumerate(cells, 1) if len(cell) > LONGEST_CELL), len(cells) or 1)


def _unreadable_xlsx() -> tuple[type[BaseException], ...]:
    """What openpyxl, zipfile, zlib and the XML parsers raise on a damaged workbook
    (RuntimeError: an "encrypted" or unsupported zip member; SyntaxError: xml.etree's and
    lxml's parse errors)."""
    import zipfile
    import zlib

    return (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, KeyError, IndexError,
            OSError, ValueError, TypeError, AttributeError, SyntaxError)


def _why(e: BaseException) -> str:
    """The library's message on one line (its class name if it has none)."""
    return " ".join(str(e).split())[:160] or type(e).__name__


MAX_UNPACKED = 1 << 30  # bytes all the parts of a workbook may unpack to
MAX_WHOLE = 200 << 20  # bytes the parts read whole (all but the sheets) may unpack to
MAX_RATIO = 200  # how many times its packed size a part over 1 MB may unpack to
MAX_PARTS = 10_000  # zip members in a workbook (Excel writes a dozen or two)
SHEETS = "xl/worksheets/"  # where a workbook keeps its sheets, the parts read as a stream


def _check_parts(path: Path, name: str) -> None:
    """Refuse a workbook that would unpack to more than MAX_UNPACKED, whose parts other than
    its sheets would unpack to more than MAX_WHOLE, or with a part packed more than
    MAX_RATIO times (a zip bomb), before openpyxl unpacks anything: a 1.2 MB file can hold
    gigabytes of XML. Sheets are read a block at a time (readers/sheetxml.py), so their
    size costs time, not memory: 300,000 ballots of 30 posts are ~310 MB of XML as Excel
    saves them. The shared strings, styles and the rest are held whole. Sizes are what the
    zip's directory declares; Python's zipfile never unpacks more than that (and a part
    that would is damaged), so they bound the work."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = z.infolist()
    if len(parts) > MAX_PARTS:
        raise BallotFileError("a workbook of {parts:,} parts (more than {limit:,}): not a ballot file?",
                              file=name, parts=len(parts), limit=MAX_PARTS)
    total = sum(p.file_size for p in parts)
    if total > MAX_UNPACKED:
        raise BallotFileError("the workbook unpacks to {mb:,.0f} MB, more than the {limit} MB a ballot "
                              "workbook may: save it as CSV (UTF-8) instead, or check it is the right file",
                              file=name, mb=total / (1 << 20), limit=MAX_UNPACKED >> 20)
    for p in parts:
        if p.file_size > 1 << 20 and p.file_size > MAX_RATIO * max(p.compress_size, 1):
            raise BallotFileError("its part {part} unpacks from {packed:,} to {size:,} bytes, more than "
                                  "{ratio} times its size: not a workbook Excel saved (a zip bomb?)",
                                  file=name, part=p.filename, packed=p.compress_size, size=p.file_size,
                                  ratio=MAX_RATIO)
    whole = [p for p in parts if not p.filename.startswith(SHEETS)]
    if sum(p.file_size for p in whole) > MAX_WHOLE:
        big = max(whole, key=lambda p: p.file_size)
        raise BallotFileError("its parts other than sheets unpack to {mb:,.0f} MB ({part}: {size:,.0f} MB), "
                              "more than the {limit} MB a ballot workbook may: check it is the right file",
                              file=name, mb=sum(p.file_size for p in whole) / (1 << 20), part=big.filename,
                              size=big.file_size / (1 << 20), limit=MAX_WHOLE >> 20)


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    import warnings

    from openpyxl import load_workbook  # heavy: only when a workbook is read

    from selector.readers import sheetxml

    # openpyxl warns on stderr about styles, data validation and odd specs in files not
    # written by Excel; the clerk gets one line (a refusal) or the tally, nothing else.
    warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")

    name = str(path)
    sha, size, _, _ = file_digest(path)
    unreadable = _unreadable_xlsx()
    wb = None
    try:
        _check_parts(path, name)
        wb = sheetxml.load(path) if FAST else load_workbook(path, read_only=True, data_only=True)
        ws = _ballot_sheet(wb, name, sheet)
    except BaseException as e:
        if wb is not None:
            wb.close()
        if isinstance(e, unreadable):
            raise BallotFileError("not a readable XLSX workbook ({why})", file=name, why=_why(e)) from None
        raise

    header_cells: list[str] | None = None  # row 1, once read (for messages)

    def rows() -> Iterator[Row]:
        sheet_rows = _sheet_rows(wb, ws)
        line = 0
        while True:
            try:
                found = next(sheet_rows, None)
            except unreadable as e:
                raise BallotFileError("the workbook is damaged ({why}); save it again from Excel",
                                      file=name, row=line + 1, why=_why(e)) from None
            except BallotFileError as e:  # a cell the sheet reader refused: name its place
                raise placed(e, file=name, **cell_place(e.place["row"], e.place["column"],
                                                        header_cells)) from None
            if found is None:
                return
            line, values, texts, bound = found
            cells = values if texts else [_cell_text(v) for v in values]
            if (bound is None or bound > LONGEST_CELL) and max(map(len, cells), default=0) > LONGEST_CELL:
                col = next(c for c, text in enumerate(cells, 1) if len(text) > LONGEST_CELL)
                raise _too_long(name, line, col, header_cells, len(cells[col - 1]))
            yield line, cells

    def chunks() -> Iterator:
        """The header's cells, then chunks of rows; the workbook is closed when they end or
        are abandoned."""
        try:
            it = rows()
            header = next(it, None)
            if header is None:
                raise BallotFileError("the sheet is empty: the first row must be the header", file=name, row=1)
            nonlocal header_cells
            cells = header_cells = header[1]
            while cells and not cells[-1].strip():
                cells.pop()
            yield cells
            # A workbook simply has no cell where nothing was typed: the row is as wide as
            # the header, with those cells empty (a CSV row that is short has lost a separator).
            width = len(cells)
            part: list[Row] = []
            for line, values in it:
                part.append((line, values + [""] * (width - len(values)) if len(values) < width else values))
                if len(part) == XLSX_CHUNK:
                    yield _sheet_chunk(part)
                    part = []
            if part:
                yield _sheet_chunk(part)
        finally:
            wb.close()

    gen = chunks()
    header = next(gen)
    return Table(name, sha, "xlsx", [h.strip() for h in header], gen, size)


# What plain CSV text (csvtext.plain_text) cannot hold in a cell, besides commas and LFs (counted)
_NOT_PLAIN = re.compile('["\\r\\x00]')


def _sheet_chunk(part: list[Row]) -> Chunk:
    """Workbook rows as a chunk. Rows one after another whose cells CSV would not quote (no
    comma, quote, CR, LF or NUL in a cell; no row of one empty cell, an empty line) come
    with their CSV text, as a CSV file's rows do: that text is what is stored (a third
    shorter than the rows' JSON, and made by joins in C), and it reads back as these very
    cells (`rows.csv_text_rows`). Any other chunk is stored as JSON."""
    first, last = part[0][0], part[-1][0]
    if last - first + 1 == len(part) and first > 1:  # (row 1 of a text chunk would be taken for the header)
        cells = [values for _, values in part]
        lines = list(map(",".join, cells))
        text = "\n".join(lines) + "\n"
        if _NOT_PLAIN.search(text) is None and "" not in lines and text.count("\n") == len(lines) \
                and text.count(",") == sum(map(len, cells)) - len(cells):  # (no line break or comma in a cell)
            return CsvChunk(first, last, cells, first, text)
    return Chunk(first, last, part)


@functools.cache
def _sheet_parser():
    """openpyxl's streaming sheet parser (the one its read-only sheets use), telling a formula
    never calculated from an empty cell: with data_only both read as None. A formula cell
    with no `<v>`, or an empty one (openpyxl and other scripts write `<f>…</f><v></v>`), has
    no saved value; only a text result (t="str") may be empty. The check runs only for cells
    with no value."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class SheetParser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and cell["data_type"] != "str" \
                    and element.find(FORMULA_TAG) is not None:
                cell["data_type"] = "unsaved"
            return cell

    return SheetParser


EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # the size of an Excel sheet
FAST = True  # read sheets with readers/sheetxml.py (False: openpyxl's parser alone, as before)


def _sheet_rows(wb, ws) -> Iterator:
    """(row number, values, whether they are texts already, a length none exceeds or None when
    not known) for every row of the sheet, row 1 first; a row holding a cell that
    cannot be read as a value (a formula with no saved value, an error value (#N/A, #REF! …),
    or merged cells) raises a BallotFileError in its place, naming its row and column (the
    caller adds the file and heading).

    One streaming pass over the sheet XML, as `ws.iter_rows` makes, but every cell counts:
    iter_rows trusts the sheet's <dimension>, so a tool that wrote a short one lost rows and
    columns past it without a word. As iter_rows did, a row is as wide as the dimension says
    (or its last cell, if wider) and missing rows are empty rows, so files read before read
    the same. The rows come from `sheetxml.Sheet` (fast; the same values as openpyxl's
    parser, which reads what it leaves), or with FAST off from openpyxl's parser alone.
    Merged ranges are listed after the cells in the XML, so they are refused after the last
    row, naming the first one's row and column (the tally and `audit verify` consume the
    rows inside one transaction: nothing read before is stored). A title merged across one
    row above the table (a row of at most one value, before any row of two or more) is no
    cell of the table: it is read as its value and allowed.
    """
    from openpyxl.utils.cell import range_boundaries

    from selector.readers import sheetxml

    def parser(src):
        return _sheet_parser()(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                               date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)

    def source():
        return wb._archive.open(ws._worksheet_path)

    early: dict[int, int] = {}  # rows before the table began: their number of values
    started = False  # a row of two or more values was read: the table has begun
    width = min(ws.max_column or 0, EXCEL_COLUMNS)  # the dimension's, as iter_rows had it
    empty = [None] * width
    counter = 1
    with contextlib.ExitStack() as stack:
        if FAST:
            sheet = sheetxml.Sheet(source, parser, ws._shared_strings, _row_of, _cell_refusal, _cell_text,
                                   width, frozenset(wb._date_formats | wb._timedelta_formats))
            rows = sheet.rows()
        else:
            sheet = parser(stack.enter_context(source()))
            rows = (_row_of(idx, cells, width) for idx, cells in sheet.parse())
        for row in rows:
            idx = row.idx
            if not started:
                early[idx] = row.filled
                started = row.filled >= 2
            if idx < counter:  # iter_rows skipped such a row without a word
                raise BallotFileError("row {again} comes again after row {before} in the sheet's XML: "
                                      "the workbook is damaged; save it again from Excel",
                                      row=idx, column=row.first, again=idx, before=counter - 1)
            if idx > EXCEL_ROWS or row.last > EXCEL_COLUMNS:  # no sheet Excel saves goes there
                raise BallotFileError("a cell past Excel's last row or column: the workbook is damaged; "
                                      "save it again from Excel", row=idx, column=row.last or 1)
            while counter < idx:
                yield counter, empty, False, 0
                counter += 1
            if row.problem is not None:
                raise row.problem
            yield idx, row.values, row.text, row.bound
            counter = idx + 1
        listed = sheet.merged if FAST else \
            [r.ref for r in (sheet.merged_cells.mergeCell if sheet.merged_cells else ())]
    merged = []
    for ref in listed:
        top, left = _top_left(ref)
        if not (early.get(top, 2) <= 1 and range_boundaries(ref)[3] == top):  # not a title row
            merged.append((top, left, ref))
    if merged:
        raise _merge_refusal(*min(merged))


def _row_of(idx: int, cells: list[dict], width: int):
    """A row of openpyxl's parser as a `sheetxml.Row`: values by column, and the refusal of
    its first cell that is a formula with no saved value or an error value."""
    from selector.readers.sheetxml import Row

    last = max((c["column"] for c in cells), default=0)
    values = [None] * max(width, last)
    problem = None
    for cell in cells:
        kind = cell["data_type"]
        if problem is None and kind in ("unsaved", "e"):
            problem = _cell_refusal(kind, idx, cell["column"], cell["value"])
        values[cell["column"] - 1] = cell["value"]
    filled = sum(1 for c in cells if c["value"] not in (None, ""))
    return Row(idx, values, filled, cells[0]["column"] if cells else 1, last, problem)


def _cell_refusal(kind: str, row: int, col: int, value) -> BallotFileError:
    """The refusal of a cell that holds no value to count: `kind` "unsaved" (a formula never
    calculated) or "e" (an error value)."""
    from openpyxl.utils import get_column_letter

    if kind == "unsaved":
        return BallotFileError("a formula with no saved value ({cell}): open the file in Excel "
                               "and save it again, or paste the values", row=row,
                               column=col, cell=get_column_letter(col) + str(row))
    return BallotFileError("the error value {value} ({cell}): correct the cell in Excel",
                           row=row, column=col, value=value, cell=get_column_letter(col) + str(row))


def _merge_refusal(row: int, col: int, ref: str) -> BallotFileError:
    return BallotFileError("merged cells ({range}): unmerge them and type the value into each cell (a "
                           "merged cell counts as empty)", row=row, column=col, range=ref)


def _top_left(ref: str) -> tuple[int, int]:
    """"B3:C4" → (3, 2): the row and column of a range's first cell."""
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, _, _ = range_boundaries(ref)
    return min_row or 1, min_col or 1


def _ballot_sheet(wb, name: str, sheet: str | None):
    """The worksheet to read: the one `sheet` names, which must be visible; else the one
    visible worksheet that holds anything. A hidden sheet is never read unasked (the clerk
    checked what Excel shows), and two visible sheets with data need --sheet to say which."""
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    if sheet is not None:
        if sheet not in wb.sheetnames:
            raise BallotFileError("no sheet {sheet!r} (sheets: {sheets})", file=name, sheet=sheet,
                                  sheets=", ".join(wb.sheetnames))
        ws = wb[sheet]
        if ws not in wb.worksheets:
            raise BallotFileError("sheet {sheet!r} is a chart, not a table of ballots", file=name, sheet=sheet)
        if ws.sheet_state != "visible" and not visible:
            raise BallotFileError("sheet {sheet!r} is hidden ({state}): unhide it in Excel if it holds the "
                                  "ballots (visible sheets: none)", file=name, sheet=sheet, state=ws.sheet_state)
        if ws.sheet_state != "visible":
            raise BallotFileError("sheet {sheet!r} is hidden ({state}): unhide it in Excel if it holds the "
                                  "ballots (visible sheets: {shown})", file=name, sheet=sheet,
                                  state=ws.sheet_state, shown=", ".join(ws.title for ws in visible))
        return ws
    if not visible:
        raise BallotFileError("every sheet is hidden: unhide the sheet of ballots in Excel", file=name)
    if len(visible) == 1:
        return visible[0]
    filled = [ws for ws in visible if _holds_data(wb, ws)]
    if len(filled) > 1:
        raise BallotFileError("{n} visible sheets hold data ({sheets}): give --sheet with the one that "
                              "holds the ballots", file=name, n=len(filled),
                              sheets=", ".join(ws.title for ws in filled))
    return (filled or visible)[0]


def _holds_data(wb, ws) -> bool:
    """Does any cell of the sheet hold something (a formula too)? Read up to the first that does."""
    with wb._archive.open(ws._worksheet_path) as src:
        parser = _sheet_parser()(src, ws._shared_strings, data_only=True)
        return any(c["value"] not in (None, "") or c["data_type"] == "unsaved"
                   for _, cells in parser.parse() for c in cells)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


# -- whole text files (rosters) ----------------------------------------------------
def encoding_of(name: str, first: bytes, utf8: bool, given: str | None = None, *,
                utf16: bool = False) -> str:
    """The one rule for the encoding of a text file clerks bring: `given` (--encoding) when
    it names a codec; else UTF-8 (utf-8-sig with a BOM) when the bytes are valid UTF-8, else
    GB18030, which Excel in China writes. UTF-16 (a BOM, or `utf16` seen by the caller) is
    refused: Excel's "Unicode text" is not a CSV."""
    if given:
        try:
            codecs.lookup(given)
        except LookupError:
            raise BallotFileError("unknown encoding {encoding!r} (use one of {encodings})", file=name,
                                  encoding=given, encodings=", ".join(ENCODINGS)) from None
        return given
    if utf16 or first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise BallotFileError("UTF-16 text is not accepted: save it as CSV UTF-8 or CSV (GBK/GB18030) "
                              "from Excel", file=name)
    if first.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"  # a BOM says UTF-8: bytes that are not are refused, not re-guessed
    return "utf-8" if utf8 else "gb18030"


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used) of a whole small file, by `encoding_of`; bytes that do
    not fit refuse the file with the first bad byte."""
    utf8 = True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = False
    used = encoding_of(name, data[:4], utf8, encoding)
    if used == "utf-8-sig":
        return _strict(data[3:], name, "utf-8"), used
    return _strict(data, name, used), used


def _strict(data: bytes, name: str, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise BallotFileError("bytes that are neither UTF-8 nor GB18030 (byte {offset}: {bytes}); save the "
                              "file as CSV UTF-8 or give --encoding", file=name,
                              line=data[: e.start].count(b"\n") + 1, offset=e.start,
                              bytes=data[e.start:e.start + 4].hex(" ")) from None
    if "\x00" in text:
        raise BallotFileError("NUL byte in a text file (is this a binary file or UTF-16?)", file=name,
                              line=text[: text.index("\x00")].count("\n") + 1)
    return text
