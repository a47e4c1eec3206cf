"""Round files (`rounds/*.toml`) → a frozen `Round`. Every message names the file and key path
(given as the refusal's `file` and `key`; the message is a template with its fields)."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

from selector.domain import eligibility
from selector.domain.decision import AFTER
from selector.domain.model import (
    Candidate, Cut, Evaluation, GradeRule, Post, Round, Stage, Threshold, YearSchedule, normalize,
)
from selector.errors import BallotFileError, ConfigError
from selector.i18n import N_
from selector.readers.tables import decode, placed, regular_file

TYPE_CHECKING = False  # (typing's, without importing typing: start-up)
if TYPE_CHECKING:
    from typing import Any

MAX_FILE = 20 << 20  # bytes of a round file or roster file

ROUND_KEYS = {"id", "title", "organizer", "locale", "tie_seed", "complaints", "roster", "certify",
              "issuer", "doc_number"}
ROUND_KEYS |= {"calendar", "recommendation_valid_months"}  # issue 12.4, 12.6
ROUND_KEYS |= {"eligibility"}  # issue 11.6
ELIGIBILITY_KEYS = {"at", "max_age", "min_years_in_post"}
POST_KEYS = {"id", "title", "seats"}
POST_KEYS |= {"level", "appointment", "nomination"}  # post kinds (issue 11.9)
POST_KEYS |= {"max_marks"}  # issue 11.8
CALENDAR_KEYS = {"holidays", "workdays"}  # [calendar.YYYY]
DATE_RE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*")
DESCRIPTIVE = ("gender", "born", "ethnicity", "native_place", "education", "party", "joined",
               "unit", "position", "resume", "note",
               # what eligibility reads (domain/eligibility.py): dates, and 破格 with its reason
               "in_post_since", "probation_until", "discipline_until", "exceptional", "exceptional_reason")
# Roster fields that are checked, not just kept: a row with any of them takes the slow path.
CHECKED = frozenset(("born", "in_post_since", "probation_until", "discipline_until", "exceptional",
                     "exceptional_reason"))
# 破格 column: these say yes; empty or these say no. Anything else is refused.
EXCEPTIONAL_YES = frozenset(normalize(t).casefold() for t in ("是", "破格", "√", "✓", "y", "yes", "true", "1"))
EXCEPTIONAL_NO = frozenset(normalize(t).casefold() for t in ("否", "n", "no", "false", "0"))
CANDIDATE_KEYS = {"id", "name", "label", "posts", *DESCRIPTIVE}
# Roster CSV headings as a 干部名册 exported from Excel has them (the words the exported
# lists print).
ROSTER_ALIASES = {
    "编号": "id", "人员编号": "id", "姓名": "name", "标签": "label", "区分名": "label",
    "可报职位": "posts", "推荐职位": "posts", "性别": "gender", "出生年月": "born",
    "民族": "ethnicity", "籍贯": "native_place", "学历": "education", "政治面貌": "party",
    "参加工作时间": "joined", "现工作单位": "unit", "现工作单位及职务": "unit", "现任职务": "position",
    "简历": "resume", "备注": "note",
    "报名职位": "posts", "区分": "label", "任现职时间": "in_post_since", "任现职务时间": "in_post_since",
    "试用期满": "probation_until", "试用期至": "probation_until", "处分影响期至": "discipline_until",
    "处分影响期满": "discipline_until", "破格": "exceptional", "破格提拔": "exceptional",
    "破格理由": "exceptional_reason", "破格提拔理由": "exceptional_reason",
}
STAGE_KEYS = {"id", "kind", "title", "electorate", "members", "quorum", "max_marks", "overvote",
              "categories", "candidates", "form", "cut", "checks", "evaluation", "backfill",
              "working_days", "pass", "revotes", "after_revotes"}
STAGE_KEYS |= {"of", "probation_months"}  # notice stages (issue 12.3, 12.6)
STAGE_KEYS |= {"ratio"}  # decide stages: choose 1:N x seats per post (a 差额 committee vote)
CUT_KEYS = {"ratio", "score", "min_share", "ties", "shortfall", "pass", "pass_base"}
KIND_KEYS = {
    "recommend": {"electorate", "quorum", "max_marks", "overvote", "categories", "candidates", "cut",
                  "method", "expected"},
    "vote": {"members", "quorum", "max_marks", "overvote", "categories", "candidates", "cut", "form", "revotes",
             "after_revotes"},
    "inspect": {"checks", "evaluation", "backfill", "candidates"},
    "notice": {"working_days", "candidates", "of", "probation_months"},
    "decide": {"members", "quorum", "pass", "revotes", "after_revotes", "candidates"},
}
STAGE_KEYS |= {"method", "expected"}  # recommend stages: 谈话调研推荐 (issue 11.1)
KIND_KEYS["decide"] |= {"ratio"}
ID_RE = re.compile(r"[a-z0-9-]+")
SPACE_RE = re.compile(r"\s")  # what str.isspace() calls a space, character for character
POSTS_SEP = re.compile(r"[;；、,，|]")
THRESHOLD_RE = re.compile(r"\s*(>=|>)\s*(\d+)\s*(?:/\s*(\d+))?\s*")
RATIO_RE = re.compile(r"\s*1\s*:\s*(\d+)\s*")
GRADE_RULE_RE = re.compile(r"\s*([^<>=]+?)\s*((?:>=|>)\s*\d+\s*(?:/\s*\d+)?)\s*")
# Ready sets of checks (凡提四必: 干部档案凡提必审, 个人有关事项报告凡提必核, 纪检监察机关意见凡提必听,
# 线索具体可查的信访举报凡提必查).
CHECK_PRESETS = {"凡提四必": ("干部档案审核", "个人有关事项报告核查", "纪检监察机关意见", "信访举报核查")}

Loader = Callable[..., bytes]  # (relative name, key path naming it) -> bytes


def _q(value: Any) -> str:
    """A value as the round file writes it (`"3"`, `3`, `true`), for messages; a long one is
    cut short (…): a message is one line."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (RecursionError, ValueError):
        text = type(value).__name__
    return text if len(text) <= QUOTED else text[:QUOTED - 2] + "…" + text[-1]


# Numbers (SQLite holds integers below 2**63; nothing in a round comes near these).
MAX_DIGITS = 18  # digits of any number in a round file
MAX_PART = 10**9  # numerator or denominator of a fraction (weights, thresholds)
MAX_COUNT = {"seats": 1_000, "max_marks": 1_000, "electorate": 10_000_000, "members": 10_000_000,
             "tellers": 100, "scrutineers": 100, "working_days": 365, "revotes": 10,
             "probation_months": 120, "recommendation_valid_months": 120, "max_age": 150, "min_years_in_post": 100}
