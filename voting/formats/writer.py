"""Write ballots as Concord JSON, one ballot a line, weights exact, so that reading it back gives the same ballots."""

import json
from collections.abc import Iterable, Sequence
from fractions import Fraction

from voting.exact import format_exact
from voting.formats.ballot_file import BallotFile
from voting.types import ApprovalBallot, Ballot, RankedBallot, ScoreBallot

__all__ = ["ballot_to_json", "write_ballot_file", "write_concord_json"]


def ballot_to_json(ballot: Ballot, *, candidates: Sequence[str] = ()) -> dict[str, object]:
    """One ballot as a Concord JSON object: an integer weight as a number, any other as an exact string.

    Approvals are listed in ``candidates`` order (then by name); a singleton tie group is written as a name.

    >>> ballot_to_json(RankedBallot.of("A", ("B", "C"), weight=Fraction(5, 2)))
    {'ranking': ['A', ['B', 'C']], 'weight': '2.5'}
    """
    if isinstance(ballot, RankedBallot):
        body: dict[str, object] = {"ranking": [group[0] if len(group) == 1 else list(group) for group in ballot.ranking]}
    elif isinstance(ballot, ApprovalBallot):
        order = {name: index for index, name in enumerate(candidates)}
        body = {"approve": sorted(ballot.approved, key=lambda name: (order.get(name, len(order)), name))}
    elif isinstance(ballot, ScoreBallot):
        body = {"scores": dict(ballot.scores)}
    else:
        raise TypeError(f"{ballot!r} is not a ballot")
    body["weight"] = _weight(Fraction(ballot.weight))
    return body


def _weight(weight: Fraction) -> int | str:
    return weight.numerator if weight.denominator == 1 else format_exact(weight)


def write_concord_json(
    ballots: Iterable[Ballot],
    *,
    candidates: Sequence[str],
    method: str | None = None,
    seats: int = 1,
    title: str = "",
    seed: str | None = None,
) -> str:
    """The Concord JSON text of these ballots and settings, one ballot a line (so errors can name it).

    >>> print(write_concord_json([RankedBallot.of("B", "A")], candidates=["A", "B"], method="irv"))
    {
      "method": "irv",
      "seats": 1,
      "candidates": ["A", "B"],
      "ballots": [
        {"ranking": ["B", "A"], "weight": 1}
      ]
    }
    """
    head: dict[str, object] = {"method": method, "seats": seats, "title": title or None, "seed": seed}
    lines = [f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}," for key, value in head.items() if value is not None]
    lines.append(f'  "candidates": {json.dumps(list(candidates), ensure_ascii=False)},')
    rows = [f"    {json.dumps(ballot_to_json(ballot, candidates=candidates), ensure_ascii=False)}" for ballot in ballots]
    body = ',\n'.join(rows)
    return "\n".join(["{", *lines, '  "ballots": [', *([body] if rows else []), "  ]", "}"])


def write_ballot_file(ballot_file: BallotFile) -> str:
    """A BallotFile back as Concord JSON text, whatever format it was read from.

    >>> from voting.formats.concord_json import read_concord_json
    >>> original = read_concord_json('{"candidates": ["A"], "ballots": [{"approve": ["A"], "weight": "0.42"}]}')
    >>> read_concord_json(write_ballot_file(original)).ballots == original.ballots
    True
    """
    return write_concord_json(
        ballot_file.ballots,
        candidates=ballot_file.candidates,
        method=ballot_file.method,
        seats=ballot_file.seats,
        title=ballot_file.title,
        seed=ballot_file.seed,
    )
