"""People named by a clerk — on the command line or in a findings file's cell — as ids.

The one resolver for inputs other than ballots (`cut --resolve`, complaints `--candidate`,
withdrawn findings; `--backfill` is to use it too): an id, a label or a name of one roster
person is that person; a name two roster people share is the only one of them on the list
the input is about (the shared-name rule the count applies to ballots, `Resolver.place`).
"""

from __future__ import annotations

from typing import Collection, Iterable

from selector.domain.counting import AMBIGUOUS, Resolver
from selector.domain.model import Round


class People:
    """A round's roster, to find people in."""

    def __init__(self, round_: Round):
        self.round = round_
        self.resolver = Resolver(round_.candidates)

    def find(self, text: str, *among: Collection[str]):
        """The id `text` names, None (nobody on the roster) or AMBIGUOUS. A shared name is
        looked for in each of `among` in turn (the narrowest list first): the first that holds
        any of its namesakes decides — one there is that person, two or more stay AMBIGUOUS."""
        found = self.resolver.resolve(text)
        if found is not AMBIGUOUS:
            return found
        for ids in among:
            cid, here = self.resolver.place(text, ids)
            if here:
                return cid
        return AMBIGUOUS

    def id_or_text(self, text: str, *among: Collection[str]) -> str:
        """The id `text` names, or the text as given (stripped) when it names nobody or is
        ambiguous — for a rule that then says whom it expected."""
        found = self.find(text, *among)
        return found if isinstance(found, str) else text.strip()

    def namesakes(self, text: str, among: Iterable[str]) -> tuple[str, ...]:
        """The people of the name `text` on the list `among` (for saying whom a name could be)."""
        ids = set(among)
        return tuple(cid for cid in self.resolver.namesakes(text) if cid in ids)
