from fractions import Fraction
from pathlib import Path

import pytest
from preflibtools.instances import OrdinalInstance

from voting.formats.ballot_file import BallotFileError
from voting.formats.preflib import read_preflib
from voting.types import RankedBallot

DATA = Path(__file__).parent / "data" / "formats"
HEADER = (
    "# FILE NAME: example.toi\n# TITLE: Example\n# DATA TYPE: {kind}\n# NUMBER ALTERNATIVES: 4\n"
    "# ALTERNATIVE NAME 1: Ann\n# ALTERNATIVE NAME 2: Bo\n# ALTERNATIVE NAME 3: Cy\n# ALTERNATIVE NAME 4: Dee\n"
)


def pairwise_wins(ballots: tuple[RankedBallot, ...], candidates: tuple[str, ...]) -> dict[tuple[str, str], Fraction]:
    """Brute-force pairwise counts: a ranked candidate beats every candidate ranked lower or left out."""
    wins = {(a, b): Fraction(0) for a in candidates for b in candidates if a != b}
    for ballot in ballots:
        position = {name: place for place, group in enumerate(ballot.ranking) for name in group}
        for a, b in wins:
            if a in position and position[a] < position.get(b, len(candidates)):
                wins[a, b] += ballot.weight
    return wins


def test_debian_2002_soi_makes_bdale_garbee_the_condorcet_winner_as_officially_declared() -> None:
    ballot_file = read_preflib((DATA / "debian-2002-leader.soi").read_text())
    robinson, hertzog, garbee, nota = ballot_file.candidates

    wins = pairwise_wins(ballot_file.ballots, ballot_file.candidates)

    assert ballot_file.candidates == ("Branden Robinson", "Raphael Hertzog", "Bdale Garbee", "None Of The Above")
    assert sum(ballot.weight for ballot in ballot_file.ballots) == 475
    assert all(wins[garbee, rival] > wins[rival, garbee] for rival in (robinson, hertzog, nota))
    assert (wins[garbee, robinson], wins[garbee, hertzog]) == (291, 327)
    assert (wins[nota, robinson], wins[nota, hertzog], wins[nota, garbee]) == (68, 50, 18)


@pytest.mark.parametrize("name", ["debian-2002-leader.soi", "debian-2010-leader.toc"])
def test_preflib_files_read_the_same_as_preflibtools_reads_them(name: str) -> None:
    path = DATA / name
    oracle = OrdinalInstance()
    oracle.parse_file(str(path))

    ballot_file = read_preflib(path.read_text())

    ours = [
        (tuple(tuple(ballot_file.candidates.index(c) + 1 for c in group) for group in ballot.ranking), ballot.weight)
        for ballot in ballot_file.ballots
    ]
    theirs = [(tuple(tuple(group) for group in order), count) for order, count in oracle.multiplicity.items()]
    assert sorted(ours) == sorted(theirs)
    assert ballot_file.candidates == tuple(oracle.alternatives_name[i] for i in range(1, oracle.num_alternatives + 1))
    assert ballot_file.title == oracle.title


def test_debian_2010_toc_keeps_ties_and_the_header_totals() -> None:
    ballot_file = read_preflib((DATA / "debian-2010-leader.toc").read_text())

    tied = ballot_file.ballots[15]

    assert (len(ballot_file.ballots), sum(b.weight for b in ballot_file.ballots)) == (82, 436)
    assert tied.ranking == (
        ("Stefano Zacchiroli",),
        ("Wouter Verhelst", "Charles Plessy", "Margarita Manterola", "None Of The Above"),
    )
    assert tied.weight == 7
    assert ballot_file.lines[15] == 18 + 15
    assert ballot_file.format == "preflib-toc"


def test_specification_example_with_spaces_reads_one_then_a_tie_then_two() -> None:
    text = HEADER.format(kind="toc") + "1: 1, 4, 3, 2\n13: 1, {4, 3}, 2\n"

    ballots = read_preflib(text).ballots

    assert ballots == (
        RankedBallot((("Ann",), ("Dee",), ("Cy",), ("Bo",)), Fraction(1)),
        RankedBallot((("Ann",), ("Dee", "Cy"), ("Bo",)), Fraction(13)),
    )


