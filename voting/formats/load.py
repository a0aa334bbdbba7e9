"""Open any supported ballot file (Concord JSON, BLT, PrefLib, CSV) by its extension or its content."""

import dataclasses
import re
import sys
from os import PathLike
from pathlib import Path

from voting.formats.ballot_file import BallotFile, BallotFileError
from voting.formats.concord_json import read_concord_json
from voting.formats.csv_ballots import read_csv_ballots
from voting.formats.preflib import DATA_TYPES, read_preflib
from voting.registry import METHODS
from voting.types import ApprovalBallot, RankedBallot, ScoreBallot

__all__ = [
    "BALLOT_TYPES_BY_METHOD",
    "BallotFile",
    "BallotFileError",
    "FORMATS",
    "check_ballots_fit",
    "detect_format",
    "load_ballot_file",
    "read_ballot_text",
]

FORMATS = ("json", "blt", "preflib", "csv")
BALLOT_TYPES_BY_METHOD: dict[str, tuple[type, ...]] = {
    "plurality": (RankedBallot, ApprovalBallot),
    "approval": (ApprovalBallot,),
    "score": (ScoreBallot,),
    "star": (ScoreBallot,),
    **{name: (RankedBallot,) for name in ("irv", "schulze", "ranked_pairs", "copeland", "borda", "stv_scottish", "stv_meek")},
}
_CSV_KIND = {RankedBallot: "rank", ScoreBallot: "score", ApprovalBallot: "approve"}
_BALLOT_NAMES = {RankedBallot: "a ranking", ScoreBallot: "scores", ApprovalBallot: "approvals"}
_PLURALS = {RankedBallot: "rankings", ScoreBallot: "scores", ApprovalBallot: "approvals"}
_EXTENSIONS = {".json": "json", ".blt": "blt", ".csv": "csv", ".tsv": "csv", **{f".{kind}": "preflib" for kind in DATA_TYPES}}


def load_ballot_file(path: str | PathLike[str], *, method: str | None = None) -> BallotFile:
    """Read the ballot file at ``path`` (``"-"``: standard input); ``method`` overrides the file's own.

    The format comes from the extension (.json, .blt, .soc/.soi/.toc/.toi, .csv/.tsv), else from
    the content. The ballots must suit the method when one is known. Bad files raise BallotFileError.

    >>> load_ballot_file("no/such/file.json")
    Traceback (most recent call last):
    ...
    voting.formats.ballot_file.BallotFileError: cannot open no/such/file.json: No such file or directory
    """
    name = str(path)
    try:
        raw = _read_stdin() if name == "-" else Path(name).read_bytes()
    except OSError as error:
        raise BallotFileError(f"cannot open {name}: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BallotFileError(f"{name} is not UTF-8 text (byte {error.start + 1})") from None
    suffix = Path(name).suffix.lower() if name != "-" else ""
    return read_ballot_text(text, format=_EXTENSIONS.get(suffix), method=method, data_type=suffix[1:] or None)


def read_ballot_text(
    text: str, *, format: str | None = None, method: str | None = None, data_type: str | None = None
) -> BallotFile:
    """Read ballots from ``text`` in ``format`` (one of FORMATS; None: detect it), for ``method``.

    ``data_type`` is the PrefLib type a file name implies, used when its header names none.

    >>> ballot_file = read_ballot_text("ranking\\nA > B\\n", method="irv")
    >>> ballot_file.format, ballot_file.method, ballot_file.candidates
    ('csv', 'irv', ('A', 'B'))
    """
    if method is not None and method not in METHODS:
        raise BallotFileError(f"unknown method {method!r}; choose one of: {', '.join(METHODS)}")
    chosen = format or detect_format(text)
    if chosen == "json":
        ballot_file = read_concord_json(text)
    elif chosen == "preflib":
        ballot_file = read_preflib(text, data_type=data_type if data_type in DATA_TYPES else None)
    elif chosen == "blt":
        ballot_file = _read_blt(text)
    elif chosen == "csv":
        wanted = BALLOT_TYPES_BY_METHOD[method][0] if method else None
        ballot_file = read_csv_ballots(text, kind=_CSV_KIND[wanted] if wanted else None)
    else:
        raise ValueError(f"unknown ballot file format {chosen!r}; choose one of: {', '.join(FORMATS)}")
    ballot_file = dataclasses.replace(ballot_file, method=method or ballot_file.method)
    if ballot_file.method is not None:
        check_ballots_fit(ballot_file, ballot_file.method)
    return ballot_file


def detect_format(text: str) -> str:
    """The format ``text`` looks like: JSON if it opens with ``{``, PrefLib if with ``#``, BLT if
    its first line is two whole numbers, else CSV.

    >>> detect_format('{"candidates": []}'), detect_format("# DATA TYPE: soc"), detect_format("3 1\\n"), detect_format("A,B")
    ('json', 'preflib', 'blt', 'csv')
    """
    stripped = text.removeprefix("\ufeff").lstrip()
    first_line = stripped.split("\n", 1)[0].strip()
    if stripped.startswith("{"):
        return "json"
    if stripped.startswith("#"):
        return "preflib"
    if re.fullmatch(r"\d+\s+\d+", first_line):
        return "blt"
    return "csv"


def check_ballots_fit(ballot_file: BallotFile, method: str) -> None:
    """Refuse ballots of the wrong shape for ``method`` (scores for IRV), naming the first such ballot's line.

    >>> from voting.types import ScoreBallot
    >>> check_ballots_fit(BallotFile(("A",), (ScoreBallot.of({"A": 5}),), lines=(4,)), "irv")
    Traceback (most recent call last):
    ...
    voting.formats.ballot_file.BallotFileError: line 4: ballot 1 gives scores, but irv counts rankings
    """
    wanted = BALLOT_TYPES_BY_METHOD[method]
    for index, ballot in enumerate(ballot_file.ballots):
        if not isinstance(ballot, wanted):
            counted = " or ".join(_PLURALS[kind] for kind in wanted)
            raise BallotFileError(
                f"ballot {index + 1} gives {_BALLOT_NAMES[type(ballot)]}, but {method} counts {counted}",
                line=ballot_file.line_of(index),
            )


def _read_stdin() -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    return stream.read() if stream is not None else sys.stdin.read().encode("utf-8")


def _read_blt(text: str) -> BallotFile:
    """A .blt file through voting.formats.blt; withdrawn candidates are left out of the count."""
    from voting.formats.blt import read_blt

    try:
        election = read_blt(text)
    except ValueError as error:
        match = re.fullmatch(r"line (\d+): (.*)", str(error), flags=re.DOTALL)
        if match:
            raise BallotFileError(match.group(2), line=int(match.group(1))) from None
        raise BallotFileError(str(error)) from None
    return BallotFile(
        election.standing,
        election.ballots_without_withdrawn(),
        seats=election.seats,
        title=election.title,
        format="blt",
    )
