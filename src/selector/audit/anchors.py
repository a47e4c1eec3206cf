"""Anchors: record hashes kept outside the database, checked by `audit verify`.

The hash chain proves that the events in the file belong together; it cannot prove that the
file is the whole record, or the real one: deleting the last events (and the rows they
wrote) leaves a shorter chain that holds, and someone who edits certified ballots can also
recompute every digest and re-hash every event. Only a hash written down outside the file
catches that. An anchor holds when the chain, hashed again from its first event, passes
through it: then every event up to it is there, unchanged.

Anchors come from `--head` (a hash, or a file of them: the certificate's record hash, a
head printed by an earlier verify, a copy of the witness file) and from the witness file
beside the database (storage/witness.py), which each certification and locked cut append to.
"""

from __future__ import annotations

import re
from pathlib import Path

from selector.errors import BadHead
from selector.i18n import N_
from selector.records import dataclass
from selector.service.recheck import At, Report
from selector.storage import events as event_kinds
from selector.storage import witness
from selector.storage.rows import GENESIS, chain
from selector.storage.store import Store

HASH = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])")  # not part of a longer hex run
_EVENT_KEYS = ("round", "at", "operator", "command", "stage", "details", "files")


@dataclass(frozen=True)
class Anchor:
    hash: str
    where: At  # how the report names it
    event: int | None = None  # the event a witness line says it is
    line: int | None = None  # its line in the witness file


def given(values: list[str], round_id: str) -> list[Anchor]:
    """The anchors of `--head` values: a hash, or a file holding hashes (one or more a line;
    in a witness file's lines, only those of this round)."""
    out: list[Anchor] = []
    for value in values:
        text = value.strip()
        if HASH.fullmatch(text):
            out.append(Anchor(text.lower(), At("--head {head}…", head=text.lower()[:16])))
            continue
        path = Path(value)
        if not path.is_file():
            raise BadHead(value, "neither")
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as e:
            raise BadHead(value, "unreadable", e.strerror or str(e)) from None
        found = []
        for n, line in enumerate(lines, 1):
            parsed = witness.parse(line)
            if parsed is not None:
                if parsed[1] == round_id:
                    found.append(Anchor(parsed[0], At("--head {file}, line {line}", file=value, line=n), parsed[2]))
                continue
            found += [Anchor(h.lower(), At("--head {file}, line {line}", file=value, line=n))
                      for h in HASH.findall(line)]
        if not found and not any(witness.parse(line) for line in lines):
            raise BadHead(value, "empty")
        out += found
    return out


def witnessed(store: Store, round_id: str, report: Report) -> list[Anchor] | None:
    """The witness file's anchors for the round (None without a witness file); a line that
    does not read is a difference."""
    try:
        lines = store.witness_lines()
    except OSError as e:
        report.add(At("witness file {path}", path=store.witness_path), N_("cannot be read ({reason})"),
                   reason=e.strerror or e)
        return []
    if lines is None:
        return None
    out = []
    for n, line in enumerate(lines, 1):
        parsed = witness.parse(line)
        where = At("witness file {path}, line {line}", path=store.witness_path, line=n)
        if parsed is None:
            if line.strip():
                report.add(where, N_("does not read as a witness line (HASH ROUND #EVENT …)"))
            continue
        if parsed[1] == round_id:
            out.append(Anchor(parsed[0], where, parsed[2], n))
    return out


def check(report: Report, log: list[dict], anchors: list[Anchor], witness_lines: list[Anchor] | None,
          witness_file: Path | None = None) -> None:
    """Each anchor against the chain hashed again from its first event; the witness file's
    lines must also come in the chain's order and miss no anchored event after its first."""
    running, position = GENESIS, {}
    for i, e in enumerate(log):
        running = chain(running, {k: e[k] for k in _EVENT_KEYS})
        position.setdefault(running, i)
    stored = {e["hash"]: e for e in log}
    witness_lines = witness_lines or []
    for a in [*anchors, *witness_lines]:
        if a.hash in position:
            report.anchors += 1
            e = log[position[a.hash]]
            if a.event is not None and a.event != e["id"]:
                report.add(a.where, N_("says event #{said}, but {hash}… is the hash of event #{event}"),
                           said=a.event, hash=a.hash[:16], event=e["id"])
        elif a.hash in stored:
            report.add(a.where, N_("{hash}… is stored on event #{event}, but the record before it no longer "
                                   "hashes to it: events it covers were changed or removed"),
                       hash=a.hash[:16], event=stored[a.hash]["id"])
        else:
            report.add(a.where, N_("{hash}… is not in the record: its last events were removed, or the record "
                                   "was rewritten"), hash=a.hash[:16])
    held = [(a, position[a.hash]) for a in witness_lines if a.hash in position]
    for (a, i), (b, j) in zip(held, held[1:]):
        if j < i:
            report.add(b.where, N_("comes after line {after} but its event #{event} is older: the witness file "
                                   "was edited"), after=a.line, event=log[j]["id"])
    if witness_lines:
        first = min(a.event for a in witness_lines if a.event is not None)
        lined = {a.event for a in witness_lines}
        for e in log:
            if e["id"] > first and e["command"] in event_kinds.ANCHORED and e["id"] not in lined:
                report.add(At("witness file {path}", path=witness_file),
                           N_("has no line for {command} event #{event}: lines were removed"),
                           command=e["command"], event=e["id"])
