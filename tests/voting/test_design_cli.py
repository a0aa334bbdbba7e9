"""``concord design``: the JSON contract, text output, targets from the file's column, and refusals with exit 2."""

import json
from fractions import Fraction
from pathlib import Path

import pytest

import voting.design
from app.cli import main as concord
from voting.cli.design import main
from voting.power import Criterion, Game, analyze

PUBLIC = ["INDICES", "MEASURES", "TARGETS", "Candidate", "Constraints", "Design", "DesignError", "Fit", "Members", "Problem",
          "SearchResult", "baseline", "best_fit", "design", "evaluate_rule", "jagiellonian_compromise",
          "members_from_json", "members_from_text", "optimal_quota", "quota_fits", "search", "target_shares"]


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_public_names_are_pinned():
    assert sorted(voting.design.__all__) == sorted(PUBLIC)


def test_json_output_has_the_contracted_fields(tmp_path, capsys):
    path = write(tmp_path, "c.csv", "name,size\nFerry Co-op,400\nDock Union,100\nBakers,100\nTenants,25\n")

    code = concord(["design", path, "--target", "sqrt", "--index", "banzhaf", "--max-weight", "10", "--json",
                    "--evaluations", "80"])

    assert code == 0
    result = json.loads(capsys.readouterr().out)
    best = result["candidates"][0]
    assert set(best["weights"]) == {"Ferry Co-op", "Dock Union", "Bakers", "Tenants"}
    assert all(isinstance(w, int) and 1 <= w <= 10 for w in best["weights"].values())
    assert isinstance(best["quota"], int) and best["members_quota"] is None
    game = Game(tuple(best["weights"]), (Criterion(tuple(best["weights"].values()), best["quota"]),))
    assert {m.name: str(m.banzhaf) for m in analyze(game).members} == best["indices"]
    gaps = [Fraction(best["indices"][n]) - Fraction(best["targets"][n]) for n in best["weights"]]
    assert Fraction(best["max_deviation"]) == max(abs(g) for g in gaps)
    assert Fraction(best["sum_of_squares"]) == sum(g * g for g in gaps)


def test_double_majority_and_no_veto_from_a_json_file(tmp_path, capsys):
    members = [{"name": "A", "size": 60}, {"name": "B", "size": 20}, {"name": "C", "size": 15}, {"name": "D", "size": 5}]
    path = write(tmp_path, "c.json", json.dumps({"members": members}))

    code = main([path, "--target", "proportional", "--index", "shapley_shubik", "--double-majority", "--no-veto",
                 "--json", "--evaluations", "60", "--max-weight", "12"])

    result = json.loads(capsys.readouterr().out)
    assert code == 0
    for candidate in result["candidates"]:
        assert isinstance(candidate["members_quota"], int)
        assert candidate["veto"] == []


def test_explicit_shares_are_the_targets(tmp_path, capsys):
    path = write(tmp_path, "s.csv", "name,share\nA,1/2\nB,1/4\nC,1/4\n")

    main([path, "--target", "shares", "--json", "--max-weight", "4", "--evaluations", "40"])

    result = json.loads(capsys.readouterr().out)
    assert result["targets"] == {"A": "1/2", "B": "1/4", "C": "1/4"}


def test_text_output_lists_the_best_rule_member_by_member(tmp_path, capsys):
    path = write(tmp_path, "c.csv", "name,size\nA,9\nB,4\nC,1\n")

    main([path, "--target", "equal", "--max-weight", "5", "--evaluations", "30"])

    out = capsys.readouterr().out
    assert "largest deviation" in out and "A " in out and "search: " in out


@pytest.mark.parametrize(("text", "flags", "message"), [
    ("name,size\nA,1\nB,x\n", [], "value 2"),
    ("name,votes\nA,1\nB,2\n", [], "a name and a size"),
    ("name,size\nA,1\nB,2\n", ["--target", "shares"], "share column"),
    ('[{"name": "A", "size": 2.5}, {"name": "B", "size": 1}]', [], "decimals as strings"),
    ("name,size\nA,1\nA,2\n", [], "distinct"),
    ("name,size\nA,1\nB,2\n", ["--max-weight", "0"], "largest weight"),
    ("name,size\nA,1\nB,2\n", ["--max-share", "abc"], "--max-share"),
])
def test_bad_input_exits_2_with_a_message(tmp_path, capsys, text, flags, message):
    path = write(tmp_path, "bad.csv", text)

    code = main([path, *flags])

    assert code == 2
    assert message in capsys.readouterr().err


def test_a_missing_file_exits_2(tmp_path, capsys):
    assert main([str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv" in capsys.readouterr().err


def test_given_weights_get_the_quota_a_brute_force_over_every_quota_finds(tmp_path, capsys):
    path = write(tmp_path, "w.csv", "name,size,weight\nA,81,9\nB,49,7\nC,25,5\nD,9,3\nE,4,2\nF,1,1\n")
    targets = [Fraction(v, 27) for v in (9, 7, 5, 3, 2, 1)]
    weights = (9, 7, 5, 3, 2, 1)

    code = main([path, "--target", "sqrt", "--given-weights", "--measure", "squares", "--json"])

    best = json.loads(capsys.readouterr().out)["candidates"][0]
    assert code == 0 and best["weights"] == dict(zip("ABCDEF", weights))
    squares = {}
    for quota in range(14, 28):  # more than half of 27
        report = analyze(Game(tuple("ABCDEF"), (Criterion(weights, quota),)))
        squares[quota] = sum((m.banzhaf - t) ** 2 for m, t in zip(report.members, targets))
    assert best["quota"] == min(squares, key=lambda q: (squares[q], q))
    assert Fraction(best["sum_of_squares"]) == squares[best["quota"]]


def test_given_weights_need_a_weight_column(tmp_path, capsys):
    path = write(tmp_path, "w.csv", "name,size\nA,1\nB,2\n")

    assert main([path, "--given-weights"]) == 2
    assert "weight column" in capsys.readouterr().err
