"""Published power indices of real councils, the CLI, the what-if helpers and the Monte Carlo labels."""

import json
from fractions import Fraction
from pathlib import Path

import pytest

from voting.power import (
    Criterion,
    ExactTooSlow,
    Game,
    PowerError,
    analyze,
    banzhaf,
    is_winning,
    jagiellonian_quota,
    monte_carlo,
    penrose_weights,
    pivotal_members,
    quota_from_share,
    swing_counts,
    weighted_game,
)
from voting.cli.power import game_from_json, main

GOLDEN = json.loads((Path(__file__).parent / "data" / "power" / "golden.json").read_text())["cases"]


@pytest.mark.parametrize("case", GOLDEN, ids=[case["id"] for case in GOLDEN])
def test_published_council_indices_are_reproduced_exactly(case: dict) -> None:
    game = game_from_json(case)

    report = analyze(game)

    for key in ("banzhaf", "shapley_shubik"):
        if key in case:
            assert [str(getattr(m, key)) for m in report.members] == case[key]
    if "swings" in case:
        assert [m.swings for m in report.members] == case["swings"]
    assert list(report.dummies) == case["dummies"]
    assert list(report.veto) == case["veto"]
    for key in ("winning_coalitions", "minimal_winning_coalitions"):
        if key in case:
            assert getattr(report, key) == case[key]


def test_eec_1958_collective_measures_match_a_hand_count() -> None:
    report = analyze(weighted_game([4, 4, 4, 2, 2, 1], 12))

    assert report.coleman_act == Fraction(14, 64)
    assert report.smallest_winning == 3
    assert report.smallest_blocking == 2
    assert report.members[0].coleman_prevent == Fraction(10, 14)
    assert report.members[0].coleman_initiate == Fraction(10, 50)


def test_weights_as_decimals_are_scaled_exactly_not_rounded() -> None:
    decimal_game = weighted_game(["0.4", "0.4", "0.4", "0.2", "0.2", "0.1"], "1.2")

    report = analyze(decimal_game)

    assert report.dummies == ("F",)
    assert report.scales == (Fraction(10),)
    assert banzhaf(decimal_game) == banzhaf(weighted_game([4, 4, 4, 2, 2, 1], 12))


def test_a_dictator_holds_all_power_and_everyone_else_is_a_dummy() -> None:
    report = analyze(weighted_game([51, 30, 19], 51))

    assert report.dictator == "A"
    assert [str(m.shapley_shubik) for m in report.members] == ["1", "0", "0"]
    assert report.dummies == ("B", "C")
    assert report.veto == ("A",)


def test_quota_above_the_total_reports_undefined_indices_instead_of_dividing_by_zero() -> None:
    report = analyze(weighted_game([3, 2], 6))

    assert report.winning_coalitions == 0
    assert all(m.banzhaf is None and m.shapley_shubik is None for m in report.members)
    assert report.smallest_winning is None and report.smallest_blocking == 0
    assert report.undefined


def test_quota_of_zero_lets_the_empty_coalition_win_and_nobody_has_power() -> None:
    report = analyze(weighted_game([3, 2], 0))

    assert report.minimal_winning_coalitions == 1
    assert report.smallest_blocking is None
    assert all(m.shapley_shubik is None and m.coleman_initiate is None for m in report.members)


def test_eu_style_clause_lets_any_coalition_with_fewer_than_k_against_win() -> None:
    game = Game(("A", "B", "C", "D", "E"), (Criterion((60, 10, 10, 10, 10), 65),), min_no_to_block=2)

    assert is_winning(game, ["B", "C", "D", "E"])
    assert not is_winning(game, ["B", "C", "D"])
    assert analyze(game).veto == ()


def test_pivotal_members_are_those_whose_switch_flips_the_outcome() -> None:
    game = weighted_game([4, 4, 4, 2, 2, 1], 12, ["FR", "DE", "IT", "BE", "NL", "LU"])

    assert pivotal_members(game, ["FR", "DE", "IT"]) == ("FR", "DE", "IT")
    assert pivotal_members(game, ["FR", "DE", "BE", "NL", "LU"]) == ("FR", "DE", "BE", "NL")