def test_data_type_comes_from_the_file_name_when_the_header_has_none() -> None:
    text = HEADER.replace("# DATA TYPE: {kind}\n", "") + "1: 1,{2,3}\n"

    with pytest.raises(BallotFileError) as caught:
        read_preflib(text, data_type="soi")

    assert str(caught.value) == "line 8: a tie {...} in a soi file (strict orders, incomplete)"
    assert read_preflib(text).ballots[0].ranking == (("Ann",), ("Bo", "Cy"))


@pytest.mark.parametrize(
    ("kind", "data", "line", "message"),
    [
        ("soc", "1: 1,2,3,4\n2: 1,{2,3},4\n", 10, "a tie {...} in a soc file"),
        ("soc", "1: 1,2,3\n", 9, "the order ranks 3 of 4 alternatives in a soc file"),
        ("toc", "1: 1,{2,3}\n", 9, "the order ranks 3 of 4 alternatives in a toc file"),
        ("toi", "1: 1,5\n", 9, "alternative 5 does not exist (there are 4)"),
        ("toi", "1: 1,{2,1}\n", 9, "alternative 1 appears twice in one order"),
        ("toi", "1: 1\nx: 1,2\n", 10, "an order line must look like '12: 1,3,{2,4}'"),
        ("toi", "1: 1,,2\n", 9, "cannot read the order '1,,2'"),
        ("toi", "1: 1,{2,3\n", 9, "cannot read the order '1,{2,3'"),
        ("toi", "1: 1,{}\n", 9, "cannot read the order '1,{}'"),
        ("toi", "1: 1 2\n", 9, "cannot read the order '1 2'"),
        ("toi", "0: 1,2\n", 9, "the count of voters before ':' must be at least 1"),
        ("toi", "1: 1\n# NUMBER VOTERS: 1\n", 10, "a header line (#) after the orders began"),
        ("cat", "1: 1\n", 3, "DATA TYPE 'cat' is not an ordinal type"),
    ],
)
def test_bad_orders_are_refused_naming_their_line(kind: str, data: str, line: int, message: str) -> None:
    with pytest.raises(BallotFileError) as caught:
        read_preflib(HEADER.format(kind=kind) + data)

    assert caught.value.line == line
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("header", "line", "message"),
    [
        ("# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: Ann\n", 1, "no name for alternative 2"),
        ("# NUMBER ALTERNATIVES: 1\n# ALTERNATIVE NAME 1: Ann\n# ALTERNATIVE NAME 2: Bo\n", 3, "alternative 2 is named"),
        ("# ALTERNATIVE NAME 1: Ann\n# ALTERNATIVE NAME 2: Ann\n", 2, "same name as alternative 1"),
        ("# ALTERNATIVE NAME 1: Ann\n# ALTERNATIVE NAME 1: Bo\n", 2, "ALTERNATIVE NAME 1 is given twice (first on line 1)"),
        ("# NUMBER ALTERNATIVES: two\n", 1, "NUMBER ALTERNATIVES must be a whole number"),
        ("# TITLE Example\n", 1, "a header line must look like '# KEY: value'"),
        ("# TITLE: Example\n", 1, "the header names no alternatives"),
        ("# ALTERNATIVE NAME 1: Ann\n# NUMBER VOTERS: 3\n", 2, "NUMBER VOTERS is 3 but the orders' counts add up to 2"),
        ("# ALTERNATIVE NAME 1: Ann\n# NUMBER UNIQUE ORDERS: 2\n", 2, "NUMBER UNIQUE ORDERS is 2 but the file has 1"),
    ],
)
def test_bad_headers_are_refused_naming_their_line(header: str, line: int, message: str) -> None:
    with pytest.raises(BallotFileError) as caught:
        read_preflib(header + "2: 1\n")

    assert caught.value.line == line
    assert message in str(caught.value)


def test_blank_lines_and_a_missing_final_newline_are_tolerated() -> None:
    text = HEADER.format(kind="soi") + "\n3: 2,1\n\n1: 4"

    ballot_file = read_preflib(text)

    assert [(ballot.ranking, ballot.weight) for ballot in ballot_file.ballots] == [
        ((("Bo",), ("Ann",)), 3),
        ((("Dee",),), 1),
    ]
    assert ballot_file.lines == (10, 12)


def test_the_pre_2022_preflib_layout_is_named_as_such() -> None:
    old_layout = "3\n1,Ann\n2,Bo\n3,Cy\n5,5,2\n3,1,2,3\n2,3,2,1\n"

    with pytest.raises(BallotFileError) as caught:
        read_preflib(old_layout)

    assert caught.value.line == 1
    assert "PrefLib's format from before 2022" in str(caught.value)
