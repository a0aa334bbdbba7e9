"""Read PrefLib ordinal preference files (.soc .soi .toc .toi) as weighted ranked ballots.

Follows the PrefLib format specification (https://www.preflib.org/format, also
FORMAT_SPECIFICATION.md in github.com/PrefLib/PrefLib-Data): a header of ``# KEY: value``
lines (``# ALTERNATIVE NAME i: name`` names alternative ``i``), then one line per distinct
order, ``count: 1,3,{2,4}``, where commas separate ranks and braces group tied alternatives.
"""

import re
from fractions import Fraction

from voting.formats.ballot_file import BallotFile, BallotFileError
from voting.types import RankedBallot

__all__ = ["DATA_TYPES", "read_preflib"]

DATA_TYPES = {
    "soc": "strict orders, complete",
    "soi": "strict orders, incomplete",
    "toc": "orders with ties, complete",
    "toi": "orders with ties, incomplete",
}

_HEADER = re.compile(r"#\s*([^:]+?)\s*:\s?(.*)")
_ALTERNATIVE = re.compile(r"ALTERNATIVE NAME (\d+)")
_ORDER = re.compile(r"\s*(\d+)\s*:(.*)")
_ORDER_BODY = re.compile(r"(?:(?:\d+|\{\d+(?:,\d+)*\})(?:,(?:\d+|\{\d+(?:,\d+)*\}))*)?")
_TOKEN = re.compile(r"\{[^}]*\}|\d+")


def read_preflib(text: str, *, data_type: str | None = None) -> BallotFile:
    """Read a PrefLib .soc/.soi/.toc/.toi file: one ranked ballot per order, weighted by its count.

    ``data_type`` (from the file name) applies when the header has no ``DATA TYPE``; the type's
    rules (strict, complete) are checked. Alternatives an order leaves out rank equal below it.

    >>> text = ("# DATA TYPE: toi\\n# NUMBER ALTERNATIVES: 3\\n# ALTERNATIVE NAME 1: Ann\\n"
    ...         "# ALTERNATIVE NAME 2: Bo\\n# ALTERNATIVE NAME 3: Cy\\n13: 1,{2,3}\\n2: 3\\n")
    >>> [(ballot.ranking, ballot.weight) for ballot in read_preflib(text).ballots]
    [((('Ann',), ('Bo', 'Cy')), Fraction(13, 1)), ((('Cy',),), Fraction(2, 1))]
    """
    header: dict[str, tuple[str, int]] = {}
    orders: list[tuple[int, str]] = []
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            if orders:
                raise BallotFileError("a header line (#) after the orders began; the header comes first", line=number)
            _read_header_line(line.strip(), number, header)
        else:
            orders.append((number, line))
    if not header and orders and orders[0][1].strip().isdigit():
        raise BallotFileError(
            "this is PrefLib's format from before 2022 (the number of alternatives alone on the first line); "
            "convert it to the current '# ALTERNATIVE NAME 1: ...' format, e.g. with preflibtools",
            line=orders[0][0],
        )
    candidates = _alternatives(header)
    kind = _data_type(header, data_type)
    ballots = tuple(_read_order(line, number, candidates, kind) for number, line in orders)
    _check_counts(header, ballots)
    return BallotFile(
        candidates,
        ballots,
        title=header.get("TITLE", ("", 0))[0],
        lines=tuple(number for number, _ in orders),
        format=f"preflib-{kind}" if kind else "preflib",
    )


def _read_header_line(line: str, number: int, header: dict[str, tuple[str, int]]) -> None:
    match = _HEADER.fullmatch(line)
    if match is None:
        raise BallotFileError(f"a header line must look like '# KEY: value', not {line!r}", line=number)
    key = match.group(1).upper()
    if key in header:
        raise BallotFileError(f"{key} is given twice (first on line {header[key][1]})", line=number)
    header[key] = (match.group(2).strip(), number)


def _whole_number(header: dict[str, tuple[str, int]], key: str) -> int | None:
    if key not in header:
        return None
    value, line = header[key]
    if not value.isdigit():
        raise BallotFileError(f"{key} must be a whole number, not {value!r}", line=line)
    return int(value)