MAX_RATIO = 1_000  # N of "1:N"
MAX_DEPTH = 32  # arrays and tables inside each other (a round file needs 3)
QUOTED = 60  # characters of a value quoted in a message
# What tomllib cannot take: nesting deep enough to exhaust Python's stack (RecursionError),
# and decimal integers past int()'s 4,300 digits (ValueError). Found first, with a key path.
_TOML_TOKENS = re.compile(r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
                          r"|(?P<open>[\[{])|(?P<close>[\]}])|(?P<num>\d[\d_]{99,})", re.S)
_TABLE = re.compile(r"\s*(\[\[?)\s*([^\[\]]+?)\s*\]")
_KEY = re.compile(r"\s*([^\s=\[#][^=]*?)\s*=")


def _scan(text: str, name: str) -> None:
    """Refuse, naming the key path and line, what tomllib cannot parse without crashing."""
    depth = 0
    for m in _TOML_TOKENS.finditer(text):
        kind = m.lastgroup
        if kind == "open":
            depth += 1
            if depth > MAX_DEPTH:
                path, line = _key_at(text, m.start())
                raise ConfigError("arrays or tables nested more than {depth} deep (line {at}): not a round file?",
                                  file=name, key=path, depth=MAX_DEPTH, at=line)
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "num" and len(m.group().replace("_", "")) > MAX_DIGITS:
            path, line = _key_at(text, m.start())
            raise ConfigError("a number of more than {digits} digits (line {at}): too large", file=name,
                              key=path, digits=MAX_DIGITS, at=line)


def _key_at(text: str, pos: int) -> tuple[str, int]:
    """The key path (as `_Parser` names keys: `stage[1].cut.ratio`) of the value at `pos`,
    read from the table headers and the last `key =` before it, and its line."""
    lines = text[:pos].split("\n")
    counts: dict[str, int] = {}
    table = ""
    for line in lines[:-1]:
        m = _TABLE.match(line)
        if not m:
            continue
        parts = [p.strip().strip('"') for p in m.group(2).split(".")]
        if m.group(1) == "[[":
            key = ".".join(parts)
            counts[key] = counts.get(key, -1) + 1
        table = ".".join(f"{p}[{counts['.'.join(parts[:i + 1])]}]" if ".".join(parts[:i + 1]) in counts
                         else p for i, p in enumerate(parts))
    key = ""
    for line in reversed(lines):
        m = _KEY.match(line)
        if m and not _TABLE.match(line):
            key = m.group(1).strip().strip('"')
            break
    path = ".".join(p for p in (table, key) if p) or "(top level)"
    return path, len(lines)


def load(path: str | Path) -> tuple[Round, dict[str, bytes], dict]:
    """Read a round file (and its roster file) from disk.

    Returns the round, the raw sources by name, so the database can keep the exact bytes
    the rules came from and rebuild the round without the files, and the round file's TOML
    document (kept with them: `storage.tomldoc`).
    """
    path = Path(path)
    sources: dict[str, bytes] = {}

    def loader(name: str, key: str = "round.roster") -> bytes:
        sources[name] = _roster_bytes(path, name, key)
        return sources[name]

    try:
        data = _read_file(path, str(path), "round file")
    except BallotFileError as e:
        raise placed(e, ConfigError) from None
    doc = document(data, str(path))
    round_ = parse(data, str(path), loader, doc=doc)
    return round_, {path.name: data, **sources}, doc


def _read_file(path: Path, name: str, what: str) -> bytes:
    """The bytes of a regular file of at most MAX_FILE bytes (a FIFO would block, /dev/zero
    never end); a refusal is a BallotFileError naming `name`."""
    regular_file(path, name, what)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE + 1)
    except OSError as e:
        raise BallotFileError("cannot read it ({why})", file=name, why=e.strerror) from None
    if len(data) > MAX_FILE:
        raise BallotFileError(TOO_LARGE[what], file=name, mb=MAX_FILE >> 20)
    return data


TOO_LARGE = {"round file": N_("larger than {mb} MB: not a round file?"),
             "roster file": N_("larger than {mb} MB: not a roster file?")}


def _roster_bytes(round_path: Path, rel: str, key: str = "round.roster") -> bytes:
    """The roster file `rel`, which must be in the round file's folder (or below it): the
    round file names it, and a round file from elsewhere must not make `init` read (and quote
    in its messages) any file on the machine. Symbolic links are followed, then confined."""
    where = {"file": str(round_path), "key": key}
    if Path(rel).is_absolute() or rel.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", rel):
        raise ConfigError("{roster} is an absolute path: give the roster's name relative to the round "
                          "file's folder (keep it next to the round file)", **where, roster=_q(rel))
    folder = round_path.parent.resolve()
    target = round_path.parent / rel
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        real = None  # missing, or a link loop: regular_file says which
    if real is not None and not real.is_relative_to(folder):
        raise ConfigError("{roster} is outside the round file's folder ({folder}): copy the roster next to "
                          "the round file", **where, roster=_q(rel), folder=str(folder))
    try:
        return _read_file(real or target, str(target), "roster file")
    except BallotFileError as e:
        raise ConfigError("cannot read {error}", **where, error=e) from None


def from_sources(main: str, sources: dict[str, bytes], doc: dict | None = None) -> Round:
    """Rebuild a round from the sources stored at `init` (no files needed); `doc`, when given,
    is the main file's TOML document as stored with them (else the file is parsed again)."""
    return parse(sources[main], main, lambda name, key=None: sources[name], legacy=True, doc=doc)


def document(data: bytes, name: str) -> dict:
    """A round file's bytes as a TOML document (a dict), or a refusal naming the file."""
    tomllib = _toml()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError("a round file must be UTF-8 (bad byte at {at})", file=name, at=e.start) from None
    _scan(text, name)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError("not valid TOML: {error}", file=name, error=str(e)) from None
    except (ValueError, RecursionError) as e:  # what _scan did not foresee
        raise ConfigError("not a round file TOML can read ({error})", file=name, error=_q(str(e))) from None


def parse(data: bytes, name: str, loader: Loader, legacy: bool = False, doc: dict | None = None) -> Round:
    """Validate a round file (its bytes, or `doc`, their TOML document read before); `loader`
    fetches the roster file by relative name."""
    if doc is None:
        doc = document(data, name)
    try:
        return _Parser(name, loader, legacy).round(doc)
    except RecursionError:
        raise ConfigError("values nested too deeply: not a round file?", file=name) from None


