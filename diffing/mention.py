"""A platform a notice names, as the extractor reports it (``diffing.platforms`` reads them)."""

from __future__ import annotations

from dataclasses import dataclass

from diffing.numbers import Amount

__all__ = ["PlatformMention"]


@dataclass(frozen=True)
class PlatformMention:
    """A platform named in a notice.

    ``id`` is ``None`` for a name the registry does not know (``kind`` is then website, app,
    mini_program or account). ``name`` is the name as written in the original text, at
    ``start``/``end``. ``actions`` are what the notice does to it: the verbs its own clause
    governs it by (``diffing.clauses``), else what the notice does to the same platform
    elsewhere, else the first verb of the sentences that continue the story; ``action`` is the
    first of them, ``None`` when the notice only names it (a host, a speaker, an owner).
    ``amount`` is the fine when it is fined with a stated amount. ``operator`` is
    the company that runs it when the notice says so (an app's developer in a table): its
    registry id, or its name as written.
    """

    id: str | None
    name: str
    kind: str
    action: str | None
    amount: Amount | None
    start: int
    end: int
    sentence: str
    actions: tuple[str, ...] = ()
    operator: str | None = None

    @property
    def key(self) -> str:
        """What identifies the platform across notices: its id, or its name for unknown ones."""
        return self.id if self.id is not None else f"name:{self.name}"
