"""The project's exception types. The CLI maps these, and only these, to exit codes.

A refusal that a clerk answers with a command (run this, give that option) is a typed error
carrying its data — the stage, the posts, the people — and no sentence: `cli/messages.py`
writes the sentence, in the interface's language. The other errors carry their message.
"""

from __future__ import annotations

from selector.records import dataclass


class SelectorError(Exception):
    """Base of every error selector reports to the clerk as one line.

    `message` is a template with `{name}` fields filled from `params` — the English text, and
    the message id the CLI looks up in the interface language's catalog (so write
    `RuleError("stage {stage} is certified", stage=sid)`, not an f-string, for it to be
    translated). `details` are further lines (already worded)."""

    exit_code = 1

    def __init__(self, message: str = "", details: list[str] | None = None, **params):
        self.template = message
        self.params = params
        self.message = message.format(**params) if params else message
        super().__init__(self.message)
        self.details = details or []


class Located(SelectorError):
    """An error at a place in a file. The place is given as fields — `file`, and `row`,
    `line`, `column` (with its `heading`) or `key` (a round file's key path) where known — and
    written before the message: "rec1.csv: row 3, column 2 (category): unknown category …".
    The message template and its fields are as for SelectorError."""

    def __init__(self, message: str = "", details: list[str] | None = None, *, file: str | None = None,
                 row: int | None = None, line: int | None = None, column: int | None = None,
                 heading: str | None = None, key: str | None = None, **params):
        self.place = {k: v for k, v in (("file", file), ("row", row), ("line", line), ("column", column),
                                        ("heading", heading), ("key", key)) if v is not None}
        super().__init__(message, details, **params)
        self.message = self.where() + self.message
        self.args = (self.message,)

    def where(self) -> str:
        """The place in English: "rec1.csv: row 3, column 2 (category): "."""
        return place_text(self.place, {"row": "row {row}", "line": "line {line}", "column": "column {column}",
                                       "heading": "column {column} ({heading})", "no heading": "no header",
                                       "key": "{key}"})


def place_text(place: dict, words: dict[str, str]) -> str:
    """A place (Located.place) in the given words: the file, then "row …, column …" or the key."""
    parts = []
    if "row" in place or "line" in place:
        parts.append(words["row"].format(**place) if "row" in place else words["line"].format(**place))
    if "column" in place:
        if "heading" in place:
            parts.append(words["heading"].format(**{**place, "heading": place["heading"] or words["no heading"]}))
        else:
            parts.append(words["column"].format(**place))
    if "key" in place:
        parts.append(words["key"].format(**place))
    inner = words.get("joiner", ", ").join(parts)
    head = [place["file"]] if "file" in place else []
    return "".join(f"{x}{words.get('colon', ': ')}" for x in head + ([inner] if inner else []))


class ConfigError(Located):
    """A round file is invalid; the message names the file and key path (`file`, `key`)."""


class BallotFileError(Located):
    """A ballot (or findings) file is refused whole; the message names file, row, column."""


class RuleError(SelectorError):
    """A counting or procedure rule refuses the action (quorum, locked cut, held tie...)."""


class NotFound(SelectorError):
    """A round, stage, post or candidate named on the command line does not exist."""


class DatabaseError(SelectorError):
    """The database file cannot be opened or is not a selector database."""


class UsageError(SelectorError):
    """The command line itself is wrong in a way typer cannot see."""

    exit_code = 2


class AuditMismatch(SelectorError):
    """`audit verify` found stored data that does not match its record."""

    exit_code = 3


# -- typed refusals: data only; cli/messages.py words them ---------------------------------

class Typed:
    """Mixin for an error whose sentence `cli.messages` writes from its fields.

    Each subclass is a record (`selector.records.dataclass(eq=False)`): its fields are its
    annotated names in order, after its typed bases'; a class attribute of the same name is
    the default; the constructor takes them by position or name."""

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        dataclass(eq=False)(cls)

    def __post_init__(self) -> None:
        SelectorError.__init__(self, "")  # type: ignore[arg-type]

    def __str__(self) -> str:  # for logs and tracebacks: the class and its data
        return f"{type(self).__name__}{self.__dict__}"


class NoDatabase(Typed, DatabaseError):
    """No database file at the path given (and this command does not create one)."""

    path: str


class CreatedMeanwhile(DatabaseError):
    """Another command created the database at the same path while this one built it."""