def _toml():
    """The TOML reader, imported when a file is parsed (a round opened from the database reads
    its stored document instead: `storage.tomldoc`)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib


def _digits(value: str, key: str, file: str | None = None) -> None:
    """Refuse a string holding a run of more than MAX_DIGITS digits before int() reads it
    (past 4,300 digits int() itself refuses, with a ValueError)."""
    if re.search(r"\d{%d}" % (MAX_DIGITS + 1), value):
        raise ConfigError("a number of more than {digits} digits in {value}", file=file, key=key,
                          digits=MAX_DIGITS, value=_q(value))


def _parts(frac: Fraction, key: str, file: str | None = None) -> Fraction:
    if frac.numerator > MAX_PART or frac.denominator > MAX_PART:
        raise ConfigError("{fraction}: numbers in a fraction may be at most {limit:,}", file=file, key=key,
                          fraction=str(frac), limit=MAX_PART)
    return frac


def parse_threshold(value: Any, where: str) -> Threshold:
    """`">= 2/3"`, `"> 1/2"`, `">= 0"` → Threshold (exact). A refusal names the key path
    `where` (and no file: the caller's)."""
    if isinstance(value, str):
        _digits(value, where)
    m = THRESHOLD_RE.fullmatch(value) if isinstance(value, str) else None
    if not m or (m.group(3) is not None and int(m.group(3)) == 0):
        raise ConfigError('expected a threshold like ">= 2/3" or "> 1/2", got {value}', key=where, value=_q(value))
    num, den = int(m.group(2)), int(m.group(3) or 1)
    if max(num, den) > MAX_PART:
        raise ConfigError("{fraction}: numbers in a fraction may be at most {limit:,}", key=where,
                          fraction=m.group(2) + "/" + str(den), limit=MAX_PART)
    frac = Fraction(num, den)
    if frac > 1:
        raise ConfigError("a threshold is a share of at most 1, got {value}", key=where, value=_q(value))
    return Threshold(m.group(1), frac)  # type: ignore[arg-type]


# Refusals worded per key or stage kind (a translation words each sentence whole).
POST_CLASH = {"id": N_("{value} is also post[{other}]'s id"), "title": N_("{value} is also post[{other}]'s title")}
NOT_USED = {"recommend": N_("not used by a recommend stage"), "vote": N_("not used by a vote stage"),
            "inspect": N_("not used by a inspect stage"), "notice": N_("not used by a notice stage"),
            "decide": N_("not used by a decide stage")}


def judge(rules: eligibility.Rules | None, people: tuple[Candidate, ...]) -> tuple[eligibility.Standing, ...]:
    """The eligibility rules applied to the roster (its fields were checked as it was read).
    Without rules only 破格 is said: its reason is still published with the person."""
    def reason(c: Candidate) -> str | None:
        flag = normalize(c.field("exceptional")).casefold() if c.fields else ""
        return c.field("exceptional_reason") if flag in EXCEPTIONAL_YES else None

    if rules is None:
        return tuple(eligibility.Standing(c.id, (), r) for c in people if (r := reason(c)) is not None)

    def person(c: Candidate):
        dates = {k: eligibility.read_date(c.field(k)) for k in eligibility.DATES if c.field(k)}
        return c.id, dates, reason(c)

    return eligibility.judge(rules, (person(c) for c in people))


def _keys(value: Any) -> set[str]:
    """Every key of a free-keyed table (categories, score); `table()` refuses a non-table."""
    return set(value) if isinstance(value, dict) else set()


def _roster_person(item: dict[str, Any], post_ids: set[str], descriptive: tuple[str, ...]) -> Candidate | None:
    """A roster row (stripped, non-empty text cells under known headings) as `_Parser.candidate`
    makes it, when every check passes; None when one would fail (`candidate` then says why).
    A roster of 60,000 people is read by every command: this is the common case, made lean
    (`descriptive`: the DESCRIPTIVE keys the roster has a column for, in that order)."""
    cid, name = item.get("id"), item.get("name")
    if cid is None or name is None or SPACE_RE.search(cid) or cid != normalize(cid):
        return None
    if not CHECKED.isdisjoint(item):
        if "exceptional" in item or "exceptional_reason" in item:
            return None
        for key in eligibility.DATES:
            if key in item and eligibility.read_date(item[key]) is None:
                return None
    eligible = item.get("posts", ())
    if eligible and (len(set(eligible)) != len(eligible) or not post_ids.issuperset(eligible)):
        return None
    return Candidate(id=cid, name=name, label=item.get("label"), posts=tuple(eligible),
                     fields=tuple((key, item[key]) for key in descriptive if key in item))


class _Parser:
    def __init__(self, name: str, loader: Loader, legacy: bool = False):
        self.name = name
        self.loader = loader
        self.legacy = legacy  # a round stored by an older release: keys since retired are read
        self._post_ids: tuple[object, set[str]] = (None, set())
        self.any_exceptional = False  # someone has a 破格 field (then it is said without rules too)

    def fail(self, where: str, message: str, /, **fields):
        """Refuse the round file at key path `where`: `message` is a template (marked N_ for
        the catalog) with its `fields`."""
        raise ConfigError(message, file=self.name, key=where, **fields)

    # -- helpers ---------------------------------------------------------------
    def table(self, value, where: str, allowed: set[str], required: tuple[str, ...] = ()) -> dict:
        if not isinstance(value, dict):
            self.fail(where, N_("expected a table, got {type}"), type=type(value).__name__)
        for key in value:
            if key not in allowed:
                self.fail(f"{where}.{key}", N_("unknown key (allowed: {allowed})"), allowed=", ".join(sorted(allowed)))
        for key in required:
            if key not in value:
                self.fail(f"{where}.{key}", N_("missing"))
        return value

    def text(self, value, where: str, *, empty: bool = False) -> str:
        if not isinstance(value, str):
            self.fail(where, N_("expected a string, got {value}"), value=_q(value))
        if not empty and not value.strip():
            self.fail(where, N_("must not be empty"))
        return value.strip()

    def ident(self, value, where: str, pattern=None) -> str:
        value = self.text(value, where)
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(where, N_("expected [a-z0-9-]+, got {value}"), value=_q(value))
        if SPACE_RE.search(value) or value != normalize(value):
            self.fail(where, N_("ids may not contain spaces or full-width characters, got {value}"), value=_q(value))
        return value

    def count(self, value, where: str, minimum: int = 1) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(where, N_("expected a whole number ≥ {minimum}, got {value}"), minimum=minimum, value=_q(value))
        maximum = MAX_COUNT[where.rpartition(".")[2]]
        if value > maximum:
            self.fail(where, N_("expected a whole number ≥ {minimum} and at most {maximum:,}, got {value}"),
                      minimum=minimum, maximum=maximum, value=_q(value))
        return value

    def choice(self, value, where: str, options: tuple[str, ...]) -> str:
        if value not in options:
            self.fail(where, N_("expected one of {options}, got {value}"), options=" | ".join(options),
                      value=_q(value))
        return value

    def fraction(self, value, where: str) -> Fraction:
        if isinstance(value, bool):
            self.fail(where, N_('expected a whole number or fraction like "1/2", got {value}'), value=_q(value))
        if isinstance(value, str):
            _digits(value, where, self.name)
        if isinstance(value, int):
            frac = _parts(Fraction(value), where, self.name)
        elif isinstance(value, str) and re.fullmatch(r"\s*\d+\s*(/\s*[1-9]\d*\s*)?", value):
            num, _, den = value.replace(" ", "").partition("/")
            frac = _parts(Fraction(int(num), 1), where, self.name) / _parts(Fraction(1, int(den or 1)), where,
                                                                            self.name)
        else:
            self.fail(where, N_('expected a whole number or fraction like "1/2" (no decimals), got {value}'),
                      value=_q(value))
        if frac < 0:
            self.fail(where, N_("must not be negative"))
        return frac

    def threshold(self, value, where: str) -> Threshold:
        try:
            return parse_threshold(value, where)
        except ConfigError as e:
            raise placed(e, file=self.name) from None

    def strings(self, value, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(where, N_("expected a list of non-empty strings, got {value}"), value=_q(value))
        if len(set(value)) != len(value):
            self.fail(where, N_("lists the same item twice"))
        return tuple(v.strip() for v in value)

    def array(self, doc: dict, key: str) -> list:
        value = doc.get(key, [])
        if not isinstance(value, list):
            self.fail(key, N_("expected [[{table}]] tables"), table=key)
        return value

    # -- the document ------------------------------------------------------------
    def round(self, doc: dict) -> Round:
        self.table(doc, "(top level)", {"round", "post", "candidate", "stage", "calendar"}, ("round", "post", "stage"))
        head = self.table(doc["round"], "round", ROUND_KEYS, ("id", "title", "organizer"))
        round_id = self.ident(head["id"], "round.id", ID_RE)
        locale = self.choice(head.get("locale", "zh-CN"), "round.locale", ("zh-CN", "en"))
        tellers, scrutineers = 1, 2
        if "certify" in head:
            cert = self.table(head["certify"], "round.certify", {"tellers", "scrutineers"})
            tellers = self.count(cert.get("tellers", 1), "round.certify.tellers")
            scrutineers = self.count(cert.get("scrutineers", 2), "round.certify.scrutineers")
        posts = self.posts(self.array(doc, "post"))
        if "roster" in head and doc.get("candidate"):
            self.fail("round.roster", N_("give the roster as a file or as [[candidate]] tables, not both"))
        if "roster" in head:
            candidates = self.roster_file(self.text(head["roster"], "round.roster"), posts)
        else:
            candidates = tuple(self.candidate(c, f"candidate[{i}]", posts)
                               for i, c in enumerate(self.array(doc, "candidate")))
        self.check_people(candidates, "candidate")
        rules = self.eligibility(head["eligibility"]) if "eligibility" in head else None
        if rules is not None:
            needed = (("born", "max_age", rules.max_age), ("in_post_since", "min_years_in_post", rules.min_years_in_post))
            for key, rule, limit in needed:
                lacking = [c for c in candidates if limit is not None and not c.field(key)] if limit is not None else []
                if lacking:
                    self.fail(f"round.eligibility.{rule}", N_("needs {field} for everyone on the roster; {n} have none "
                                                              "(first: {id} {name})"),
                              field=key, n=len(lacking), id=lacking[0].id, name=lacking[0].name)
        # (a roster of 60,000 without a 破格 column is not walked again)
        standings = judge(rules, candidates) if rules is not None or self.any_exceptional else ()
        stages = self.stages(self.array(doc, "stage"), posts)
        tie_seed = self.text(head.get("tie_seed", ""), "round.tie_seed", empty=True)
        calendars = self.calendars(doc.get("calendar", {}), "calendar", "round file")
        if "calendar" in head:
            calendars = self.calendar_file(self.text(head["calendar"], "round.calendar"), calendars)
        valid = self.count(head.get("recommendation_valid_months", 12), "round.recommendation_valid_months")
        for i, s in enumerate(stages):
            if s.kind == "notice" and s.of == "inspection" and not any(t.kind == "inspect" for t in stages[i + 1:]):
                self.fail(f"stage[{i}].of", N_('a notice of the 考察对象 (of = "inspection") comes before an inspect '
                                               'stage: none follows it'))
        for i, s in enumerate(stages):
            if s.cut and s.cut.ties == "lot" and not tie_seed:
                self.fail(f"stage[{i}].cut.ties", N_('"lot" needs round.tie_seed, fixed before any tally'))
        return Round(
            id=round_id,
            title=self.text(head["title"], "round.title"),
            organizer=self.text(head["organizer"], "round.organizer"),
            locale=locale,  # type: ignore[arg-type]
            posts=posts,
            candidates=candidates,
            stages=stages,
            tie_seed=tie_seed,
            complaints=self.text(head.get("complaints", ""), "round.complaints", empty=True),
            tellers=tellers,
            scrutineers=scrutineers,
            calendars=calendars,
            recommendation_valid_months=valid,
            issuer=self.text(head.get("issuer", ""), "round.issuer", empty=True),
            doc_number=self.text(head.get("doc_number", ""), "round.doc_number", empty=True),
            eligibility=rules,
            standings=standings,
        )

    def eligibility(self, value) -> eligibility.Rules:
        """`[round.eligibility]`: `at` (the date the rules apply on), `max_age`, `min_years_in_post`."""
        item = self.table(value, "round.eligibility", ELIGIBILITY_KEYS, ("at",))
        at = item["at"]
        if isinstance(at, date) and not isinstance(at, datetime):
            day = at
        else:
            day = eligibility.read_date(at) if isinstance(at, str) else None
            if day is None or not re.fullmatch(r"\s*\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?\s*", at):
                self.fail("round.eligibility.at", N_("expected a date like 2011-06-01, got {value}"), value=_q(at))
        return eligibility.Rules(
            at=day,
            max_age=self.count(item["max_age"], "round.eligibility.max_age") if "max_age" in item else None,
            min_years_in_post=(self.count(item["min_years_in_post"], "round.eligibility.min_years_in_post")
                               if "min_years_in_post" in item else None))

    def posts(self, items: list) -> tuple[Post, ...]:
        """The [[post]] tables (ids and titles unique)."""
        if not items:
            self.fail("post", N_("a round needs at least one [[post]]"))
        posts, seen = [], {}
        for i, item in enumerate(items):
            where = f"post[{i}]"
            item = self.table(item, where, POST_KEYS, ("id", "title"))
            post = Post(self.ident(item["id"], f"{where}.id"), self.text(item["title"], f"{where}.title"),
                        self.count(item.get("seats", 1), f"{where}.seats"), **self.post_kind(item, where),
                        max_marks=self.count(item["max_marks"], f"{where}.max_marks") if "max_marks" in item else None)
            for key, value in (("id", post.id), ("title", normalize(post.title))):
                if (key, value) in seen:
                    self.fail(f"{where}.{key}", POST_CLASH[key], value=_q(value), other=seen[key, value])
                seen[key, value] = i
            posts.append(post)
        return tuple(posts)

    def candidate(self, item, where: str, posts) -> Candidate:
        item = self.table(item, where, CANDIDATE_KEYS, ("id", "name"))
        self.any_exceptional = self.any_exceptional or "exceptional" in item
        if self._post_ids[0] is not posts:  # once per round, not once per person
            self._post_ids = (posts, {p.id for p in posts})
        post_ids = self._post_ids[1]
        eligible = self.strings(item.get("posts", []), f"{where}.posts")
        for pid in eligible:
            if pid not in post_ids:
                self.fail(f"{where}.posts", N_("no post {post}"), post=_q(pid))
        fields = []
        for key in DESCRIPTIVE:
            if key in item:
                value = item[key]
                if key in eligibility.DATES and isinstance(value, date):  # a TOML date
                    value = value.isoformat()
                if key == "exceptional" and isinstance(value, bool):  # exceptional = true
                    value = "yes" if value else ""
                if not isinstance(value, (str, int)) or isinstance(value, bool):
                    self.fail(f"{where}.{key}", N_("expected text, got {value}"), value=_q(value))
                if isinstance(value, int) and abs(value) >= 10**MAX_DIGITS:
                    self.fail(f"{where}.{key}", N_("a number of more than {digits} digits: write it as text"),
                              digits=MAX_DIGITS)
                fields.append((key, str(value).strip()))
        self.check_dates(dict(fields), where)
        label = item.get("label")
        return Candidate(
            id=self.ident(item["id"], f"{where}.id"),
            name=self.text(item["name"], f"{where}.name"),
            label=self.text(label, f"{where}.label") if label is not None else None,
            posts=eligible,
            fields=tuple(fields),
        )

    def check_dates(self, fields: dict[str, str], where: str) -> None:
        """A person's eligibility fields: dates that are dates, 破格 with its stated reason."""
        for key in eligibility.DATES:
            if fields.get(key) and eligibility.read_date(fields[key]) is None:
                self.fail(f"{where}.{key}", N_("{value} is not a date (write 1975-03-01, 1975.03.01, 1975年3月1日, or "
                                               "the month: 1975.03)"), value=_q(fields[key]))
        flag = normalize(fields.get("exceptional", "")).casefold()
        if flag and flag not in EXCEPTIONAL_YES | EXCEPTIONAL_NO:
            self.fail(f"{where}.exceptional", N_("{value} is neither yes (是, 破格, Y) nor no (否, N, or empty)"),
                      value=_q(fields["exceptional"]))
        if flag in EXCEPTIONAL_YES and not fields.get("exceptional_reason"):
            self.fail(f"{where}.exceptional_reason", N_("破格 needs its stated reason (it is published with the "
                                                        "notice)"))
        if fields.get("exceptional_reason") and flag not in EXCEPTIONAL_YES:
            self.fail(f"{where}.exceptional", N_("a 破格 reason is given but the person is not marked 破格 (是)"))

    def roster_file(self, rel: str, posts) -> tuple[Candidate, ...]:
        name = f"{self.name} → {rel}"
        try:
            text, _ = decode(self.loader(rel), rel)
        except BallotFileError as e:
            self.fail("round.roster", N_("{error}"), error=e)
        except KeyError:
            self.fail("round.roster", N_("roster file {roster} was not stored with the round"), roster=_q(rel))
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            rows = list(reader)
        except csv.Error as e:  # a cell past csv's field limit (131,072 characters)
            raise ConfigError("unreadable CSV ({error})", file=name, line=reader.line_num, error=str(e)) from None
        if not rows or not any(cell.strip() for cell in rows[0]):
            raise ConfigError("the roster needs a header (id, name, …)", file=name, row=1)
        header = [ROSTER_ALIASES.get(normalize(h), h.strip()) for h in rows[0]]
        self.any_exceptional = self.any_exceptional or "exceptional" in header
        heading = {key: h.strip() for key, h in zip(header, rows[0])}  # as the file writes it
        for col, h in enumerate(header, start=1):
            if h not in CANDIDATE_KEYS:  # every heading accepted, in full: the clerk renames the column
                raise ConfigError("unknown column {text} (allowed: {allowed}, or the Chinese headings {chinese})",
                                  file=name, row=1, column=col, text=_q(h), allowed=", ".join(sorted(CANDIDATE_KEYS)),
                                  chinese=", ".join(ROSTER_ALIASES))
        if len(set(header)) != len(header):
            raise ConfigError("a column appears twice", file=name, row=1)
        out = []
        post_ids = {p.id for p in posts}
        descriptive = tuple(key for key in DESCRIPTIVE if key in header)
        for lineno, row in enumerate(rows[1:], start=2):
            if not "".join(row).strip():
                continue
            if len(row) > len(header):
                raise ConfigError("{cells} cells for {columns} columns", file=name, row=lineno, cells=len(row),
                                  columns=len(header))
            item = {h: text for h, v in zip(header, row) if (text := v.strip())}
            if "posts" in item:
                item["posts"] = [p.strip() for p in POSTS_SEP.split(item["posts"]) if p.strip()]
            person = _roster_person(item, post_ids, descriptive)
            if person is not None:
                out.append(person)
                continue
            row_key = f"row {lineno}"
            try:  # something to refuse: the checks of a [[candidate]] table say what
                out.append(self.candidate(item, row_key, posts))
            except ConfigError as e:
                # key paths of a table read as CSV columns: "row 2, column name: missing"
                key = e.place.get("key", "")
                if key.startswith(row_key + "."):
                    column = key[len(row_key) + 1:]
                    raise placed(e, file=name, key=None, row=lineno, column=heading.get(column, column)) from None
                raise placed(e, file=name) from None
        return tuple(out)

    def check_people(self, people: tuple[Candidate, ...], where: str) -> None:
        if not people:
            self.fail(where, N_("the round has nobody on its roster"))
        ids: dict[str, str] = {}
        labels: dict[str, str] = {}
        names: dict[str, list[Candidate]] = {}
        for c in people:
            if c.id in ids:
                self.fail(where, N_("two people have id {id}"), id=_q(c.id))
            ids[c.id] = c.id
            if c.label:
                key = normalize(c.label)
                if key in labels:
                    self.fail(where, N_("{id} and {other} share the label {label}"), id=c.id, other=labels[key],
                              label=_q(c.label))
                labels[key] = c.id
            names.setdefault(normalize(c.name), []).append(c)
        for name, same in names.items():
            unlabeled = [c.id for c in same if not c.label]
            if len(same) > 1 and unlabeled:
                self.fail(where, N_('{n} people are named {name} ({ids}): give each a label, e.g. label = '
                                    '"{name}({unit})"'), n=len(same), name=same[0].name,
                          ids=", ".join(c.id for c in same), unit=same[0].field("unit") or "单位")
        # A mark is read as an id, then a label, then a name: a label that is someone else's
        # name or id would silently take that person's marks.
        ids_norm = {normalize(c.id): c.id for c in people}
        for c in people:
            if not c.label:
                continue
            key = normalize(c.label)
            others = [p.id for p in names.get(key, []) if p.id != c.id]
            if key in ids_norm and ids_norm[key] != c.id:
                others.append(ids_norm[key])
            if others:
                self.fail(where, N_("{id}'s label {label} is also the name or id of {others}: a mark written so "
                                    "would be ambiguous; choose another label"), id=c.id, label=_q(c.label),
                          others=", ".join(others))

    def stages(self, items: list, posts) -> tuple[Stage, ...]:
        if not items:
            self.fail("stage", N_("a round needs at least one [[stage]]"))
        stages: list[Stage] = []
        for i, item in enumerate(items):
            where = f"stage[{i}]"
            item = self.table(item, where, STAGE_KEYS, ("id", "kind", "title"))
            sid = self.ident(item["id"], f"{where}.id")
            if any(s.id == sid for s in stages):
                self.fail(f"{where}.id", N_("another stage is already called {stage}"), stage=_q(sid))
            kind = self.choice(item["kind"], f"{where}.kind", ("recommend", "vote", "inspect", "notice", "decide"))
            for key in item:
                if key not in KIND_KEYS[kind] | {"id", "kind", "title"}:
                    self.fail(f"{where}.{key}", NOT_USED[kind])
            stages.append(self.stage(item, where, sid, kind, stages, posts, i))
        return tuple(stages)

    def stage(self, item, where, sid, kind, earlier, posts, index) -> Stage:
        kw: dict[str, Any] = {"id": sid, "kind": kind, "title": self.text(item["title"], f"{where}.title")}
        default_list = "roster" if index == 0 else "previous"
        kw["candidates"] = self.choice(item.get("candidates", default_list), f"{where}.candidates",
                                       ("roster", "previous"))
        if kw["candidates"] == "previous" and index == 0:
            self.fail(f"{where}.candidates", N_('the first stage has no previous stage: use "roster"'))
        if kind == "recommend":
            kw["method"] = self.choice(item.get("method", "papers"), f"{where}.method", ("papers", "talk"))
            if kw["method"] == "talk" and "electorate" not in item and "expected" in item:
                item = {**item, "electorate": self.talk_total(item, where)}
            if "electorate" not in item:
                self.fail(f"{where}.electorate", N_("missing (应到人数 of a recommendation)"))
            kw["electorate"] = self.count(item["electorate"], f"{where}.electorate")
        if kind == "vote":
            if "members" not in item:
                self.fail(f"{where}.members", N_("missing (应到会成员 of a vote)"))
            kw["members"] = self.count(item["members"], f"{where}.members")
            kw["form"] = self.choice(item.get("form", "choose"), f"{where}.form", ("choose", "approve"))
        if kind in ("recommend", "vote"):
            if "quorum" in item:
                kw["quorum"] = self.threshold(item["quorum"], f"{where}.quorum")
            if "max_marks" in item:
                kw["max_marks"] = self.count(item["max_marks"], f"{where}.max_marks")
            kw["overvote"] = self.choice(item.get("overvote", "void-post"), f"{where}.overvote",
                                         ("void-post", "void-ballot"))
            if "categories" in item:
                cats = self.table(item["categories"], f"{where}.categories", _keys(item["categories"]))
                if not cats:
                    self.fail(f"{where}.categories", N_("give at least one category, or leave the key out"))
                kw["categories"] = tuple((self.text(k, f"{where}.categories"), self.fraction(v, f"{where}.categories.{k}"))
                                         for k, v in cats.items())
            if "cut" in item:
                kw["cut"] = self.cut(item["cut"], f"{where}.cut", sid, earlier)
                if kind == "recommend" and kw["cut"].shortfall == "revote":
                    self.fail(f"{where}.cut.shortfall", N_('"revote" is for vote stages (再次投票)'))
        if kind == "recommend":
            kw["expected"] = self.expected(item, where, kw)
        if kind == "inspect":
            kw["checks"] = self.checks(item.get("checks", []), f"{where}.checks")
            if "evaluation" in item:
                kw["evaluation"] = self.evaluation(item["evaluation"], f"{where}.evaluation")
            backfill = item.get("backfill", False)
            if "backfill" in item and not self.legacy:
                # 递补 is decided by the 党委 at the cut, never by the round file (2019 条例).
                self.fail(f"{where}.backfill", N_("递补 is no longer automatic: delete this key; a struck "
                                                  "candidate's replacement is proposed by the ranking and the "
                                                  "cut records the decision (cut STAGE --backfill POST=ID or "
                                                  "--no-backfill POST, with --reason)"))
            if not isinstance(backfill, bool):
                self.fail(f"{where}.backfill", N_("expected true or false, got {value}"), value=_q(backfill))
            if "backfill" in item:
                kw["backfill"] = backfill
        if kind == "notice":
            kw["working_days"] = self.count(item.get("working_days", 5), f"{where}.working_days")
            kw["of"] = self.choice(item.get("of", "appointment"), f"{where}.of", ("inspection", "appointment"))
            if "probation_months" in item:
                if kw["of"] != "appointment":
                    self.fail(f"{where}.probation_months", N_('a 试用期 follows an appointment: only with of = '
                                                              '"appointment"'))
                kw["probation_months"] = self.count(item["probation_months"], f"{where}.probation_months")
        if kind in ("vote", "decide"):
            self.decisions(item, where, kind, kw)
        return Stage(**kw)

    def decisions(self, item, where, kind, kw) -> None:
        """讨论决定 and re-votes: members by count or by name, the pass line, the re-votes allowed
        and what happens after them; a vote's ties are re-voted, never drawn by lot."""
        if kind == "decide":
            if "members" not in item:
                self.fail(f"{where}.members", N_("missing (应到会成员: a number, or the members' names)"))
            members = item["members"]
            if isinstance(members, list):
                names = self.strings(members, f"{where}.members")
                if len({normalize(n) for n in names}) != len(names):
                    self.fail(f"{where}.members", N_("lists the same item twice"))
                kw["member_names"] = names
                kw["members"] = len(names)
            else:
                kw["members"] = self.count(members, f"{where}.members")
            if "quorum" in item:
                kw["quorum"] = self.threshold(item["quorum"], f"{where}.quorum")
            if "pass" in item:
                kw["majority"] = self.threshold(item["pass"], f"{where}.pass")
            if "ratio" in item:
                kw["ratio"] = self.ratio(item["ratio"], f"{where}.ratio")
        if "revotes" in item:
            kw["revotes"] = self.count(item["revotes"], f"{where}.revotes", minimum=0)
        kw["after_revotes"] = self.choice(item.get("after_revotes", "unfilled"), f"{where}.after_revotes", AFTER)
        cut = kw.get("cut")
        if cut is not None and cut.ties == "lot":
            self.fail(f"{where}.cut.ties", N_('"lot" is not for a vote: a tie in a vote goes to a re-vote (再次投票); '
                                              'use "hold" (re-vote) or "widen"'))

    # -- post kinds and the calendar (issues 11.9, 12.4) -----------------------------
    def post_kind(self, item: dict, where: str) -> dict:
        """`level` 正职 | 副职 (optional), `appointment` appointed (default) | elected, and for an
        elected post `nomination` 推荐 (default: 拟推荐为…人选) | 提名 (拟提名为…候选人)."""
        kw: dict[str, Any] = {}
        if "level" in item:
            kw["level"] = self.choice(item["level"], f"{where}.level", ("正职", "副职"))
        kw["appointment"] = self.choice(item.get("appointment", "appointed"), f"{where}.appointment",
                                        ("appointed", "elected"))
        if "nomination" in item:
            if kw["appointment"] != "elected":
                self.fail(f"{where}.nomination", N_('only for an elected post (appointment = "elected")'))
            kw["nomination"] = self.choice(item["nomination"], f"{where}.nomination", ("推荐", "提名"))
        return kw

    def calendars(self, value, where: str, source: str,
                  given: tuple[YearSchedule, ...] = ()) -> tuple[YearSchedule, ...]:
        """`[calendar.YYYY]` tables: each year's holidays and make-up working days."""
        years = self.table(value, where, _keys(value))
        out = list(given)
        for key, table in years.items():
            at = f"{where}.{key}"
            if not (isinstance(key, str) and re.fullmatch(r"\d{4}", key)):
                self.fail(at, N_("expected a year like [calendar.2027], got {value}"), value=_q(key))
            year = int(key)
            if any(s.year == year for s in out):
                self.fail(at, N_("the calendar of {year} is given twice (in the round file and its calendar file)"),
                          year=year)
            table = self.table(table, at, CALENDAR_KEYS)
            days = {k: self.days(table.get(k, []), f"{at}.{k}", year) for k in ("holidays", "workdays")}
            both = sorted(days["holidays"] & days["workdays"])
            if both:
                self.fail(at, N_("{day} is both a holiday and a workday"), day=both[0].isoformat())
            out.append(YearSchedule(year, frozenset(days["holidays"]), frozenset(days["workdays"]), source))
        return tuple(sorted(out, key=lambda s: s.year))

    def days(self, value, where: str, year: int) -> set[date]:
        """A list of dates (TOML dates, "YYYY-MM-DD", or a span "YYYY-MM-DD..YYYY-MM-DD"), all in `year`."""
        if not isinstance(value, list):
            self.fail(where, N_("expected a list of dates like \"2027-01-01\", got {value}"), value=_q(value))
        out: set[date] = set()
        for i, item in enumerate(value):
            at = f"{where}[{i}]"
            if isinstance(item, date) and not hasattr(item, "hour"):
                first = last = item
            elif isinstance(item, str):
                ends = item.split("..")
                if len(ends) > 2:
                    self.fail(at, N_("expected a date like \"2027-01-01\" or a span \"2027-10-01..2027-10-07\", "
                                     "got {value}"), value=_q(item))
                first, last = (self.day(e, at, item) for e in (ends[0], ends[-1]))
                if last < first:
                    self.fail(at, N_("the span {value} ends before it starts"), value=_q(item))
            else:
                self.fail(at, N_("expected a date like \"2027-01-01\" or a span \"2027-10-01..2027-10-07\", "
                                 "got {value}"), value=_q(item))
            for end in (first, last):
                if end.year != year:
                    self.fail(at, N_("{day} is not in {year}"), day=end.isoformat(), year=year)
            while first <= last:
                out.add(first)
                first += timedelta(days=1)
        return out

    def day(self, text: str, where: str, whole: str) -> date:
        m = DATE_RE.fullmatch(text)
        try:
            if m:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
        self.fail(where, N_("expected a date like \"2027-01-01\" or a span \"2027-10-01..2027-10-07\", got {value}"),
                  value=_q(whole))

    def calendar_file(self, rel: str, given: tuple[YearSchedule, ...]) -> tuple[YearSchedule, ...]:
        """`round.calendar`: a file the clerk keeps (next to the round file) with [calendar.YYYY]
        tables, stored with the round like the roster."""
        name = f"{self.name} → {rel}"
        try:
            data = self.loader(rel, "round.calendar")
        except KeyError:
            self.fail("round.calendar", N_("calendar file {file} was not stored with the round"), file=_q(rel))
        tomllib = _toml()
        try:
            doc = tomllib.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, RecursionError) as e:
            raise ConfigError("not a calendar file TOML can read ({error})", file=name, error=_q(str(e))) from None
        inner = _Parser(name, self.loader)
        inner.table(doc, "(top level)", {"calendar"}, ("calendar",))
        return inner.calendars(doc["calendar"], "calendar", rel, given)

    def ratio(self, value, where) -> int:
        """A decide stage's `ratio = "1:N"`: N x seats chosen per post (as a cut's ratio is read)."""
        if isinstance(value, str):
            _digits(value, where, self.name)
        m = RATIO_RE.fullmatch(value) if isinstance(value, str) else None
        if not m or int(m.group(1)) < 1:
            self.fail(where, N_('expected "1:N", got {value}'), value=_q(value))
        if int(m.group(1)) > MAX_RATIO:
            self.fail(where, N_('N of "1:N" may be at most {limit:,}, got {value}'), limit=MAX_RATIO, value=_q(value))
        return int(m.group(1))

    def cut(self, value, where, sid, earlier) -> Cut:
        item = self.table(value, where, CUT_KEYS, ("ratio",))
        if isinstance(item["ratio"], str):
            _digits(item["ratio"], f"{where}.ratio", self.name)
        m = RATIO_RE.fullmatch(item["ratio"]) if isinstance(item["ratio"], str) else None
        if not m or int(m.group(1)) < 1:
            self.fail(f"{where}.ratio", N_('expected "1:N", got {value}'), value=_q(item["ratio"]))
        if int(m.group(1)) > MAX_RATIO:
            self.fail(f"{where}.ratio", N_('N of "1:N" may be at most {limit:,}, got {value}'), limit=MAX_RATIO,
                      value=_q(item["ratio"]))
        weights = {sid: Fraction(1)}
        if "score" in item:
            score = self.table(item["score"], f"{where}.score", _keys(item["score"]))
            ballot_stages = {s.id for s in earlier if s.takes_ballots} | {sid}
            for key in score:
                if key not in ballot_stages:
                    self.fail(f"{where}.score.{key}", N_("not this stage or an earlier ballot stage (known: {known})"),
                              known=", ".join(sorted(ballot_stages)))
            weights = {k: self.fraction(v, f"{where}.score.{k}") for k, v in score.items()}
            if not any(weights.values()):
                self.fail(f"{where}.score", N_("every weight is zero"))
        kw: dict[str, Any] = {"ratio": int(m.group(1)), "score": tuple(weights.items())}
        if "min_share" in item:
            kw["min_share"] = self.threshold(item["min_share"], f"{where}.min_share")
        kw["ties"] = self.choice(item.get("ties", "hold"), f"{where}.ties", ("hold", "widen", "lot"))
        kw["shortfall"] = self.choice(item.get("shortfall", "hold"), f"{where}.shortfall", ("hold", "accept", "revote"))
        if "pass" in item:
            kw["pass_"] = self.threshold(item["pass"], f"{where}.pass")
        elif "pass_base" in item:
            self.fail(f"{where}.pass_base", N_("given without a pass line (cut.pass)"))
        kw["pass_base"] = self.choice(item.get("pass_base", "members"), f"{where}.pass_base",
                                      ("members", "present", "valid"))
        return Cut(**kw)

    def checks(self, value, where) -> tuple[str, ...]:
        """The sign-offs every candidate needs; a preset name (凡提四必) stands for its checks."""
        if isinstance(value, str) and value.strip() in CHECK_PRESETS:
            return CHECK_PRESETS[value.strip()]
        out: list[str] = []
        for check in self.strings(value, where):
            for c in CHECK_PRESETS.get(check, (check,)):
                if c in out:
                    self.fail(where, N_("lists the same item twice"))
                out.append(c)
        return tuple(out)

    def talk_total(self, item, where) -> int:
        """A talk stage's 应谈 in all, when only `expected` (per category) gives it."""
        value = item["expected"]
        self.table(value, f"{where}.expected", _keys(value))
        return sum(v for v in value.values() if isinstance(v, int) and not isinstance(v, bool))

    def expected(self, item, where, kw) -> tuple[tuple[str, int], ...]:
        """`expected`: a talk stage's 应谈 per category, one number for each of `categories`,
        adding up to `electorate` (which may be left out); only on a talk stage."""
        if "expected" not in item:
            if kw["method"] == "talk" and kw.get("categories"):
                self.fail(f"{where}.expected", N_("missing (应谈: how many are to be talked to, per category)"))
            return ()
        if kw["method"] != "talk":
            self.fail(f"{where}.expected", N_('only a talk stage (method = "talk") has expected (应谈) per category'))
        value = self.table(item["expected"], f"{where}.expected", _keys(item["expected"]))
        names = [c for c, _ in kw.get("categories", ())]
        if not names:
            self.fail(f"{where}.expected", N_("expected (应谈) per category needs the stage's categories"))
        out = []
        for name in names:
            if name not in value:
                self.fail(f"{where}.expected", N_("no number for category {category}"), category=_q(name))
            number = value[name]
            if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= MAX_COUNT["electorate"]:
                self.fail(f"{where}.expected.{name}", N_("expected a whole number ≥ {minimum} and at most {maximum:,}, "
                                                        "got {value}"), minimum=0, maximum=MAX_COUNT["electorate"],
                          value=_q(number))
            out.append((name, number))
        for name in value:
            if name not in names:
                self.fail(f"{where}.expected.{name}", N_("not one of the stage's categories ({categories})"),
                          categories=", ".join(names))
        if sum(n for _, n in out) != kw["electorate"]:
            self.fail(f"{where}.expected", N_("adds up to {total}, but electorate is {electorate}"),
                      total=sum(n for _, n in out), electorate=kw["electorate"])
        return tuple(out)

    def evaluation(self, value, where) -> Evaluation:
        """`scale`, then rules naming grades (`pass = "称职以上 >= 2/3"`, `strike`, `concern`);
        the older form `top = [...]` with `pass = ">= 2/3"` is read as one pass rule."""
        item = self.table(value, where, {"scale", "top", "pass", "strike", "concern", "unknown"}, ("scale",))
        scale = self.strings(item["scale"], f"{where}.scale")
        unknown = self.strings(item.get("unknown", ["不了解"]), f"{where}.unknown")
        for text in unknown:
            if text in scale:
                self.fail(f"{where}.unknown", N_("{grade} is on the scale"), grade=_q(text))
        rules: list[GradeRule] = []
        if "top" in item:
            top = self.strings(item["top"], f"{where}.top")
            for grade in top:
                if grade not in scale:
                    self.fail(f"{where}.top", N_("{grade} is not on the scale"), grade=_q(grade))
            if "pass" not in item:
                self.fail(f"{where}.pass", N_("missing (required)"))
            threshold = self.threshold(item["pass"], f"{where}.pass")
            rules.append(GradeRule(top, threshold, "pass", "、".join(top) + f" {threshold}"))
            effects = ("strike", "concern")
        else:
            effects = ("pass", "strike", "concern")
        for effect in effects:
            texts = item.get(effect, [])
            texts = [texts] if isinstance(texts, str) else texts
            if not isinstance(texts, list):
                self.fail(f"{where}.{effect}", N_("expected a rule like \"称职以上 >= 2/3\" or a list of them, got "
                                                  "{value}"), value=_q(texts))
            for i, text in enumerate(texts):
                rules.append(self.grade_rule(text, f"{where}.{effect}" + (f"[{i}]" if len(texts) > 1 else ""),
                                             scale, effect))
        if not rules:
            self.fail(where, N_("give at least one rule: pass, strike or concern (e.g. pass = \"称职以上 >= 2/3\")"))
        first = next((r for r in rules if r.effect == "pass"), None)
        return Evaluation(scale, first.grades if first else (), first.threshold if first else None,
                          tuple(rules), unknown)

    def grade_rule(self, text, where, scale: tuple[str, ...], effect: str) -> GradeRule:
        """`称职以上 >= 2/3`: a grade and those above it (以上), below it (以下), the grade alone,
        or grades joined by 、/+ — then a threshold."""
        m = GRADE_RULE_RE.fullmatch(text) if isinstance(text, str) else None
        if not m:
            self.fail(where, N_("expected a rule like \"称职以上 >= 2/3\" (grades, then a threshold), got {value}"),
                      value=_q(text))
        words, threshold = m.group(1).strip(), self.threshold(m.group(2), where)
        grades: tuple[str, ...]
        if words in scale:
            grades = (words,)
        elif words.endswith(("以上", "以下")) and words[:-2].strip() in scale:
            at = scale.index(words[:-2].strip())
            grades = scale[:at + 1] if words.endswith("以上") else scale[at:]
        else:
            grades = tuple(g.strip() for g in re.split(r"[、+,，]", words))
            for grade in grades:
                if grade not in scale:
                    self.fail(where, N_("{grade} is not on the scale ({scale})"), grade=_q(grade),
                              scale="/".join(scale))
        return GradeRule(grades, threshold, effect, f"{words} {threshold}")  # type: ignore[arg-type]
