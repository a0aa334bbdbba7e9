"""Readers for the golden data files under tests/voting/data (published examples and elections)."""

import json
from fractions import Fraction
from pathlib import Path

from voting.exact import parse_exact
from voting.types import RankedBallot, ScoreBallot

__all__ = ["DATA", "exact_map", "load_json", "ranked_ballots", "read_abif_ballots", "score_ballots"]

DATA = Path(__file__).parent / "data"


def load_json(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _ranked(line: str) -> RankedBallot:
    count, _, preference = line.strip().partition(":")
    groups = tuple(tuple(group.split("=")) for group in preference.split(">")) if preference else ()
    return RankedBallot(groups, Fraction(int(count)))


def ranked_ballots(lines: list[str]) -> list[RankedBallot]:
    """``"42:A>B=C"``: 42 ballots ranking A first, then B and C equal."""
    return [_ranked(line) for line in lines]


def score_ballots(lines: list[str]) -> list[ScoreBallot]:
    """``"42:A/5,B/2"``: 42 ballots scoring A 5 and B 2."""
    ballots = []
    for line in lines:
        count, _, sheet = line.partition(":")
        scores = {name: int(value) for name, value in (item.split("/") for item in sheet.split(","))}
        ballots.append(ScoreBallot.of(scores, weight=int(count)))
    return ballots


def read_abif_ballots(name: str) -> list[RankedBallot]:
    """The ``count:ranking`` lines of an ABIF file (comments, metadata and candidate lines skipped)."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return ranked_ballots([line for line in lines if line[:1].isdigit()])


def exact_map(table: dict[str, str]) -> dict[str, Fraction]:
    return {key: parse_exact(value) for key, value in table.items()}
