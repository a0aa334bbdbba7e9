"""Proxies as pure data: which ballots a grant covers, when it ends, and the charter's caps on what one member holds.

Standard library and ``voting/`` only: the service (``governance.proxies``) and the offline verifier
(``governance.log.replay_proxies``) decide with the same functions, so a proxy vote the service accepted is one the
verifier accepts, and one written past them is named.

Moments are the log's: milliseconds since the epoch, as an entry's ``ts``. A grant has exactly one scope:
``ballot`` (the ballot on one proposal number), ``kind`` (every ballot on a proposal of that kind) or ``until`` (every
ballot, for votes cast before that moment).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction

from voting.exact import format_exact, parse_exact

__all__ = ["LIVE", "MAX_SPAN_MS", "SCOPES", "Grant", "ProxyError", "bloc_grantors", "check_caps", "moment_ms",
           "scope_of"]

SCOPES = ("ballot", "kind", "until")
LIVE = ("pending", "accepted")
MAX_SPAN_MS = 366 * 24 * 3600 * 1000
"""A grant ``until`` a moment reaches at most a year past its granting."""


class ProxyError(ValueError):
    """A proxy action the rules refuse: an English template with its values, as governance errors carry."""

    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, params
        super().__init__(template % params if params else template)


def moment_ms(text: str) -> int:
    """An ISO 8601 moment with its offset as log milliseconds.

    >>> moment_ms("1970-01-01T00:00:01Z")
    1000
    """
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ProxyError("The moment %(moment)s has no time zone offset.", moment=text)
    return int(moment.astimezone(UTC).timestamp() * 1000)


def scope_of(proposal: int | None, kind: str | None, until: str | None) -> str:
    """The one scope a grant names; refused when it names none or several."""
    named = [name for name, value in zip(SCOPES, (proposal, kind, until)) if value is not None]
    if len(named) != 1:
        raise ProxyError("A proxy is for exactly one of: one ballot (a proposal number), a proposal kind, or until a "
                         "date.")
    return named[0]


@dataclass
class Grant:
    """One proxy: ``grantor`` lets ``holder`` vote for it within its scope while it is accepted and not ended."""

    number: int
    grantor: str
    holder: str
    scope: str
    proposal: int | None = None
    kind: str | None = None
    until: int | None = None  # log milliseconds
    status: str = "pending"
    voted: set[int] = field(default_factory=set)  # the proposal numbers whose ballots the holder voted on under it

    def covers(self, *, number: int, kind: str, moment: int) -> bool:
        """Whether a vote at ``moment`` on the ballot of proposal ``number`` (of ``kind``) falls within the scope."""
        if self.scope == "ballot":
            return self.proposal == number
        if self.scope == "kind":
            return self.kind == kind
        return moment < self.until  # type: ignore[operator]

    def ended(self, *, moment: int, decided: Callable[[int], bool]) -> bool:
        """Whether the grant is over by ``moment``: its status, its one ballot decided (``decided(number)``: the
        proposal is no longer a draft or open), or its moment passed. A kind grant ends only by its status."""
        if self.status not in LIVE:
            return True
        if self.scope == "ballot":
            return decided(self.proposal)  # type: ignore[arg-type]
        if self.scope == "until":
            return moment >= self.until  # type: ignore[operator]
        return False

    def in_force(self, *, moment: int, decided: Callable[[int], bool]) -> bool:
        return self.status == "accepted" and not self.ended(moment=moment, decided=decided)


def bloc_grantors(grants: Iterable[Grant], holder: str, *, number: int, kind: str, moment: int,
                  decided: Callable[[int], bool]) -> list[str]:
    """The members whose votes ``holder`` may cast on the ballot of proposal ``number`` at ``moment``: the grantors
    of its accepted grants in force that cover that ballot, sorted."""
    return sorted(g.grantor for g in grants if g.holder == holder and g.in_force(moment=moment, decided=decided)
                  and g.covers(number=number, kind=kind, moment=moment))


def check_caps(caps: Mapping[str, object], *, holder: str, grantors: Iterable[str],
               weights: Mapping[str, Fraction], holder_name: str | None = None) -> None:
    """Refuse a holding past the charter's ``proxy_caps``: more than ``max_held`` grantors, or a share of the total
    of ``weights`` (the holder's own weight included) above ``max_weight_share``. A member missing from ``weights``
    weighs nothing.

    >>> check_caps({"max_held": 1, "max_weight_share": "1/4"}, holder="b", grantors=["a"],
    ...            weights={"a": Fraction(1), "b": Fraction(1), "c": Fraction(6)})
    >>> check_caps({"max_held": 1, "max_weight_share": "1/4"}, holder="b", grantors=["a"],
    ...            weights={"a": Fraction(1), "b": Fraction(2), "c": Fraction(5)})
    Traceback (most recent call last):
    ...
    governance.log.proxy_rules.ProxyError: b with its proxies would hold 0.375 of the weight; the charter allows at most 0.25.
    """
    grantors = sorted(set(grantors))
    name = holder_name or holder
    max_held, max_share = int(caps["max_held"]), parse_exact(caps["max_weight_share"])
    if len(grantors) > max_held:
        raise ProxyError("%(holder)s would hold proxies for %(count)s members; the charter allows at most %(max)s.",
                         holder=name, count=len(grantors), max=max_held)
    total = sum(weights.values(), Fraction(0))
    bloc = weights.get(holder, Fraction(0)) + sum((weights.get(g, Fraction(0)) for g in grantors), Fraction(0))
    if total and bloc / total > max_share:
        raise ProxyError("%(holder)s with its proxies would hold %(share)s of the weight; the charter allows at most "
                         "%(max)s.", holder=name, share=format_exact(bloc / total), max=format_exact(max_share))
