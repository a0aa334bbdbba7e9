"""Read ballots from CSV, one ballot a row, in either of two layouts told apart by the header row.

Ranking layout: a ``ranking`` column whose cells list candidates best first, separated by
``>``, with ``=`` between candidates ranked equal: ``Ann > Bo = Cy``. A blank cell is a blank
ballot. The candidates are every name the ballots mention, in order of first mention.

Candidate-column layout: every other column is a candidate, and each cell holds that ballot's
mark for that candidate, read according to ``kind``:

- ``"rank"``: a whole number from 1 (first); equal numbers are ranked equal; blank is unranked;
- ``"score"``: a whole number; blank is no score;
- ``"approve"``: ``1``, ``x``, ``yes`` or ``true`` approves; ``0``, ``no``, ``false`` or blank does not.

Both layouts take an optional ``weight`` column (an exact number such as ``2.5`` or ``7/3``;
blank is 1) and an optional ``voter`` column (a label, ignored). Column names are matched without
regard to case. The delimiter is a comma, or a semicolon or tab when the header has no comma. A row whose
cells are all blank is skipped (give it a ``voter`` label to keep it as a blank ballot).
"""

import csv
import io
import re
from collections.abc import Callable, Sequence
from fractions import Fraction

from voting import progress
from voting.exact import ExactNumberError, parse_exact
from voting.formats.ballot_file import BallotFile, BallotFileError
from voting.types import ApprovalBallot, Ballot, RankedBallot, ScoreBallot

__all__ = ["CSV_KINDS", "read_csv_ballots"]

CSV_KINDS = ("rank", "score", "approve")
RESERVED = ("ranking", "weight", "voter")
APPROVE_MARKS = {"1": True, "x": True, "yes": True, "true": True, "0": False, "no": False, "false": False, "": False}


def read_csv_ballots(text: str, *, kind: str | None = None) -> BallotFile:
    """Read CSV ballots (layouts in the module docstring); ``kind`` says what candidate-column cells hold.

    Unranked candidates rank equal below ranked ones; a row of blank cells is skipped.

    >>> ballot_file = read_csv_ballots("ranking,weight\\nAnn > Bo = Cy,2.5\\nCy,\\n")
    >>> ballot_file.candidates, ballot_file.ballots[0].ranking, ballot_file.ballots[0].weight
    (('Ann', 'Bo', 'Cy'), (('Ann',), ('Bo', 'Cy')), Fraction(5, 2))
    >>> read_csv_ballots("Ann,Bo\\n1,2\\n", kind="rank").ballots[0].ranking
    (('Ann',), ('Bo',))
    """
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = "," if "," in first_line else ";" if ";" in first_line else "\t" if "\t" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    records = _records(reader)
    header = [cell.strip() for cell in records[0][1]] if records else []
    if not any(header):
        raise BallotFileError("the CSV file is empty; its first row names the columns", line=1)
    columns = _columns(header)
    rows = [(line, row) for line, row in records[1:] if any(cell.strip() for cell in row)]
    for line, row in rows:
        if len(row) != len(header):
            raise BallotFileError(f"this row has {len(row)} cells but the header has {len(header)}", line=line)
    weights = [_weight(row, columns.get("weight"), line) for line, row in rows]
    progress.phase("reading ballots", len(rows), "ballots")
    if "ranking" in columns:
        ballots = [_ranking_ballot(row[columns["ranking"]], weight, line) for (line, row), weight in zip(progress.tracked(rows), weights)]
        candidates = tuple(dict.fromkeys(name for ballot in ballots for group in ballot.ranking for name in group))
    else:
        candidates = tuple(name for index, name in enumerate(header) if index not in columns.values())
        read_row = _row_reader(kind, candidates)
        ballots = [
            read_row([row[header.index(name)].strip() for name in candidates], weight, line)
            for (line, row), weight in zip(progress.tracked(rows), weights)
        ]
    return BallotFile(candidates, tuple(ballots), lines=tuple(line for line, _ in rows), format="csv")


