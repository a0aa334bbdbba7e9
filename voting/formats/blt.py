"""The ERS/OpenSTV/Droop ``.blt`` ballot file: read it into ranked ballots, write ballots back to it."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from voting.exact import ExactNumberError, format_exact, parse_exact
from voting.types import RankedBallot

__all__ = ["BltElection", "BltError", "read_blt", "write_blt"]

_QUOTED = re.compile(r'"((?:[^"]|"")*)"')


class BltError(ValueError):
    """A ``.blt`` file that cannot be read; the message names the line."""


@dataclass(frozen=True)
class BltElection:
    """What a ``.blt`` file holds: every candidate in file order, the withdrawn ones, seats, ballots, title."""

    candidates: tuple[str, ...]
    seats: int
    ballots: tuple[RankedBallot, ...]
    title: str = ""
    withdrawn: tuple[str, ...] = ()

    @property
    def standing(self) -> tuple[str, ...]:
        """The candidates who have not withdrawn, in file order."""
        return tuple(name for name in self.candidates if name not in self.withdrawn)

    def ballots_without_withdrawn(self) -> tuple[RankedBallot, ...]:
        """The ballots with withdrawn candidates skipped, as ERS, OpenSTV and Droop count them."""
        gone = set(self.withdrawn)
        kept = []
        for ballot in self.ballots:
            groups = tuple(kept_group for group in ballot.ranking if (kept_group := tuple(c for c in group if c not in gone)))
            kept.append(RankedBallot(groups, ballot.weight))
        return tuple(kept)


def _content(line: str) -> str:
    return line.split("#", 1)[0].strip()


def _integers(text: str, number: int, what: str) -> list[int]:
    try:
        return [int(token) for token in text.split()]
    except ValueError:
        raise BltError(f"line {number}: {what} must be whole numbers, got {text!r}") from None


def _read_header(lines: list[tuple[int, str]]) -> tuple[int, int, set[int], int]:
    if not lines:
        raise BltError("line 1: the file is empty; it must start with 'candidates seats'")
    number, text = lines[0]
    header = _integers(text, number, "the first line ('candidates seats')")
    if len(header) != 2 or header[0] < 1 or header[1] < 1:
        raise BltError(f"line {number}: the first line must be two positive numbers 'candidates seats', got {text!r}")
    count, seats = header
    withdrawn: set[int] = set()
    index = 1
    if index < len(lines) and lines[index][1].startswith("-"):
        number, text = lines[index]
        marks = _integers(text, number, "withdrawn candidates")
        if any(mark >= 0 or -mark > count for mark in marks):
            raise BltError(f"line {number}: withdrawn candidates are written -1 to -{count}, got {text!r}")
        withdrawn = {-mark for mark in marks}
        index += 1
    return count, seats, withdrawn, index


def _read_ballot(number: int, text: str, count: int) -> tuple[Fraction, tuple[tuple[int, ...], ...]]:
    tokens = text.split()
    if tokens[-1] != "0":
        raise BltError(f"line {number}: a ballot line must end with 0, got {text!r}")
    try:
        weight = parse_exact(tokens[0])
    except ExactNumberError:
        raise BltError(f"line {number}: the ballot weight {tokens[0]!r} is not a number") from None
    if weight < 0:
        raise BltError(f"line {number}: the ballot weight {tokens[0]} is negative")
    ranking = []
    for token in tokens[1:-1]:
        group = _integers(token.replace("=", " "), number, "preferences")
        if any(not 1 <= candidate <= count for candidate in group):
            raise BltError(f"line {number}: preference {token!r} is not a candidate number from 1 to {count}")
        ranking.append(tuple(group))
    return weight, tuple(ranking)


def _read_names(lines: list[tuple[int, str]], count: int) -> tuple[list[str], str]:
    names: list[str] = []
    last_number = lines[-1][0] if lines else 0
    for number, text in lines:
        found = _QUOTED.findall(text)
        if not found:
            raise BltError(f"line {number}: expected a quoted candidate name or title, got {text!r}")
        names.extend(name.replace('""', '"') for name in found)
    if len(names) < count:
        raise BltError(f"line {last_number}: the file names {len(names)} candidates but its first line says {count}")
    if len(set(names[:count])) != count:
        raise BltError(f"line {last_number}: two candidates have the same name")
    return names[:count], " ".join(names[count:])


def read_blt(text: str) -> BltElection:
    """Read a ``.blt`` file: ``candidates seats``, optional ``-n`` withdrawn line, ``weight prefs... 0`` lines, ``0``, names, title.

    Weights may be decimals; ``2=3`` ranks candidates 2 and 3 equal. ``#`` starts a comment.

    >>> election = read_blt('3 2\\n4 1 2 0\\n2.5 3 0\\n0\\n"Castor"\\n"Pollux"\\n"Helen"\\n"Twins"\\n')
    >>> election.seats, election.candidates, election.title
    (2, ('Castor', 'Pollux', 'Helen'), 'Twins')
    >>> election.ballots[1]
    RankedBallot(ranking=(('Helen',),), weight=Fraction(5, 2))
    >>> read_blt("3 2\\n4 1 7 0\\n")
    Traceback (most recent call last):
    ...
    voting.formats.blt.BltError: line 2: preference '7' is not a candidate number from 1 to 3
    """
    raw = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, _content(line)) for number, line in raw]
    lines = [(number, line) for number, line in lines if line]
    count, seats, withdrawn_numbers, index = _read_header(lines)
    numbered_ballots = []
    while True:
        if index >= len(lines):
            raise BltError(f"line {lines[-1][0] + 1}: the ballots must end with a line holding only 0")
        number, line = lines[index]
        index += 1
        if line == "0":
            break
        numbered_ballots.append(_read_ballot(number, line, count))
    after_ballots = lines[index - 1][0]
    names, title = _read_names([(n, line) for n, line in raw if n > after_ballots and line], count)
    ballots = tuple(
        RankedBallot(tuple(tuple(names[c - 1] for c in group) for group in ranking), weight)
        for weight, ranking in numbered_ballots
    )
    withdrawn = tuple(names[c - 1] for c in sorted(withdrawn_numbers))
    return BltElection(tuple(names), seats, ballots, title, withdrawn)


def _format_weight(weight: Fraction) -> str:
    text = format_exact(weight)
    if "/" in text:
        raise BltError(f"the weight {text} has no finite decimal form, which a .blt file needs")
    return text


def write_blt(
    ballots: Iterable[RankedBallot],
    *,
    candidates: Sequence[str],
    seats: int,
    title: str = "",
    withdrawn: Sequence[str] = (),
) -> str:
    """Write ballots as a ``.blt`` file (the inverse of :func:`read_blt`); equal ranks are written ``2=3``.

    >>> print(write_blt([RankedBallot.of("B", ("A", "C"), weight=2)], candidates=["A", "B", "C"], seats=1, title="T"))
    3 1
    2 2 1=3 0
    0
    "A"
    "B"
    "C"
    "T"
    <BLANKLINE>
    """
    if any(len(f"{name}.".splitlines()) > 1 for name in [*candidates, title]):
        raise BltError("candidate names and the title must each fit on one line")
    number = {name: position for position, name in enumerate(candidates, start=1)}
    lines = [f"{len(candidates)} {seats}"]
    if withdrawn:
        lines.append(" ".join(f"-{number[name]}" for name in withdrawn))
    for ballot in ballots:
        try:
            groups = ["=".join(str(number[name]) for name in group) for group in ballot.ranking]
        except KeyError as missing:
            raise BltError(f"a ballot ranks {missing.args[0]!r}, who is not among the candidates") from None
        lines.append(" ".join([_format_weight(ballot.weight), *groups, "0"]))
    lines.append("0")
    lines.extend('"' + name.replace('"', '""') + '"' for name in [*candidates, title])
    return "\n".join(lines) + "\n"