class NotSelectorDatabase(Typed, DatabaseError):
    """The path holds something that is not a selector database (`what`: folder | empty |
    foreign — another application's SQLite file | unreadable — not SQLite | damaged)."""

    path: str
    what: str
    reason: str = ""


class WitnessWithoutDatabase(Typed, DatabaseError):
    """init would create a database where only the witness file of an earlier one is left."""

    path: str
    witness: str


class NewerDatabase(Typed, DatabaseError):
    """The database was migrated by a newer selector (`migration`: one this version lacks)."""

    path: str
    needs: str | None
    version: str
    migration: str


class NoRoundYet(Typed, NotFound):
    """The database holds no round."""

    path: str


class SeveralRounds(Typed, UsageError):
    """The database holds several rounds and none was chosen."""

    path: str
    rounds: tuple[str, ...]


class WrongStageKind(Typed, UsageError):
    """The command needs a stage of another kind (`wanted`: a handler capability name)."""

    stage: str
    kind: str
    wanted: str  # "ballots" | "inspect" | "notice"


class PreviousCutNotLocked(Typed, RuleError):
    """The stage takes its list from a previous stage whose cut is not locked yet."""

    stage: str
    previous: str


class NoTallyYet(Typed, RuleError):
    """The stage has no tally yet (to cut, certify or export)."""

    stage: str
    purpose: str = "cut"  # cut | certify | export


class CutNotLocked(Typed, RuleError):
    """A document needs the stage's locked cut."""

    stage: str
    doc: str


class AttendanceRequired(Typed, UsageError):
    """The first batch of a stage must give the attendance."""

    stage: str


class DecisionWithoutReason(Typed, UsageError):
    """A recorded decision (resolve, accept short) needs a reason."""


class NothingToDecide(Typed, UsageError):
    """Decisions were given for a stage without a cut rule."""

    stage: str


class NoticeClosesItself(Typed, UsageError):
    """A notice stage is confirmed by closing the notice, not by a cut."""

    stage: str


@dataclass(eq=False)
class HeldPost:
    """A post a cut cannot lock: tied (the tied, for `slots` places) or short (eligible of k)."""

    post: str
    status: str  # tied | short
    tied: tuple[str, ...] = ()
    slots: int = 0
    eligible: int = 0
    k: int = 0
    names: tuple[str, ...] = ()  # the tied people's names, as `tied`


class HeldCut(Typed, RuleError):
    """The cut cannot be locked: posts are tied or short and need a recorded decision.

    `cuts` is the preview the refusal shows (the stage's posts as they stand)."""

    stage: str
    held: tuple[HeldPost, ...]
    cuts: object = None


@dataclass(eq=False)
class MissingChecks:
    """A person who would go forward from an inspection without every sign-off."""

    candidate: str
    name: str
    posts: tuple[str, ...]
    missing: tuple[str, ...]


class InspectionIncomplete(Typed, RuleError):
    """The inspection cannot be locked: checks are missing or 核查中, concerns unsettled, or a
    post is held (a struck candidate's place waits for the 递补 decision)."""

    stage: str
    missing: tuple[MissingChecks, ...]
    held: tuple[HeldPost, ...]
    pending: tuple[MissingChecks, ...] = ()
    concerns: tuple[MissingChecks, ...] = ()


class NotProposed(Typed, RuleError):
    """--backfill names someone the ranking does not propose for the post's open place."""

    post: str
    candidate: str
    proposed: tuple[str, ...] = ()


class BackfillNotHere(Typed, UsageError):
    """--backfill/--no-backfill given for a stage that is not an inspection."""

    stage: str


class NoConcern(Typed, RuleError):
    """--keep/--strike names a candidate with no open concern at this inspection."""

    stage: str
    candidate: str
    decision: str


class EvaluationUnitOptions(Typed, UsageError):
    """--unit/--expected/--present describe one 民主测评 (one unit): give all three, with exactly
    one evaluation file."""

    given: tuple[str, ...]
    files: int


class NotTied(Typed, RuleError):
    """A decision names a post that is not tied at its line (`line`: cut | backfill)."""

    post: str
    line: str = "cut"
    strangers: tuple[str, ...] = ()
    tied: tuple[str, ...] = ()


class TiesDecidedByRound(Typed, RuleError):
    """The round file settles ties at this cut (widen, lot): a decision cannot override it."""

    post: str
    policy: str


class NotShort(Typed, RuleError):
    """--accept-short names a post that is not short (eligible of k; None when not counted)."""

    post: str
    eligible: int | None = None
    k: int | None = None


