from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.formats.ballot_file import BallotFileError
from voting.formats.csv_ballots import read_csv_ballots
from voting.types import ApprovalBallot, RankedBallot, ScoreBallot


def error_of(text: str, kind: str | None = None) -> BallotFileError:
    with pytest.raises(BallotFileError) as caught:
        read_csv_ballots(text, kind=kind)
    return caught.value


def test_ranking_column_reads_order_ties_weights_and_blank_ballots() -> None:
    text = "voter,ranking,weight\nv1,Ann > Bo = Cy,12\nv2,Cy > Ann,0.42\nv3,,\n"

    ballot_file = read_csv_ballots(text)

    assert ballot_file.candidates == ("Ann", "Bo", "Cy")
    assert ballot_file.ballots == (
        RankedBallot((("Ann",), ("Bo", "Cy")), Fraction(12)),
        RankedBallot((("Cy",), ("Ann",)), Fraction(21, 50)),
        RankedBallot((), Fraction(1)),
    )
    assert ballot_file.lines == (2, 3, 4)


def test_candidate_columns_read_as_ranks_with_equal_numbers_tied_and_blanks_unranked() -> None:
    text = "Ann,Bo,Cy,Dee,Weight\n2,1,2,,3\n1,,,,\n"

    ballots = read_csv_ballots(text, kind="rank").ballots

    assert ballots == (
        RankedBallot((("Bo",), ("Ann", "Cy")), Fraction(3)),
        RankedBallot((("Ann",),), Fraction(1)),
    )


def test_candidate_columns_read_as_scores_leave_blanks_unscored() -> None:
    text = "Ann;Bo;Cy\n5;0;\n"

    ballot_file = read_csv_ballots(text, kind="score")

    assert ballot_file.ballots == (ScoreBallot((("Ann", 5), ("Bo", 0)), Fraction(1)),)
    assert ballot_file.candidates == ("Ann", "Bo", "Cy")


def test_candidate_columns_read_as_approvals_take_the_documented_marks() -> None:
    text = "Ann\tBo\tCy\tDee\tweight\nx\t0\tYes\t\t7/3\n"

    ballots = read_csv_ballots(text, kind="approve").ballots

    assert ballots == (ApprovalBallot(frozenset({"Ann", "Cy"}), Fraction(7, 3)),)


def test_quoted_names_may_hold_the_delimiter() -> None:
    text = '"Smith, Ann","Jones, Bo"\n1,2\n'

    ballot_file = read_csv_ballots(text, kind="rank")

    assert ballot_file.ballots[0].ranking == (("Smith, Ann",), ("Jones, Bo",))


def test_candidate_columns_without_a_kind_ask_for_a_method() -> None:
    error = error_of("Ann,Bo\n1,2\n")

    assert error.line == 1
    assert "needs a counting method (--method)" in str(error)


@pytest.mark.parametrize(
    ("text", "kind", "line", "message"),
    [
        ("ranking\nAnn > > Bo\n", None, 2, "cannot read the ranking 'Ann > > Bo'"),
        ("ranking\nAnn\nAnn > Bo = Ann\n", None, 3, "'Ann' appears twice in the ranking"),
        ("ranking,weight\nAnn,-2\n", None, 2, "weight -2 is negative"),
        ("ranking,weight\nAnn,\nBo,heavy\n", None, 3, "weight: 'heavy' is not a number"),
        ("ranking,Ann\nAnn,1\n", None, 1, "column 'Ann' next to a 'ranking' column"),
        ("Ann,Bo\n1,2\n1\n", "rank", 3, "this row has 1 cells but the header has 2"),
        ("Ann,Bo\n1,first\n", "rank", 2, "Bo: 'first' is not a whole number"),
        ("Ann,Bo\n1,0\n", "rank", 2, "Bo: rank 0 must be 1 or more"),
        ("Ann,Bo\n4.5,1\n", "score", 2, "Ann: '4.5' is not a whole number"),
        ("Ann,Bo\n\n\nmaybe,1\n", "approve", 4, "Ann: 'maybe' is not an approval mark"),
        ("Ann,Ann\n1,2\n", "rank", 1, "column 'Ann' appears twice"),
        ("Ann,,Bo\n1,2,3\n", "rank", 1, "column 2 of the header has no name"),
        ("weight,voter\n1,a\n", "rank", 1, "names no candidates"),
        ("", None, 1, "the CSV file is empty"),
    ],
)
def test_bad_rows_are_refused_naming_their_line(text: str, kind: str | None, line: int, message: str) -> None:
    error = error_of(text, kind)

    assert error.line == line
    assert message in str(error)


names = st.sampled_from(["Ann", "Bo", "Cy", "Dee", "Éva"])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.lists(names, min_size=1, unique=True)), max_size=10))
def test_ranking_cells_written_with_separators_read_back_as_the_same_groups(rankings) -> None:
    expected = []
    for ranking in rankings:
        seen: set[str] = set()
        groups = []
        for group in ranking:
            kept = tuple(name for name in group if name not in seen)
            seen.update(kept)
            groups += [kept] if kept else []
        expected.append(tuple(groups))
    cells = [" > ".join(" = ".join(group) for group in groups) for groups in expected]
    text = "ranking,voter\n" + "".join(f"{cell},v{number}\n" for number, cell in enumerate(cells))

    ballots = read_csv_ballots(text).ballots

    assert [ballot.ranking for ballot in ballots] == expected


def test_a_row_the_csv_module_cannot_read_is_refused_naming_its_line() -> None:
    error = error_of("ranking\nA\n" + "B" * 200_000 + "\n")

    assert error.line == 3
    assert "cannot read this CSV row" in str(error)
