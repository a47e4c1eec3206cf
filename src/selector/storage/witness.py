"""The witness file: a text file beside the database (`selector.db.witness`) to which each
certification and each locked cut appends its event's hash, one line each, as its command
commits. It is an anchor outside the database: a copy kept elsewhere (printed, mailed, on
write-once media) lets `audit verify` see a record that was cut short or rewritten — the
database alone cannot, as whoever can edit it can also re-hash the whole chain.

A line: `HASH ROUND #EVENT AT COMMAND [STAGE]`; only the first three fields are read.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

SUFFIX = ".witness"
_HASH = re.compile(r"[0-9a-f]{64}")


def path_of(database: Path) -> Path:
    return Path(f"{database}{SUFFIX}")


def line(hash_: str, round_id: str, event_id: int, at: str, command: str, stage: str | None) -> str:
    return f"{hash_} {round_id} #{event_id} {at} {command}{' ' + stage if stage else ''}\n"


def append(path: Path, lines: list[str]) -> int:
    """Append `lines` (synced to disk); returns the file's size before them, for `truncate`."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        before = os.fstat(fd).st_size
        data = "".join(lines).encode("utf-8")
        while data:
            data = data[os.write(fd, data):]
        os.fsync(fd)
    finally:
        os.close(fd)
    return before


def truncate(path: Path, size: int) -> None:
    """Take back lines just appended for a transaction that did not commit."""
    os.truncate(path, size)


def parse(text: str) -> tuple[str, str, int] | None:
    """(hash, round, event id) of a witness line; None when it does not read as one."""
    parts = text.split()
    if len(parts) < 3 or not _HASH.fullmatch(parts[0]) or not re.fullmatch(r"#\d+", parts[2]):
        return None
    return parts[0], parts[1], int(parts[2][1:])
