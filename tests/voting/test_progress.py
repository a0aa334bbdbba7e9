"""Long CLI work shows its progress on standard error to a person at a terminal, never into a pipe or JSON."""

import io
import sys
from pathlib import Path

import pytest

from voting import progress
from voting.cli.power import main as power_main
from voting.cli.tally import main as tally_main
from voting.power import analyze, weighted_game
from voting.power.count import estimate_bytes
from voting.power.game import integer_game


class Recorder:
    """A listener that keeps every (phase, done, total) it is told."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.seen.append((done, total))


def phases(seen: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The records cut where a new phase starts (done back at 0)."""
    cut: list[list[tuple[int, int]]] = []
    for done, total in seen:
        if done == 0:
            cut.append([])
        cut[-1].append((done, total))
    return cut


GAMES = {
    "enumeration": (weighted_game([5, 4, 3, 3, 2, 1, 1], 10), None),
    "table": (weighted_game([(37 * i) % 97 + 1 for i in range(40)], 1200), None),
    "residues": (weighted_game([(37 * i) % 997 + 1 for i in range(60)], 20_000), "residues2"),
}


@pytest.mark.parametrize("name", GAMES)
def test_every_phase_of_a_power_count_runs_from_zero_to_its_total(name: str) -> None:
    game, engine = GAMES[name]
    budget = int(estimate_bytes(integer_game(game), engine)) + 1 if engine else None
    recorder = Recorder()

    with progress.reporting(recorder):
        watched = analyze(game, memory_bytes=budget)

    assert watched.members == analyze(game, memory_bytes=budget).members
    assert phases(recorder.seen) and all(part[-1][0] == part[-1][1] for part in phases(recorder.seen))
    assert all(done <= total for done, total in recorder.seen)
    assert all([d for d, _ in part] == sorted(d for d, _ in part) for part in phases(recorder.seen))


def test_without_a_listener_nothing_is_reported_and_tracked_items_pass_unchanged() -> None:
    assert list(progress.tracked(range(10_000), every=7)) == list(range(10_000))
    progress.phase("nobody listens", 3)
    progress.advance()


def test_a_bar_is_drawn_only_for_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert progress.terminal_bar(io.StringIO(), unit="x") is None
    assert progress.terminal_bar(io.StringIO(), unit="x", force=True) is not None
    assert progress.terminal_bar(Terminal(), unit="x") is not None


def test_concord_power_at_a_terminal_shows_each_phase_and_the_same_table(capsys, monkeypatch) -> None:  # noqa: ANN001
    flags = ["--weights", ",".join(str((37 * i) % 97 + 1) for i in range(40)), "--quota", "1200"]
    assert power_main(flags) == 0
    piped = capsys.readouterr()
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)

    assert power_main(flags) == 0
    watched = capsys.readouterr()
    assert power_main([*flags, "--json"]) == 0
    as_json = capsys.readouterr()

    assert piped.err == "" and as_json.err == ""
    assert watched.out == piped.out
    assert "adding members [##############################] 40/40 members" in watched.err
    assert "each member's swings [" in watched.err and watched.err.endswith("\n")


def test_concord_tally_at_a_terminal_shows_ballots_read_and_rounds(tmp_path: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    rows = ["A > B > C", "B > C > A", "C > A > B", "A > C", "B > A"] * 2000
    path = tmp_path / "ballots.csv"
    path.write_text("ranking\n" + "\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)

    assert tally_main([str(path), "--method", "irv"]) == 0
    watched = capsys.readouterr()
    assert tally_main([str(path), "--method", "irv", "--format", "json"]) == 0
    as_json = capsys.readouterr()

    assert "reading ballots [##############################] 10,000/10,000 ballots" in watched.err
    assert "counting [" in watched.err and "/2 rounds" in watched.err
    assert as_json.err == ""
