"""Read Concord JSON ballot files exactly: every weight a decimal or fraction, never a float.

The format::

    {"method": "irv", "seats": 1, "title": "Board 2025", "seed": "draw-1",
     "candidates": ["A", "B", "C"],
     "ballots": [{"ranking": ["A", ["B", "C"]], "weight": 12},
                 {"approve": ["A", "C"], "weight": "2.5"},
                 {"scores": {"A": 5, "B": 3}}]}

``candidates`` and ``ballots`` are required; ``method``, ``seats`` (default 1), ``title`` and
``seed`` (the tie-breaking lot's seed) are optional. Each ballot holds exactly one of ``ranking``
(best first; a list inside the ranking is a group ranked equal), ``approve`` or ``scores``
(whole numbers), and optionally ``weight``: a JSON number or a string such as ``"2.5"`` or
``"7/3"``, read exactly, at least 0, default 1.
"""

import decimal
import json
import json.decoder
import json.scanner
from collections.abc import Mapping
from fractions import Fraction

from voting import progress
from voting.exact import ExactNumberError, parse_exact
from voting.formats.ballot_file import BallotFile, BallotFileError, LineIndex
from voting.registry import METHODS
from voting.types import ApprovalBallot, Ballot, RankedBallot, ScoreBallot

__all__ = ["read_concord_json"]

TOP_LEVEL_KEYS = ("method", "seats", "title", "seed", "candidates", "ballots")
BALLOT_KINDS = ("ranking", "approve", "scores")


class _Object(dict):
    """A decoded JSON object that remembers the keys it saw twice."""

    duplicates: tuple[str, ...] = ()


def _object_from_pairs(pairs: list[tuple[str, object]]) -> _Object:
    result = _Object(pairs)
    if len(result) < len(pairs):
        seen: set[str] = set()
        result.duplicates = tuple(key for key, _ in pairs if key in seen or seen.add(key))
    return result


def _decoder() -> json.JSONDecoder:
    # NaN and Infinity decode to non-finite Decimals, which parse_exact then refuses with the ballot's line.
    return json.JSONDecoder(
        parse_float=decimal.Decimal,
        parse_int=int,
        parse_constant=decimal.Decimal,
        object_pairs_hook=_object_from_pairs,
    )


def read_concord_json(text: str) -> BallotFile:
    """Read a Concord JSON ballot file; weights exactly (``0.42`` is 21/50); errors name the line.

    Unranked candidates rank equal below ranked ones (see ``RankedBallot``).

    >>> ballot_file = read_concord_json('{"candidates": ["A", "B"], "ballots": [\\n'
    ...     '{"ranking": ["B", "A"], "weight": 0.42}]}')
    >>> ballot_file.ballots[0].weight, ballot_file.lines
    (Fraction(21, 50), (2,))
    >>> read_concord_json('{"candidates": ["A"], "ballots": [\\n{"ranking": ["Z"]}]}')
    Traceback (most recent call last):
    ...
    voting.formats.ballot_file.BallotFileError: line 2: ballot 1: unknown candidate 'Z' in "ranking"
    """
    text = text.removeprefix("\ufeff")
    try:
        document = _decoder().decode(text)
    except json.JSONDecodeError as error:
        raise BallotFileError(f"not valid JSON: {error.msg} (column {error.colno})", line=error.lineno) from None
    except RecursionError:
        raise BallotFileError("the JSON is nested too deeply to be a ballot file") from None
    if not isinstance(document, dict):
        raise BallotFileError("a Concord JSON file is one object with \"candidates\" and \"ballots\"", line=1)
    lines = LineIndex(text)
    key_offsets, ballot_offsets = _offsets(text)
    key_lines = {key: lines.line(offset) for key, offset in key_offsets.items()}
    ballot_lines = tuple(lines.line(offset) for offset in ballot_offsets)
    settings = _read_settings(document, key_lines)
    candidates = _read_candidates(document.get("candidates"), key_lines.get("candidates", 1))
    raw_ballots = document.get("ballots")
    if not isinstance(raw_ballots, list):
        raise BallotFileError("\"ballots\" must be a list of ballots", line=key_lines.get("ballots", 1))
    known = frozenset(candidates)
    progress.phase("reading ballots", len(raw_ballots), "ballots")
    ballots = tuple(
        _read_ballot(raw, known, number=index + 1, line=ballot_lines[index])
        for index, raw in enumerate(progress.tracked(raw_ballots))
    )
    return BallotFile(candidates, ballots, lines=ballot_lines, format="concord-json", **settings)


def _offsets(text: str) -> tuple[dict[str, int], list[int]]:
    """Where each top-level key and each element of the top-level "ballots" list starts."""
    scan = json.scanner.make_scanner(_decoder())
    skip = json.decoder.WHITESPACE.match
    keys: dict[str, int] = {}
    ballots: list[int] = []
    index = skip(text, skip(text, 0).end() + 1).end()
    while text[index] != "}":
        key_start = index
        key, index = scan(text, index)
        keys.setdefault(key, key_start)
        index = skip(text, skip(text, index).end() + 1).end()
        if key == "ballots" and text[index] == "[":
            ballots = []
            index = skip(text, index + 1).end()
            while text[index] != "]":
                ballots.append(index)
                _, index = scan(text, index)
                index = skip(text, index).end()
                index = skip(text, index + 1).end() if text[index] == "," else index
            index += 1
        else:
            _, index = scan(text, index)
        index = skip(text, index).end()
        index = skip(text, index + 1).end() if text[index] == "," else index
    return keys, ballots


