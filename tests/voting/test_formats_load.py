import io
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from voting.formats.ballot_file import BallotFileError
from voting.formats.load import detect_format, load_ballot_file, read_ballot_text
from voting.types import RankedBallot, ScoreBallot

DATA = Path(__file__).parent / "data" / "formats"
BLT = '4 2\n-4\n3 1 2 0\n2 3 0\n1.5 2 4 1 0\n0\n"Ann"\n"Bo"\n"Cy"\n"Dee"\n"Club committee"\n'


def error_of(path: Path | str, **options: object) -> BallotFileError:
    with pytest.raises(BallotFileError) as caught:
        load_ballot_file(path, **options)
    return caught.value


@pytest.mark.parametrize(
    ("name", "expected_format", "voters"),
    [
        ("debian-2002-leader.soi", "preflib-soi", 475),
        ("debian-2010-leader.toc", "preflib-toc", 436),
    ],
)
def test_preflib_files_are_opened_by_their_extension(name: str, expected_format: str, voters: int) -> None:
    ballot_file = load_ballot_file(DATA / name)

    assert ballot_file.format == expected_format
    assert sum(ballot.weight for ballot in ballot_file.ballots) == voters
    assert ballot_file.method is None


def test_blt_files_go_to_the_blt_reader_and_leave_withdrawn_candidates_out(tmp_path: Path) -> None:
    path = tmp_path / "club.blt"
    path.write_text(BLT)

    ballot_file = load_ballot_file(path, method="stv_meek")

    assert ballot_file.candidates == ("Ann", "Bo", "Cy")
    assert ballot_file.seats == 2
    assert ballot_file.title == "Club committee"
    assert ballot_file.ballots[2] == RankedBallot((("Bo",), ("Ann",)), Fraction(3, 2))
    assert ballot_file.method == "stv_meek"


def test_blt_errors_keep_the_line_the_blt_reader_named(tmp_path: Path) -> None:
    path = tmp_path / "club.blt"
    path.write_text(BLT.replace("2 3 0", "2 3 9 0"))

    error = error_of(path)

    assert error.line == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('  {"candidates": ["A"], "ballots": []}', "json"),
        ("\ufeff# TITLE: x\n# ALTERNATIVE NAME 1: A\n1: 1\n", "preflib"),
        ("4 2\n1 1 0\n0\n", "blt"),
        ("ranking\nA > B\n", "csv"),
    ],
)
def test_the_format_is_recognised_from_the_content(text: str, expected: str) -> None:
    assert detect_format(text) == expected


def test_a_file_with_an_unknown_extension_is_read_by_its_content(tmp_path: Path) -> None:
    path = tmp_path / "debian.txt"
    shutil.copy(DATA / "debian-2010-leader.toc", path)

    ballot_file = load_ballot_file(path)

    assert ballot_file.format == "preflib-toc"
    assert len(ballot_file.ballots) == 82


def test_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    text = '{"method": "irv", "candidates": ["A", "B"], "ballots": [{"ranking": ["B"], "weight": 0.42}]}'
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))

    ballot_file = load_ballot_file("-")

    assert ballot_file.method == "irv"
    assert ballot_file.ballots[0].weight == Fraction(21, 50)


def test_the_method_argument_overrides_the_files_method(tmp_path: Path) -> None:
    path = tmp_path / "vote.json"
    path.write_text('{"method": "irv", "candidates": ["A", "B"], "ballots": [{"ranking": ["B", "A"]}]}')

    assert load_ballot_file(path, method="schulze").method == "schulze"
    assert load_ballot_file(path).method == "irv"


def test_the_issue_example_mixes_ballot_kinds_so_irv_refuses_its_approval_ballot() -> None:
    error = error_of(DATA / "issue-example.json")

    assert error.line == 3
    assert str(error) == "line 3: ballot 2 gives approvals, but irv counts rankings"


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ("irv", "ballot 1 gives scores, but irv counts rankings"),
        ("approval", "ballot 1 gives scores, but approval counts approvals"),
        ("plurality", "ballot 1 gives scores, but plurality counts rankings or approvals"),
    ],
)
def test_scores_given_to_a_method_that_counts_no_scores_are_refused(tmp_path: Path, method: str, message: str) -> None:
    path = tmp_path / "scores.json"
    path.write_text('{"candidates": ["A", "B"],\n"ballots": [\n{"scores": {"A": 5}}]}')

    error = error_of(path, method=method)

    assert (error.line, error.reason) == (3, message)


def test_csv_candidate_columns_are_read_as_the_method_needs(tmp_path: Path) -> None:
    path = tmp_path / "ballots.csv"
    path.write_text("A,B,weight\n5,2,2\n")

    as_scores = load_ballot_file(path, method="star").ballots
    as_ranks = load_ballot_file(path, method="borda").ballots

    assert as_scores == (ScoreBallot((("A", 5), ("B", 2)), Fraction(2)),)
    assert as_ranks == (RankedBallot((("B",), ("A",)), Fraction(2)),)


def test_csv_candidate_columns_without_a_method_ask_for_one(tmp_path: Path) -> None:
    path = tmp_path / "ballots.csv"
    path.write_text("A,B\n1,2\n")

    assert "needs a counting method (--method)" in str(error_of(path))


def test_unknown_method_missing_file_and_non_utf8_bytes_are_clear_errors(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("ranking\nJosé\n".encode("latin-1"))

    assert "unknown method 'instant'; choose one of: plurality" in str(error_of(DATA / "issue-example.json", method="instant"))
    assert "cannot open" in str(error_of(tmp_path / "absent.json"))
    assert str(error_of(latin1)) == f"{latin1} is not UTF-8 text (byte 12)"


def test_read_ballot_text_takes_an_explicit_format() -> None:
    ballot_file = read_ballot_text("A,B\n1,2\n", format="csv", method="irv")

    assert ballot_file.ballots == (RankedBallot((("A",), ("B",)), Fraction(1)),)
    with pytest.raises(ValueError, match="unknown ballot file format 'xml'"):
        read_ballot_text("<ballots/>", format="xml")


def test_the_formats_package_offers_the_loader_and_its_error() -> None:
    import voting.formats

    assert {"BallotFile", "BallotFileError", "load_ballot_file", "read_ballot_text"} <= set(voting.formats.__all__)
    assert voting.formats.load_ballot_file is load_ballot_file
