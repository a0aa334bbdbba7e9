"""The .blt reader and writer: real files, every feature of the format, errors that name the line."""

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.formats.blt import BltError, read_blt, write_blt
from voting.types import RankedBallot

DATA = Path(__file__).parent / "data" / "stv"


def test_reads_a_real_council_ballot_file() -> None:
    election = read_blt((DATA / "aberdeen-2017-dyce-bucksburn-danestone.blt").read_text())

    assert election.seats == 4
    assert election.candidates[0] == "Barney Crockett" and len(election.candidates) == 7
    assert sum(ballot.weight for ballot in election.ballots) == 6608
    assert election.title == "Dyce/Bucksburn/Danestone Ward (Aberdeen City Council 2017)"
    assert election.ballots[0] == RankedBallot.of("Barney Crockett", weight=64)


def test_reads_withdrawn_candidates_decimal_weights_equal_ranks_and_comments() -> None:
    text = '3 1\n-2\n1.25 1 2=3 0  # a comment\n2 2 3 0\n0\n"A"\n"B"\n"C #3"\n"Withdrawal"\n'

    election = read_blt(text)

    assert election.withdrawn == ("B",) and election.standing == ("A", "C #3")
    assert election.ballots[0] == RankedBallot.of("A", ("B", "C #3"), weight=Fraction(5, 4))
    assert election.ballots_without_withdrawn() == (
        RankedBallot.of("A", "C #3", weight=Fraction(5, 4)), RankedBallot.of("C #3", weight=2),
    )


def test_a_name_with_a_doubled_quote_survives_a_round_trip() -> None:
    text = write_blt([RankedBallot.of('Ann "Nan" Lee')], candidates=['Ann "Nan" Lee'], seats=1, title="T")

    assert read_blt(text).candidates == ('Ann "Nan" Lee',)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: the file is empty"),
        ("3\n", "line 1: the first line must be two positive numbers"),
        ("x 2\n", "line 1: the first line"),
        ("3 1\n-4\n0\n", "line 2: withdrawn candidates are written -1 to -3"),
        ("3 1\n1 1 2\n0\n", "line 2: a ballot line must end with 0"),
        ("3 1\n1 1 0\n1 9 0\n0\n", "line 3: preference '9' is not a candidate number from 1 to 3"),
        ("3 1\nlots 1 0\n0\n", "line 2: the ballot weight 'lots' is not a number"),
        ("3 1\n-1 1 0\n", "line 2: withdrawn candidates"),
        ("2 1\n1 1 0\n", "line 3: the ballots must end with a line holding only 0"),
        ('2 1\n1 1 0\n0\n"A"\n', "line 4: the file names 1 candidates but its first line says 2"),
        ('2 1\n1 1 0\n0\n"A"\nB\n', "line 5: expected a quoted candidate name"),
        ('2 1\n1 1 0\n0\n"A"\n"A"\n', "line 5: two candidates have the same name"),
    ],
)
def test_bad_files_are_refused_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(BltError, match=message):
        read_blt(text)


def test_bad_errors_are_value_errors() -> None:
    assert issubclass(BltError, ValueError)


def test_writer_refuses_weights_without_a_decimal_form_unknown_candidates_and_multiline_names() -> None:
    with pytest.raises(BltError, match="one line"):
        write_blt([], candidates=["A\nB"], seats=1)
    with pytest.raises(BltError, match="1/3"):
        write_blt([RankedBallot.of("A", weight=Fraction(1, 3))], candidates=["A"], seats=1)
    with pytest.raises(BltError, match="'Z'"):
        write_blt([RankedBallot.of("Z")], candidates=["A"], seats=1)


def test_writing_a_real_file_and_reading_it_back_changes_nothing() -> None:
    election = read_blt((DATA / "droop-SC.blt").read_text())

    text = write_blt(election.ballots, candidates=election.candidates, seats=election.seats, title=election.title)

    assert read_blt(text) == election


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=8).filter(
    lambda text: text.strip() and len(f"{text}.".splitlines()) == 1
)
weights = st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False).map(Fraction)


@st.composite
def elections(draw):
    candidates = draw(st.lists(names.map(str.strip), min_size=1, max_size=6, unique=True))
    group = st.lists(st.sampled_from(candidates), min_size=1, max_size=2, unique=True).map(tuple)
    ballots = draw(st.lists(st.builds(RankedBallot, st.lists(group, max_size=4).map(tuple), weights), max_size=8))
    withdrawn = draw(st.lists(st.sampled_from(candidates), unique=True, max_size=len(candidates) - 1))
    return candidates, ballots, draw(st.integers(1, 5)), tuple(sorted(withdrawn, key=candidates.index))


@settings(max_examples=40, deadline=None)
@given(elections(), names)
def test_any_election_survives_write_then_read(election, title) -> None:
    candidates, ballots, seats, withdrawn = election

    text = write_blt(ballots, candidates=candidates, seats=seats, title=title.strip(), withdrawn=withdrawn)
    back = read_blt(text)

    assert back.candidates == tuple(candidates) and back.seats == seats and back.withdrawn == withdrawn
    assert back.ballots == tuple(ballots) and back.title == title.strip()
