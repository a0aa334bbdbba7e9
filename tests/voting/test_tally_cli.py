import io
import json
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import pytest

import voting.cli.tally as tally_cli
from voting.exact import parse_exact
from voting.cli.tally import main
from voting.types import Ballot, Result, Round

DATA = Path(__file__).parent / "data"
FORMATS = DATA / "formats"
SHETLAND = DATA / "stv" / "shetland-2017-lerwick-north"


class FakeCount:
    """Stands in for a counting method: records its call, elects the first candidate."""

    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    def __call__(self, ballots: Sequence[Ballot], *, candidates: Sequence[str], seats: int = 1, seed: str | None = None) -> Result:
        self.calls.append({"ballots": tuple(ballots), "candidates": tuple(candidates), "seats": seats, "seed": seed})
        total = sum((ballot.weight for ballot in ballots), Fraction(0))
        round_ = Round(1, "count", "Everyone counted.", tally={candidates[0]: total}, elected=(candidates[0],))
        return Result("fake", tuple(candidates), (candidates[0],), rounds=(round_,), seats=seats)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeCount:
    count = FakeCount()
    monkeypatch.setattr(tally_cli, "get_method", lambda name: count)
    return count


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_counts_a_json_file_with_its_own_method_seats_and_seed(tmp_path: Path, fake: FakeCount, capsys) -> None:
    path = write(tmp_path, "vote.json", '{"method": "irv", "seats": 2, "seed": "s", "candidates": ["A", "B"],'
                 ' "ballots": [{"ranking": ["B"], "weight": 0.42}, {"ranking": ["A"], "weight": "1/3"}]}')  # fmt: skip

    code = main([str(path), "--format", "json"])

    assert code == 0
    assert fake.calls[0]["seats"] == 2 and fake.calls[0]["seed"] == "s"
    assert fake.calls[0]["ballots"][0].weight == Fraction(21, 50)
    printed = json.loads(capsys.readouterr().out)
    assert printed["rounds"][0]["tally"] == {"A": "113/150"}
    assert printed["winners"] == ["A"]


def test_command_line_options_override_the_file(tmp_path: Path, fake: FakeCount) -> None:
    path = write(tmp_path, "vote.json", '{"method": "irv", "seats": 2, "seed": "s", "candidates": ["A"], "ballots": []}')

    code = main([str(path), "--method", "schulze", "--seats", "3", "--seed", "t"])

    assert code == 0
    assert (fake.calls[0]["seats"], fake.calls[0]["seed"]) == (3, "t")


def test_text_is_the_default_output(tmp_path: Path, fake: FakeCount, capsys) -> None:
    path = write(tmp_path, "vote.csv", "ranking,weight\nA > B,2\n")

    code = main([str(path), "--method", "irv"])

    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Method: fake\nCandidates: A, B\nSeats: 1\nWinner: A\n")
    assert "  A              2  elected" in out


def test_dash_reads_the_ballots_from_standard_input(monkeypatch: pytest.MonkeyPatch, fake: FakeCount) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"ranking\nA\nB > A\n")))

    code = main(["-", "--method", "borda"])

    assert code == 0
    assert fake.calls[0]["candidates"] == ("A", "B")


def test_a_file_with_no_method_and_no_option_is_a_clear_error(tmp_path: Path, fake: FakeCount, capsys) -> None:
    path = write(tmp_path, "vote.json", '{"candidates": ["A"], "ballots": []}')

    code = main([str(path)])

    assert code == 2
    assert capsys.readouterr().err == (
        f"concord tally: {path}: the file names no counting method; pass --method (one of: plurality, approval, "
        "score, star, irv, schulze, ranked_pairs, copeland, borda, stv_scottish, stv_meek)\n"
    )
    assert fake.calls == []


@pytest.mark.parametrize(
    ("name", "text", "options", "message"),
    [
        ("bad.json", '{"candidates": ["A"],\n "ballots": [\n  {"ranking": ["A"]},\n  {"ranking": ["A"] "weight": 2}]}',
         ["--method", "irv"], "line 4: not valid JSON: Expecting ',' delimiter (column 21)"),
        ("bad.json", '{"candidates": ["A", "B"],\n "ballots": [\n  {"scores": {"A": 1}}]}',
         ["--method", "irv"], "line 3: ballot 1 gives scores, but irv counts rankings"),
        ("bad.soc", "# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n4: 1\n",
         ["--method", "irv"], "line 3: the order ranks 1 of 2 alternatives in a soc file"),
        ("bad.csv", "ranking,weight\nA,1\nB,-1\n", ["--method", "irv"], "line 3: weight -1 is negative"),
        ("bad.blt", "2 1\n1 1 3 0\n0\n\"A\"\n\"B\"\n", ["--method", "stv_meek"], "line 2:"),
    ],
)  # fmt: skip
def test_bad_files_exit_2_naming_the_file_and_line(tmp_path: Path, fake: FakeCount, capsys, name, text, options, message) -> None:
    path = write(tmp_path, name, text)

    code = main([str(path), *options])

    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"concord tally: {path}: {message}")
    assert err.count("\n") == 1
    assert fake.calls == []