def _records(reader: "csv._reader") -> list[tuple[int, list[str]]]:
    """Every row with the line it ends on; a row the csv module refuses (an oversized cell) names its line."""
    records = []
    try:
        for row in reader:
            records.append((reader.line_num, row))
    except csv.Error as error:
        raise BallotFileError(f"cannot read this CSV row: {error}", line=reader.line_num) from None
    return records


def _columns(header: list[str]) -> dict[str, int]:
    """The reserved columns' positions; the header must name each column once."""
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            raise BallotFileError(f"column {index + 1} of the header has no name", line=1)
        if name in header[:index] or (name.lower() in RESERVED and name.lower() in columns):
            raise BallotFileError(f"column {name!r} appears twice in the header", line=1)
        if name.lower() in RESERVED:
            columns[name.lower()] = index
    if "ranking" in columns and len(header) > len(columns):
        extra = next(name for name in header if name.lower() not in RESERVED)
        raise BallotFileError(
            f"column {extra!r} next to a 'ranking' column; a ranking file has only ranking, weight and voter", line=1
        )
    if "ranking" not in columns and len(header) == len(columns):
        raise BallotFileError("the header names no candidates and no 'ranking' column", line=1)
    return columns


def _weight(row: list[str], column: int | None, line: int) -> Fraction:
    cell = row[column].strip() if column is not None else ""
    if not cell:
        return Fraction(1)
    try:
        weight = parse_exact(cell)
    except ExactNumberError as error:
        raise BallotFileError(f"weight: {error}", line=line) from None
    if weight < 0:
        raise BallotFileError(f"weight {cell} is negative", line=line)
    return weight


def _ranking_ballot(cell: str, weight: Fraction, line: int) -> RankedBallot:
    if not cell.strip():
        return RankedBallot((), weight)
    groups = tuple(tuple(name.strip() for name in group.split("=")) for group in cell.split(">"))
    names = [name for group in groups for name in group]
    if not all(names):
        raise BallotFileError(f"cannot read the ranking {cell.strip()!r}; write it like 'Ann > Bo = Cy'", line=line)
    repeated = next((name for index, name in enumerate(names) if name in names[:index]), None)
    if repeated is not None:
        raise BallotFileError(f"{repeated!r} appears twice in the ranking", line=line)
    return RankedBallot(groups, weight)


RowReader = Callable[[Sequence[str], Fraction, int], Ballot]


def _row_reader(kind: str | None, candidates: tuple[str, ...]) -> RowReader:
    if kind is None:
        raise BallotFileError(
            "a CSV file with one column per candidate needs a counting method (--method) to tell "
            "whether its cells are ranks, scores or approvals; or use a 'ranking' column",
            line=1,
        )
    if kind not in CSV_KINDS:
        raise ValueError(f"unknown CSV kind {kind!r}; choose one of: {', '.join(CSV_KINDS)}")

    def read_row(cells: Sequence[str], weight: Fraction, line: int) -> Ballot:
        marks = {name: cell for name, cell in zip(candidates, cells)}
        if kind == "approve":
            return ApprovalBallot(frozenset(name for name, cell in marks.items() if _approves(name, cell, line)), weight)
        numbers = {name: _whole(name, cell, line) for name, cell in marks.items() if cell}
        if kind == "score":
            return ScoreBallot.of(numbers, weight)
        return RankedBallot(_groups_by_rank(numbers, line), weight)

    return read_row


def _approves(name: str, cell: str, line: int) -> bool:
    mark = APPROVE_MARKS.get(cell.lower())
    if mark is None:
        raise BallotFileError(f"{name}: {cell!r} is not an approval mark (1, x, yes, true or 0, no, false, blank)", line=line)
    return mark


def _whole(name: str, cell: str, line: int) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", cell):
        raise BallotFileError(f"{name}: {cell!r} is not a whole number", line=line)
    return int(cell)


def _groups_by_rank(ranks: dict[str, int], line: int) -> tuple[tuple[str, ...], ...]:
    for name, rank in ranks.items():
        if rank < 1:
            raise BallotFileError(f"{name}: rank {rank} must be 1 or more (1 is first)", line=line)
    return tuple(tuple(name for name in ranks if ranks[name] == rank) for rank in sorted(set(ranks.values())))
