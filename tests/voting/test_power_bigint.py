"""gmpy2 is only a speed-up: every power computation gives identical exact results with mpz and with plain ints."""

import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.voting.test_power_double import random_double_majority
from tests.voting.test_power_properties import counted_double_majorities, double_criterion_games, games
from voting.bigint import backend, big, pure_integers, use_gmpy
from voting.power import Criterion, Game, analyze, pure_swings, swing_counts, weighted_game
from voting.power.count import _count_by_box, _count_by_complements, _count_by_rows
from voting.power.game import integer_game

pytest.importorskip("gmpy2")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def gmpy_on():
    use_gmpy(True)
    yield
    use_gmpy(True)


def with_and_without_gmpy(compute):
    """``compute()`` with mpz tables, then with the built-in int only."""
    assert backend() == "gmpy2"
    fast = compute()
    with pure_integers():
        assert backend() == "int"
        pure = compute()
    return fast, pure


def table_counts(game: Game) -> list:
    """Raw counts of every table engine that applies to ``game`` (rows, complements, box)."""
    integer = integer_game(game)
    engines = {1: [_count_by_rows, _count_by_complements], 2: [_count_by_box]}.get(len(integer.weighted), [])
    if not integer.weighted:
        engines = [_count_by_rows]
    return [engine(integer) for engine in engines]


def all_python_ints(counts) -> bool:
    values = [v for row in counts.swings_by_size for v in row] + list(counts.winning_by_size)
    return all(type(v) is int for v in values) and type(counts.minimal_winning) in (int, type(None))


@settings(max_examples=40, deadline=None)
@given(st.one_of(games(max_members=12), counted_double_majorities(), double_criterion_games()))
def test_reports_and_raw_counts_are_identical_with_and_without_gmpy(game: Game) -> None:
    fast, pure = with_and_without_gmpy(lambda: (analyze(game), swing_counts(game), table_counts(game)))

    assert fast == pure
    assert all(all_python_ints(counts) for counts in fast[2])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 300), min_size=1, max_size=160), st.data())
def test_the_banzhaf_polynomial_is_identical_with_and_without_gmpy(ws, data) -> None:
    quota = data.draw(st.integers(1, sum(ws) + 1))

    fast, pure = with_and_without_gmpy(lambda: pure_swings(ws, quota))

    assert fast == pure
    assert all(type(count) is int for count in fast.values())


@pytest.mark.parametrize(
    "game",
    [
        weighted_game([random.Random(3).randint(0, 60) for _ in range(90)], Fraction(1300, 1)),
        weighted_game([random.Random(4).randint(1, 40) for _ in range(120)], Fraction(2 * 1230, 3)),
        random_double_majority(70, 30, 5, counted=True),
        random_double_majority(45, 12, 6, counted=False),
    ],
    ids=["rows-90", "rows-120-fractional-quota", "member-count-70", "two-weights-45"],
)
def test_large_tables_are_identical_with_and_without_gmpy(game: Game) -> None:
    fast, pure = with_and_without_gmpy(lambda: (analyze(game), swing_counts(game), table_counts(game)))

    assert fast == pure
    assert all(type(m.swings) is int and type(m.shapley_shubik) is Fraction for m in fast[0].members)


def test_a_member_count_criterion_and_the_eu_clause_on_a_large_table() -> None:
    ws = tuple(random.Random(8).randint(0, 25) for _ in range(80))
    criteria = (Criterion((1,) * 80, 44), Criterion(ws, sum(ws) * Fraction(13, 20)))
    game = Game(tuple(f"m{i}" for i in range(80)), criteria, 5)

    fast, pure = with_and_without_gmpy(lambda: (analyze(game), table_counts(game)))

    assert fast == pure


def test_the_environment_variable_forces_plain_ints_and_voting_runs_without_gmpy2() -> None:
    script = (
        "import sys; sys.modules['gmpy2'] = None\n"
        "from voting.bigint import backend, gmpy_available\n"
        "from voting.power import analyze, weighted_game\n"
        "report = analyze(weighted_game([9, 7, 5, 3, 1] * 9, 60))\n"
        "print(backend(), gmpy_available(), [str(m.shapley_shubik) for m in report.members])\n"
    )
    forced = "from voting.bigint import backend; print(backend())"

    without = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    environment = subprocess.run([sys.executable, "-c", forced], cwd=ROOT, capture_output=True, text=True, check=True,
                                 env={"CONCORD_NO_GMPY": "1", "PATH": "/usr/bin:/bin"})
    here = analyze(weighted_game([9, 7, 5, 3, 1] * 9, 60))

    assert without.stdout.split(" ", 2)[:2] == ["int", "False"]
    assert without.stdout.split(" ", 2)[2].strip() == str([str(m.shapley_shubik) for m in here.members])
    assert environment.stdout.strip() == "int"
    assert type(big(1)).__name__ == "mpz"
