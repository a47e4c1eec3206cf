"""Reading text the way clerks' files come: UTF-8 (BOM or not) or GB18030 from Excel."""

from __future__ import annotations

import codecs

from selector.errors import BallotFileError

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk")


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). UTF-8 first (a BOM is dropped), then GB18030.

    Anything else, or bytes that fit neither, refuses the file with the first bad byte.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise BallotFileError(f"{name}: unknown encoding {encoding!r} "
                                  f"(use one of {', '.join(ENCODINGS)})") from None
        return _strict(data, name, encoding), encoding
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], name, "utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise BallotFileError(f"{name}: UTF-16 text is not accepted: save it as "
                              "CSV UTF-8 or CSV (GBK/GB18030) from Excel")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _strict(data, name, "gb18030"), "gb18030"


def _strict(data: bytes, name: str, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise BallotFileError(
            f"{name}: line {line}: bytes that are neither UTF-8 nor GB18030 "
            f"(byte {e.start}: {data[e.start:e.start + 4].hex(' ')}); "
            "save the file as CSV UTF-8 or give --encoding") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise BallotFileError(f"{name}: line {line}: NUL byte in a text file "
                              "(is this a binary file or UTF-16?)")
    return text