def _alternatives(header: dict[str, tuple[str, int]]) -> tuple[str, ...]:
    """The alternatives' names, in number order, checked against NUMBER ALTERNATIVES."""
    named = {int(match.group(1)): key for key in header if (match := _ALTERNATIVE.fullmatch(key))}
    declared = _whole_number(header, "NUMBER ALTERNATIVES")
    count = declared if declared is not None else max(named, default=0)
    if count == 0:
        raise BallotFileError("the header names no alternatives (# ALTERNATIVE NAME 1: ...)", line=1)
    extra = sorted(number for number in named if not 1 <= number <= count)
    if extra:
        raise BallotFileError(
            f"alternative {extra[0]} is named but NUMBER ALTERNATIVES is {count}", line=header[named[extra[0]]][1]
        )
    missing = [number for number in range(1, count + 1) if number not in named]
    if missing:
        raise BallotFileError(
            f"the header gives no name for alternative {missing[0]} (# ALTERNATIVE NAME {missing[0]}: ...)",
            line=header.get("NUMBER ALTERNATIVES", ("", 1))[1],
        )
    names = tuple(header[named[number]][0] for number in range(1, count + 1))
    for number, name in enumerate(names, start=1):
        if not name or names.index(name) != number - 1:
            problem = "has no name" if not name else f"has the same name as alternative {names.index(name) + 1}"
            raise BallotFileError(f"alternative {number} {problem}", line=header[named[number]][1])
    return names


def _data_type(header: dict[str, tuple[str, int]], fallback: str | None) -> str | None:
    value, line = header.get("DATA TYPE", (fallback or "", 0))
    kind = value.strip().lower() or None
    if kind is not None and kind not in DATA_TYPES:
        raise BallotFileError(
            f"DATA TYPE {value!r} is not an ordinal type this reader takes ({', '.join(DATA_TYPES)})", line=line or None
        )
    return kind


def _read_order(line: str, number: int, candidates: tuple[str, ...], kind: str | None) -> RankedBallot:
    """One data line ``count: order`` as a ranked ballot weighted by ``count``."""
    match = _ORDER.fullmatch(line)
    if match is None:
        raise BallotFileError(f"an order line must look like '12: 1,3,{{2,4}}', not {line.strip()!r}", line=number)
    count = int(match.group(1))
    if count == 0:
        raise BallotFileError("the count of voters before ':' must be at least 1", line=number)
    try:
        groups = _read_groups(match.group(2), len(candidates))
    except ValueError as error:
        raise BallotFileError(str(error), line=number) from None
    _check_type(groups, len(candidates), kind, number)
    return RankedBallot(tuple(tuple(candidates[index - 1] for index in group) for group in groups), Fraction(count))


def _read_groups(order: str, count: int) -> list[tuple[int, ...]]:
    """``1,{2,3},4`` as [(1,), (2, 3), (4,)], every number an alternative in 1..count, none twice."""
    compact = re.sub(r"\s+", "", order)
    if re.search(r"\d\s+\d", order) or not _ORDER_BODY.fullmatch(compact):
        raise ValueError(f"cannot read the order {order.strip()!r}; write it like 1,3,{{2,4}}")
    groups = [tuple(int(item) for item in token.strip("{}").split(",")) for token in _TOKEN.findall(compact)]
    seen: set[int] = set()
    for number in (number for group in groups for number in group):
        if not 1 <= number <= count:
            raise ValueError(f"alternative {number} does not exist (there are {count})")
        if number in seen:
            raise ValueError(f"alternative {number} appears twice in one order")
        seen.add(number)
    return groups


def _check_type(groups: list[tuple[int, ...]], count: int, kind: str | None, number: int) -> None:
    if kind in ("soc", "soi") and any(len(group) > 1 for group in groups):
        raise BallotFileError(f"a tie {{...}} in a {kind} file ({DATA_TYPES[kind]})", line=number)
    ranked = sum(len(group) for group in groups)
    if kind in ("soc", "toc") and ranked != count:
        raise BallotFileError(
            f"the order ranks {ranked} of {count} alternatives in a {kind} file ({DATA_TYPES[kind]})", line=number
        )


def _check_counts(header: dict[str, tuple[str, int]], ballots: tuple[RankedBallot, ...]) -> None:
    voters = _whole_number(header, "NUMBER VOTERS")
    if voters is not None and voters != sum(ballot.weight for ballot in ballots):
        total = sum(ballot.weight for ballot in ballots)
        raise BallotFileError(f"NUMBER VOTERS is {voters} but the orders' counts add up to {total}",
                              line=header["NUMBER VOTERS"][1])
    unique = _whole_number(header, "NUMBER UNIQUE ORDERS")
    if unique is not None and unique != len(ballots):
        raise BallotFileError(f"NUMBER UNIQUE ORDERS is {unique} but the file has {len(ballots)} orders",
                              line=header["NUMBER UNIQUE ORDERS"][1])