def _read_settings(document: _Object, key_lines: Mapping[str, int]) -> dict[str, object]:
    """The file-level settings: method, seats, title and seed, each checked."""
    if document.duplicates:
        raise BallotFileError(f"key {document.duplicates[0]!r} appears twice", line=key_lines[document.duplicates[0]])
    for key in document:
        if key not in TOP_LEVEL_KEYS:
            raise BallotFileError(
                f"unknown key {key!r}; a Concord JSON file has {', '.join(TOP_LEVEL_KEYS)}", line=key_lines[key]
            )
    for required in ("candidates", "ballots"):
        if required not in document:
            raise BallotFileError(f"the file has no {required!r} list", line=1)
    method = document.get("method")
    if method is not None and method not in METHODS:
        raise BallotFileError(
            f"unknown method {method!r}; choose one of: {', '.join(METHODS)}", line=key_lines["method"]
        )
    seats = document.get("seats", 1)
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise BallotFileError(f"\"seats\" must be a whole number of at least 1, not {seats!r}", line=key_lines["seats"])
    for key in ("title", "seed"):
        if key in document and not isinstance(document[key], str):
            raise BallotFileError(f"{key!r} must be a string", line=key_lines[key])
    return {"method": method, "seats": seats, "title": document.get("title", ""), "seed": document.get("seed")}


def _read_candidates(raw: object, line: int) -> tuple[str, ...]:
    """The candidate list: distinct, non-empty names."""
    if not isinstance(raw, list) or not raw:
        raise BallotFileError("\"candidates\" must be a non-empty list of names", line=line)
    for name in raw:
        if not isinstance(name, str) or not name.strip():
            raise BallotFileError(f"candidate {name!r} is not a name (a non-empty string)", line=line)
    repeated = sorted({name for name in raw if raw.count(name) > 1})
    if repeated:
        raise BallotFileError(f"candidate {repeated[0]!r} is listed twice", line=line)
    return tuple(raw)


def _read_ballot(raw: object, known: frozenset[str], *, number: int, line: int) -> Ballot:
    """One ballot object: exactly one of ranking, approve or scores, and a weight."""
    where = f"ballot {number}"
    if not isinstance(raw, dict):
        raise BallotFileError(f"{where} must be an object like {{\"ranking\": [...], \"weight\": 1}}", line=line)
    if raw.duplicates:
        raise BallotFileError(f"{where}: key {raw.duplicates[0]!r} appears twice", line=line)
    unknown = [key for key in raw if key not in (*BALLOT_KINDS, "weight")]
    if unknown:
        raise BallotFileError(
            f"{where}: unknown key {unknown[0]!r}; a ballot has one of {', '.join(BALLOT_KINDS)} and a weight", line=line
        )
    kinds = [key for key in BALLOT_KINDS if key in raw]
    if len(kinds) != 1:
        raise BallotFileError(f"{where} must have exactly one of {', '.join(BALLOT_KINDS)}", line=line)
    try:
        weight = _read_weight(raw.get("weight", 1))
        if kinds[0] == "ranking":
            return RankedBallot(_read_ranking(raw["ranking"], known), weight)
        if kinds[0] == "approve":
            return ApprovalBallot(_read_approvals(raw["approve"], known), weight)
        return ScoreBallot.of(_read_scores(raw["scores"], known), weight)
    except ValueError as error:
        raise BallotFileError(f"{where}: {error}", line=line) from None


def _read_weight(raw: object) -> Fraction:
    try:
        weight = parse_exact(raw)
    except ExactNumberError as error:
        raise ValueError(f"weight: {error}") from None
    if weight < 0:
        raise ValueError(f"weight {raw} is negative")
    return weight


def _check_name(name: object, known: frozenset[str], field: str) -> str:
    if not isinstance(name, str):
        raise ValueError(f"{name!r} in {field!r} is not a candidate name")
    if name not in known:
        raise ValueError(f"unknown candidate {name!r} in \"{field}\"")
    return name


def _read_ranking(raw: object, known: frozenset[str]) -> tuple[tuple[str, ...], ...]:
    if not isinstance(raw, list):
        raise ValueError("\"ranking\" must be a list, best first, with tied candidates in an inner list")
    groups = []
    for item in raw:
        names = item if isinstance(item, list) else [item]
        if not names:
            raise ValueError("\"ranking\" has an empty group []")
        groups.append(tuple(_check_name(name, known, "ranking") for name in names))
    _refuse_repeats([name for group in groups for name in group], "ranking")
    return tuple(groups)


def _read_approvals(raw: object, known: frozenset[str]) -> frozenset[str]:
    if not isinstance(raw, list):
        raise ValueError("\"approve\" must be a list of candidate names")
    names = [_check_name(name, known, "approve") for name in raw]
    _refuse_repeats(names, "approve")
    return frozenset(names)


def _read_scores(raw: object, known: frozenset[str]) -> dict[str, int]:
    if not isinstance(raw, dict):
        raise ValueError("\"scores\" must be an object mapping candidate names to whole numbers")
    if raw.duplicates:
        raise ValueError(f"candidate {raw.duplicates[0]!r} is scored twice")
    for name, score in raw.items():
        _check_name(name, known, "scores")
        if isinstance(score, bool) or not isinstance(score, int):
            raise ValueError(f"the score of {name!r} must be a whole number, not {score}")
    return dict(raw)


def _refuse_repeats(names: list[str], field: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"candidate {name!r} appears twice in \"{field}\"")
        seen.add(name)