def test_quota_from_share_gives_the_least_exact_quota() -> None:
    assert quota_from_share([4, 3, 2, 1], Fraction(1, 2), strict=True) == 6
    assert quota_from_share([4, 3, 2, 1], Fraction(1, 2), strict=False) == 5
    assert quota_from_share(["0.5", "0.25"], Fraction(2, 3), strict=False) == Fraction(1, 2)


def test_bad_input_raises_a_value_error_a_person_can_act_on() -> None:
    with pytest.raises(PowerError, match="weights for"):
        Game(("A", "B"), (Criterion((1,), 1),))
    with pytest.raises(PowerError, match="negative"):
        weighted_game([1, -1], 1)
    with pytest.raises(ValueError, match="float"):
        weighted_game([0.5, 1], 1)


def test_penrose_weights_and_jagiellonian_quota_state_their_rounding() -> None:
    weights = penrose_weights([1_000_000, 250_000, 10_000], places=0)

    quota = jagiellonian_quota(weights.weights, places=4)

    assert weights.weights == (1000, 500, 100)
    assert "nearest 1" in weights.rounding
    assert quota.share == (1 + Fraction(11224973, 10000) / 1600) / 2
    assert "rounded up" in quota.rounding


def test_exact_limit_raises_too_slow_so_the_caller_can_estimate() -> None:
    game = weighted_game(list(range(1, 301)), 22576)

    with pytest.raises(ExactTooSlow):
        analyze(game, exact_limit_seconds=0.001)


def test_monte_carlo_is_labelled_approximate_and_brackets_the_exact_value() -> None:
    game = weighted_game([4, 4, 4, 2, 2, 1], 12)

    estimate = monte_carlo(game, samples=4000, seed=7)

    assert estimate.exact is False and "approximate" in estimate.to_dict()["label"]
    assert estimate.shapley_shubik[0].low <= Fraction(7, 30) <= estimate.shapley_shubik[0].high
    assert estimate.penrose[5].value == 0
    assert estimate == monte_carlo(game, samples=4000, seed=7)


def test_cli_json_gives_exact_fraction_strings(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--weights", "4,3,2,1", "--quota", "6", "--json"])

    output = json.loads(capsys.readouterr().out)
    assert code == 0
    assert output["banzhaf"] == {"A": "5/12", "B": "1/4", "C": "1/4", "D": "1/12"}
    assert output["swings"] == {"A": 5, "B": 3, "C": 3, "D": 1}
    assert output["dummies"] == [] and output["veto"] == []


def test_cli_reads_a_game_file_with_two_criteria(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = next(c for c in GOLDEN if c["id"] == "un_security_council_1965_two_criteria")
    path = tmp_path / "unsc.json"
    path.write_text(json.dumps({"names": case["names"], "criteria": case["criteria"]}))

    code = main([str(path), "--json"])

    output = json.loads(capsys.readouterr().out)
    assert code == 0
    assert output["shapley_shubik"]["P1"] == "421/2145"


def test_cli_text_lists_every_measure_and_rejects_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--weights", "4,4,4,2,2,1", "--quota", "12", "--names", "FR,DE,IT,BE,NL,LU"]) == 0
    text = capsys.readouterr().out
    assert "dummies (no power at all): LU" in text and "23.3%" in text and "7/30" not in text
    assert main(["--weights", "4,4,4,2,2,1", "--quota", "12", "--exact"]) == 0 and "7/30" in capsys.readouterr().out

    assert main(["--weights", "1,x", "--quota", "1"]) == 2
    assert "not a number" in capsys.readouterr().err


def test_swing_counts_fast_path_agrees_with_the_full_analysis() -> None:
    game = weighted_game([9, 7, 7, 4, 3, 0, 2, 2], "17.5")

    assert swing_counts(game) == tuple(m.swings for m in analyze(game).members)
