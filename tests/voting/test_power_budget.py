"""Exact power within a memory budget: the residue engine counts exactly what the table engines count, the budget
picks it or, past it, the Monte Carlo estimate says so, in the command as well."""

import importlib.util
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.bigint import pure_integers
from voting.cli.power import main
from voting.power import ExactTooBig, analyze, weighted_game
from voting.power.count import _count_by_complements, _count_by_residues, _count_by_rows, estimate_bytes
from voting.power.game import IntegerGame, integer_game
from voting.power.residues import pass_moduli

ROOT = Path(__file__).resolve().parents[2]


@st.composite
def single_criterion_games(draw: st.DrawFn) -> IntegerGame:
    n = draw(st.integers(1, 22))
    ws = tuple(draw(st.lists(st.integers(0, draw(st.sampled_from([3, 40, 300]))), min_size=n, max_size=n)))
    quota = draw(st.integers(1, max(1, sum(ws))))
    size_min = draw(st.sampled_from([0, draw(st.integers(0, n + 1))]))
    clause_min = draw(st.sampled_from([n + 1, draw(st.integers(0, n + 1))]))
    return IntegerGame(n, size_min, clause_min, ((ws, quota),), (Fraction(1),))


@settings(max_examples=60, deadline=None)
@given(single_criterion_games(), st.integers(1, 4))
def test_counting_by_residues_equals_the_table_engines(game: IntegerGame, passes: int) -> None:
    rows, complements = _count_by_rows(game), _count_by_complements(game)

    lean = _count_by_residues(game, passes)

    assert lean.swings_by_size == rows.swings_by_size == complements.swings_by_size
    assert lean.winning_by_size == rows.winning_by_size == complements.winning_by_size


def test_counting_by_residues_with_plain_integers_equals_gmpy2() -> None:
    game = integer_game(weighted_game([(37 * i) % 97 + 1 for i in range(40)], 1500))

    with pure_integers():
        plain = _count_by_residues(game, 3)
    default = _count_by_residues(game, 3)

    assert plain.swings_by_size == default.swings_by_size == _count_by_rows(game).swings_by_size


def test_moduli_are_coprime_and_cover_every_count() -> None:
    for members in (1, 27, 193, 500):
        for passes in range(1, 7):
            bits = [b for b, _ in pass_moduli(members, passes)]

            assert len(set(bits)) == passes and sum(bits) > members
            assert all(b > 1 and all(b % d for d in range(2, b)) for b in bits)


def test_more_passes_need_less_memory_than_the_table_engine() -> None:
    game = integer_game(weighted_game([(37 * i) % 997 + 1 for i in range(120)], 40_000))

    needs = [estimate_bytes(game, f"residues{passes}") for passes in (1, 2, 3)]

    assert estimate_bytes(game, "complements") > needs[0] > needs[1] > needs[2]


def test_a_budget_below_the_table_engine_counts_by_residues_with_the_same_indices() -> None:
    game = weighted_game([(37 * i) % 997 + 1 for i in range(60)], 20_000)
    integer = integer_game(game)
    budget = int(estimate_bytes(integer, "residues2")) + 1

    lean, full = analyze(game, memory_bytes=budget), analyze(game)

    assert budget < estimate_bytes(integer, "complements")
    assert lean.method.startswith("dynamic programming modulo 2 coprime numbers")
    assert [m.shapley_shubik for m in lean.members] == [m.shapley_shubik for m in full.members]
    assert [m.banzhaf for m in lean.members] == [m.banzhaf for m in full.members]


def test_a_budget_too_small_for_any_exact_method_says_what_it_would_need() -> None:
    game = weighted_game([(37 * i) % 997 + 1 for i in range(60)], 20_000)

    with pytest.raises(ExactTooBig, match="would need about .* MB of memory") as raised:
        analyze(game, memory_bytes=1000)

    assert raised.value.needed > 1000 and raised.value.limit == 1000


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


SIXTY = ["--weights", ",".join(str((37 * i) % 997 + 1) for i in range(60)), "--quota", "20000", "--samples", "300"]


def test_the_command_past_its_budget_prints_an_estimate_that_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, *SIXTY, "--memory-mb", "1", "--json")

    body = json.loads(out)
    assert code == 0
    assert body["exact"] is False
    assert body["note"].startswith("estimated, +/-") and "points; the exact count needs about" in body["note"]
    assert "`concord power --memory-mb " in body["note"]
    assert body["exact_memory_bytes"] > body["memory_limit_bytes"] == 1 << 20


def test_the_command_reads_its_budget_from_the_environment(capsys, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("CONCORD_POWER_MEMORY_MB", "1")

    code, out, _ = run_cli(capsys, *SIXTY)

    assert code == 0
    assert out.startswith("estimated, +/-")
    assert "Monte Carlo" in out.splitlines()[-1]


def test_the_command_within_its_budget_is_exact(capsys, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("CONCORD_POWER_MEMORY_MB", "1")

    code, out, _ = run_cli(capsys, *SIXTY, "--memory-mb", "64", "--json")

    assert code == 0 and json.loads(out)["exact"] is True


@pytest.mark.parametrize("value", ["lots", "-5", "0"])
def test_a_budget_that_is_not_a_positive_whole_number_is_refused(capsys, monkeypatch, value: str) -> None:  # noqa: ANN001
    monkeypatch.setenv("CONCORD_POWER_MEMORY_MB", value)

    code, _, err = run_cli(capsys, *SIXTY)

    assert code == 2
    assert "megabytes" in err or "at least 1 MB" in err


def test_the_acceptance_case_file_is_what_its_generator_draws() -> None:
    spec = importlib.util.spec_from_file_location("pareto_case", ROOT / "bench" / "pareto_case.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    stored = json.loads(module.PATH.read_text(encoding="utf-8"))

    assert stored == module.pareto_case()
    weights = stored["criteria"][0]["weights"]
    assert len(weights) == 193 and sum(weights) == 778_411 and stored["criteria"][0]["quota"] == 518_941