@pytest.mark.parametrize(
    "arguments",
    [["votes.json", "--method", "nope"], ["votes.json", "--seats", "0"], ["votes.json", "--format", "xml"], []],
)
def test_bad_arguments_exit_2(arguments: list[str], capsys) -> None:
    assert main(arguments) == 2
    assert "usage: concord tally" in capsys.readouterr().err


def test_help_exits_0(capsys) -> None:
    assert main(["--help"]) == 0
    assert "Concord JSON, BLT, PrefLib" in capsys.readouterr().out


def test_a_method_refusing_the_count_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    def refuse(ballots, *, candidates, seats=1, seed=None):
        raise ValueError("irv elects one candidate; use stv_scottish or stv_meek for 2 seats")

    monkeypatch.setattr(tally_cli, "get_method", lambda name: refuse)
    path = write(tmp_path, "vote.csv", "ranking\nA\n")

    code = main([str(path), "--method", "irv", "--seats", "2"])

    assert code == 2
    assert "irv elects one candidate" in capsys.readouterr().err


# End to end with the real counting methods and published results.


def test_schulze_elects_bdale_garbee_from_the_debian_2002_preflib_file(capsys) -> None:
    code = main([str(FORMATS / "debian-2002-leader.soi"), "--method", "schulze", "--format", "json"])

    printed = json.loads(capsys.readouterr().out)
    assert code == 0
    assert printed["winners"] == ["Bdale Garbee"]
    assert printed["rounds"][0]["data"]["pairwise"]["Bdale Garbee"]["Raphael Hertzog"] == "327"


@pytest.mark.parametrize("method", ["schulze", "ranked_pairs", "copeland"])
def test_condorcet_methods_elect_stefano_zacchiroli_from_the_debian_2010_preflib_file(method: str, capsys) -> None:
    code = main([str(FORMATS / "debian-2010-leader.toc"), "--method", method, "--format", "json"])

    assert code == 0
    assert json.loads(capsys.readouterr().out)["winners"] == ["Stefano Zacchiroli"]


@pytest.mark.parametrize("method", ["stv_scottish", "stv_meek"])
def test_stv_on_the_shetland_2017_blt_elects_the_official_councillors(method: str, capsys) -> None:
    official = json.loads(SHETLAND.with_suffix(".official.json").read_text())

    code = main([str(SHETLAND.with_suffix(".blt")), "--method", method, "--format", "json"])

    printed = json.loads(capsys.readouterr().out)
    assert code == 0
    assert printed["seats"] == 3
    assert sorted(printed["winners"]) == sorted(official["winners"])


def test_scottish_stv_json_stages_carry_the_official_shetland_totals(capsys) -> None:
    official = json.loads(SHETLAND.with_suffix(".official.json").read_text())

    main([str(SHETLAND.with_suffix(".blt")), "--method", "stv_scottish", "--format", "json"])

    stages = json.loads(capsys.readouterr().out)["rounds"]
    assert [stage["action"] for stage in stages] == [stage["action"] for stage in official["stages"]]
    for ours, theirs in zip(stages, official["stages"]):
        assert {name: parse_exact(total) for name, total in ours["tally"].items()} == {
            name: parse_exact(total) for name, total in theirs["totals"].items()
        }
        assert ours["elected"] == theirs["elected"]
        assert "exhausted" in ours and ours["explanation"]


def test_irv_rounds_carry_tally_exhausted_and_eliminated(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "vote.csv", "ranking,weight\nA,4\nB > C,3\nC,2\n")

    main([str(path), "--method", "irv", "--format", "json"])

    rounds = json.loads(capsys.readouterr().out)["rounds"]
    assert rounds[0]["tally"] == {"A": "4", "B": "3", "C": "2"}
    assert rounds[0]["eliminated"] == ["C"]
    assert rounds[1]["exhausted"] == "2"
    assert rounds[1]["tally"] == {"A": "4", "B": "3"}


def test_star_publishes_score_totals_and_the_runoff(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "vote.csv", "A,B,C,weight\n5,0,3,1\n0,5,4,1\n1,2,5,1\n")

    code = main([str(path), "--method", "star", "--format", "json"])

    printed = json.loads(capsys.readouterr().out)
    assert code == 0
    assert printed["winners"] == ["C"]
    assert printed["rounds"][0]["tally"] == {"A": "6", "B": "7", "C": "12"}
    assert printed["rounds"][1]["tally"] == {"B": "1", "C": "2"}


def test_the_issue_example_counts_with_approval_once_its_other_ballots_are_approvals(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "vote.json", '{"method": "approval", "candidates": ["A", "B", "C"], "ballots": ['
                 '{"approve": ["A", "C"], "weight": "2.5"}, {"approve": ["C"], "weight": 0.42}]}')  # fmt: skip

    code = main([str(path), "--format", "json"])

    printed = json.loads(capsys.readouterr().out)
    assert code == 0
    assert printed["winners"] == ["C"]
    assert printed["rounds"][0]["tally"]["C"] == "2.92"