class TiedNotShort(Typed, RuleError):
    """--accept-short names a post that is tied at its backfill line."""

    post: str
    tied: tuple[str, ...]


class ShortWithoutBackfill(Typed, RuleError):
    """--accept-short for a stage that strikes without backfill: nothing to decide."""

    post: str


class BadResolve(Typed, RuleError):
    """--resolve does not choose exactly the open places among the tied."""

    post: str
    slots: int
    tied: tuple[str, ...]
    chosen: tuple[str, ...]
    above: tuple[str, ...] = ()  # the clear ones: with the chosen, the whole shortlist


class NoticeNotOpen(Typed, RuleError):
    """The notice must be opened first."""

    stage: str


class NotOnNotice(Typed, RuleError):
    """A complaint names someone the notice does not publish."""

    text: str
    stage: str
    listed: tuple[tuple[str, str], ...]  # (id, name)


class ReceivedBeforeNotice(Typed, RuleError):
    """A complaint's received date is before the notice opened."""

    received: str
    start: str


class CalendarUnknown(Typed, RuleError):
    """A notice would run into years whose official holiday schedule nobody has given: not
    opened on a guess (issue 12.4). `holidays`: the statutory ones in the period, as
    (date, name); `end`: the end with only those off; `covered`: what the package covers."""

    stage: str
    years: tuple[int, ...]
    covered: str
    holidays: tuple[tuple[str, str], ...]
    end: str


class NoticeFromNoticeStage(Typed, UsageError):
    """`export --doc notice` is made from a notice stage (`notices`: the round's, if any)."""

    stage: str
    kind: str
    notices: tuple[str, ...]


class PostponeTooLong(Typed, RuleError):
    """A postponement past its limit (three months after the notice ends)."""

    until: str
    limit: str


class PostponeBeforeEnd(Typed, RuleError):
    """A postponement that ends before the notice does."""

    until: str
    end: str


class TooFewSigners(Typed, RuleError):
    """A certificate needs more tellers or scrutineers than were given."""

    stage: str
    role: str  # teller | scrutineer
    need: int
    got: int


class SameFileTwice(Typed, UsageError):
    """Double entry was given the same file twice."""

    first: str
    second: str


class NotAFolder(Typed, UsageError):
    """`audit verify --files` was given something that is not a folder."""

    path: str


class BadHead(Typed, UsageError):
    """`audit verify --head` was given neither a record hash nor a file of them (`why`:
    neither | empty — a file without one | unreadable)."""

    value: str
    why: str
    reason: str = ""


class BinaryToStdout(Typed, UsageError):
    """A binary document format cannot go to standard output."""

    format: str


class BadOutput(Typed, RuleError):
    """`export --out` names a folder (`why`: folder) or a file in a folder that does not
    exist (no folder)."""

    path: str
    why: str


class OutputExists(Typed, RuleError):
    """`export` would replace an existing file, and --force was not given."""

    path: str


class OutputFailed(Typed, RuleError):
    """The document could not be written (disk full, read-only folder…); nothing was changed."""

    path: str
    reason: str


class NotXmlText(Typed, RuleError):
    """A text of the document holds a control character XLSX and DOCX cannot store."""

    format: str
    text: str


class DocumentNotFor(Typed, UsageError):
    """The document means nothing for this stage (`documents`: the ones it has)."""

    doc: str
    stage: str
    kind: str
    documents: tuple[str, ...]


class VerifyFailed(Typed, AuditMismatch):
    """`audit verify` found differences: the report (service.recheck.Report) names every one."""

    report: object


# -- corrections ---------------------------------------------------------------------------

class ReasonRequired(Typed, UsageError):
    """A correction (`option`: --withdraw, --reopen, --revoke, --replace, withdraw-complaint)
    is recorded with its reason."""

    option: str


class CorrectLockedStage(Typed, RuleError):
    """A correction to a stage whose cut is locked: the cut must be re-opened first."""

    stage: str


class CorrectCertifiedStage(Typed, RuleError):
    """A correction (or re-opening) of a certified count: the certificate must be revoked first."""

    stage: str


class CorrectUsedStage(Typed, RuleError):
    """A correction to a stage whose results a later locked cut was scored on."""

    stage: str
    users: tuple[str, ...]


class NoSuchInput(Typed, NotFound):
    """--withdraw names no batch, file or finding of the stage (`known`: (number, name) pairs)."""

    stage: str
    ref: str
    kind: str  # batch | file | finding
    known: tuple[tuple[int, str], ...] = ()


@dataclass(eq=False)
class Dependent:
    """A later stage that depends on a cut, and what it holds."""

    stage: str
    kind: str
    batches: tuple[tuple[int, str], ...] = ()  # (number, file) of its live batches
    files: tuple[tuple[int, str], ...] = ()  # (number, file) of its live inspection files
    locked: bool = False
    certified: bool = False
    notice: bool = False
    complaints: tuple[int, ...] = ()
    sittings: int = 0  # sittings recorded (讨论决定, re-votes): they decided on that list


class ReopenBlocked(Typed, RuleError):
    """A cut later stages depend on, while they hold something: undo theirs first."""

    stage: str
    dependents: tuple[Dependent, ...]


@dataclass(eq=False)
class RoundChange:
    """One difference between the stored round and a changed round file (a key path)."""

    path: str
    old: str
    new: str
    stage: str | None = None  # the stage that has recorded something this change would alter
    holds: str = ""  # what that stage holds: ballots | cut | certificate | inspection | notice


class RoundChangeRefused(Typed, RuleError):
    """A changed round file would alter what a stage has already recorded."""

    round: str
    file: str
    refused: tuple[RoundChange, ...]


class AmendmentWithoutReason(Typed, UsageError):
    """A changed round file after recording started is an amendment: it needs --reason."""

    round: str
    file: str
    changes: tuple[RoundChange, ...]


class NothingReplaced(Typed, RuleError):
    """--replace with a file that replaces no stored finding."""

    stage: str
    file: str


class CorrectionAlone(Typed, UsageError):
    """A correction option given with options of the ordinary command (one step at a time)."""

    option: str  # --withdraw | --reopen | --revoke
    others: tuple[str, ...]


class InputsRequired(Typed, UsageError):
    """A recording command given no input files (and no correction either)."""

    command: str  # tally | inspect
    stage: str


class ReasonWithoutCorrection(Typed, UsageError):
    """--reason given to a command that records no correction (`options`: those it goes with)."""

    options: tuple[str, ...]


class NoListToPrint(Typed, RuleError):
    """`export --doc shortlist` of a ballot stage with no [stage.cut]: it chose nobody, its list
    is passed on whole, so there is no 名单 to print (its tally is the document)."""

    stage: str


class PapersNotFor(Typed, UsageError):
    """`papers` of a stage that takes no papers (a notice; an inspection without 民主测评)."""

    stage: str
    kind: str


@dataclass(eq=False)
class OpenPost:
    """A post a decide stage (or a vote's re-vote) has not settled: `status` deferred | revote |
    open (not taken up), the nominees its next sitting votes on (and their names), the places."""

    post: str
    status: str
    ballot: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    slots: int = 0


class UndecidedPosts(Typed, RuleError):
    """The stage's list cannot be locked: posts wait for a sitting (a decision or a re-vote)."""

    stage: str
    posts: tuple[OpenPost, ...]
    cuts: object = None


class RevoteNotResolve(Typed, RuleError):
    """--resolve (a clerk's choice) given for a vote or decide stage: they re-vote instead."""

    stage: str
    kind: str
    posts: tuple[str, ...] = ()


class NothingToRevote(Typed, RuleError):
    """A sitting given for a vote stage with no post waiting for a re-vote."""

    stage: str


# -- stages recorded from counts (totals, 谈话调研推荐) -----------------------------------

class CountsOnly(Typed, RuleError):
    """A 谈话调研推荐 has no papers: its counts are recorded with --totals and --talked."""

    stage: str


class RecordedFromTotals(Typed, RuleError):
    """The stage is recorded from a counts file already (`batch`, `file`): neither papers nor a
    second counts file can be added; withdraw it first."""

    stage: str
    batch: int
    file: str


class RecordedFromPapers(Typed, RuleError):
    """The stage has ballot batches already: totals cannot be added to them."""

    stage: str
    batches: int


class NoPapers(Typed, RuleError):
    """`audit sample`/`compare`: the stage was recorded from totals and has no papers to draw."""

    stage: str
    command: str  # sample | compare


class CountedByCategory(Typed, UsageError):
    """--returned/--talked must give N (a stage without categories) or CATEGORY=N for each of
    the stage's categories (`categories`); `given` is what was given."""

    stage: str
    option: str
    categories: tuple[str, ...]
    given: str


class ReturnedRequired(Typed, UsageError):
    """--totals needs the papers returned (--returned; --talked for a talk) and, except for a
    talk, the attendance (--present, --issued)."""

    stage: str
    talk: bool
