import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.formats.ballot_file import BallotFileError
from voting.formats.concord_json import read_concord_json
from voting.formats.writer import write_concord_json
from voting.types import ApprovalBallot, RankedBallot, ScoreBallot

DATA = Path(__file__).parent / "data" / "formats"


def error_of(text: str) -> BallotFileError:
    with pytest.raises(BallotFileError) as caught:
        read_concord_json(text)
    return caught.value


def test_issue_example_reads_all_three_ballot_kinds_with_exact_weights() -> None:
    text = (DATA / "issue-example.json").read_text()

    ballot_file = read_concord_json(text)

    assert ballot_file.method == "irv"
    assert ballot_file.seats == 1
    assert ballot_file.candidates == ("A", "B", "C")
    assert ballot_file.ballots == (
        RankedBallot((("A",), ("B", "C")), Fraction(12)),
        ApprovalBallot(frozenset({"A", "C"}), Fraction(5, 2)),
        ScoreBallot((("A", 5), ("B", 3)), Fraction(1)),
    )
    assert ballot_file.lines == (2, 3, 4)


def test_json_number_0_42_is_the_decimal_21_50_not_a_float() -> None:
    text = '{"candidates": ["A"], "ballots": [{"ranking": ["A"], "weight": 0.42}]}'

    weight = read_concord_json(text).ballots[0].weight

    assert weight == Fraction(21, 50)
    assert type(weight) is Fraction


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.1", Fraction(1, 10)),
        ('"0.1"', Fraction(1, 10)),
        ('"7/3"', Fraction(7, 3)),
        ("1e3", Fraction(1000)),
        ("1436.5", Fraction(2873, 2)),
        ("12345678901234567890.000000000000000000001", Fraction(12345678901234567890000000000000000000001, 10**21)),
        ("0", Fraction(0)),
    ],
)
def test_weights_are_read_exactly_from_numbers_and_strings(raw: str, expected: Fraction) -> None:
    text = f'{{"candidates": ["A"], "ballots": [{{"approve": ["A"], "weight": {raw}}}]}}'

    assert read_concord_json(text).ballots[0].weight == expected


def test_weight_defaults_to_one() -> None:
    text = '{"candidates": ["A"], "ballots": [{"approve": []}]}'

    assert read_concord_json(text).ballots[0].weight == 1


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_weights_are_refused_on_the_ballots_line(constant: str) -> None:
    text = '{"candidates": ["A"],\n "ballots": [\n  {"ranking": ["A"]},\n  {"ranking": ["A"], "weight": %s}]}' % constant

    error = error_of(text)

    assert error.line == 4
    assert "ballot 2" in str(error) and "not a finite number" in str(error)


def test_json_syntax_error_names_its_line_and_column() -> None:
    text = '{"candidates": ["A", "B"],\n "ballots": [\n  {"ranking": ["A"]}\n  {"ranking": ["B"]}\n]}'

    error = error_of(text)

    assert error.line == 4
    assert str(error) == "line 4: not valid JSON: Expecting ',' delimiter (column 3)"


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        ('{"ranking": ["A", "Z"]}', "unknown candidate 'Z' in \"ranking\""),
        ('{"ranking": ["A", ["B", "A"]]}', "candidate 'A' appears twice in \"ranking\""),
        ('{"ranking": ["A", []]}', '"ranking" has an empty group []'),
        ('{"ranking": "A"}', '"ranking" must be a list'),
        ('{"approve": ["A", "A"]}', "candidate 'A' appears twice in \"approve\""),
        ('{"scores": {"A": 4.5}}', "the score of 'A' must be a whole number, not 4.5"),
        ('{"scores": {"A": 1, "A": 2}}', "candidate 'A' is scored twice"),
        ('{"scores": {"Q": 1}}', "unknown candidate 'Q' in \"scores\""),
        ('{"ranking": ["A"], "approve": ["A"]}', "must have exactly one of ranking, approve, scores"),
        ('{"weight": 2}', "must have exactly one of ranking, approve, scores"),
        ('{"ranking": ["A"], "weight": -1}', "weight -1 is negative"),
        ('{"ranking": ["A"], "weight": "lots"}', "weight: 'lots' is not a number"),
        ('{"ranking": ["A"], "weight": true}', "weight: True is not a number"),
        ('{"ranking": ["A"], "wieght": 2}', "unknown key 'wieght'"),
        ('{"ranking": ["A"], "weight": 1, "weight": 2}', "key 'weight' appears twice"),
        ('["A", "B"]', "must be an object"),
    ],
)
def test_bad_ballot_is_refused_naming_its_line(ballot: str, message: str) -> None:
    text = '{\n  "candidates": ["A", "B"],\n  "ballots": [\n    {"ranking": ["B"]},\n    %s\n  ]\n}' % ballot

    error = error_of(text)

    assert error.line == 5
    assert str(error).startswith("line 5: ballot 2")
    assert message in str(error)


@pytest.mark.parametrize(
    ("document", "line", "message"),
    [
        ('[1, 2]', 1, "one object"),
        ('{\n"candidates": ["A"]\n}', 1, "no 'ballots' list"),
        ('{\n"ballots": []\n}', 1, "no 'candidates' list"),
        ('{\n"candidates": ["A"],\n"ballots": [],\n"metod": "irv"\n}', 4, "unknown key 'metod'"),
        ('{\n"candidates": ["A"],\n"ballots": [],\n"method": "instant"\n}', 4, "unknown method 'instant'"),
        ('{\n"candidates": ["A"],\n"ballots": [],\n"seats": 0\n}', 4, '"seats" must be a whole number of at least 1'),
        ('{\n"candidates": ["A"],\n"ballots": [],\n"seats": 1.0\n}', 4, '"seats" must be a whole number'),
        ('{\n"candidates": ["A", "A"],\n"ballots": []\n}', 2, "candidate 'A' is listed twice"),
        ('{\n"candidates": [],\n"ballots": []\n}', 2, "non-empty list"),
        ('{\n"candidates": ["A", ""],\n"ballots": []\n}', 2, "is not a name"),
        ('{\n"candidates": ["A"],\n"ballots": {}\n}', 3, '"ballots" must be a list'),
        ('{\n"candidates": ["A"],\n"ballots": [],\n"candidates": ["B"]\n}', 2, "key 'candidates' appears twice"),
        ('{\n"candidates": ["A"],\n"ballots": [],\n"title": 7\n}', 4, "'title' must be a string"),
    ],
)
def test_bad_file_settings_are_refused_naming_their_line(document: str, line: int, message: str) -> None:
    error = error_of(document)

    assert error.line == line
    assert message in str(error)


def test_ballot_lines_are_found_in_compact_and_indented_json() -> None:
    ballots = [{"ranking": ["A"]}, {"ranking": ["B", "A"], "weight": 2}, {"approve": ["A"]}]
    indented = json.dumps({"candidates": ["A", "B"], "ballots": ballots}, indent=2)
    compact = json.dumps({"candidates": ["A", "B"], "ballots": ballots})

    indented_lines = read_concord_json(indented).lines
    compact_lines = read_concord_json(compact).lines

    text_lines = indented.splitlines()
    assert [text_lines[line - 1].strip() for line in indented_lines] == ["{", "{", "{"]
    assert [text_lines[line].strip()[:9] for line in indented_lines] == ['"ranking"', '"ranking"', '"approve"']
    assert compact_lines == (1, 1, 1)


def test_strings_containing_brackets_and_escapes_do_not_confuse_line_finding() -> None:
    text = '{"title": "a [tricky] {\\"title\\"}",\n "candidates": ["[", "}"],\n "ballots": [\n  {"ranking": ["[", "}"]},\n  {"ranking": ["}"]}]}'

    ballot_file = read_concord_json(text)

    assert ballot_file.lines == (4, 5)
    assert ballot_file.title == 'a [tricky] {"title"}'


def test_unranked_candidates_and_an_empty_ranking_are_accepted() -> None:
    text = '{"candidates": ["A", "B"], "ballots": [{"ranking": []}, {"ranking": ["B"]}]}'

    ballots = read_concord_json(text).ballots

    assert [ballot.ranking for ballot in ballots] == [(), (("B",),)]


def test_byte_order_mark_and_seed_are_accepted() -> None:
    text = '\ufeff{"candidates": ["A"], "ballots": [], "seed": "draw-2025"}'

    assert read_concord_json(text).seed == "draw-2025"


names = st.sampled_from(["Ann", "Bo", "Cy", "Dee", "Éva", "李"])
weights = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(Fraction),
    st.fractions(min_value=0, max_value=1000),
    st.decimals(min_value=0, max_value=10**6, allow_nan=False, allow_infinity=False, places=4).map(Fraction),
)


@st.composite
def ballots(draw: st.DrawFn) -> object:
    kind = draw(st.sampled_from(["ranking", "approve", "scores"]))
    chosen = draw(st.lists(names, unique=True))
    weight = draw(weights)
    if kind == "approve":
        return ApprovalBallot(frozenset(chosen), weight)
    if kind == "scores":
        return ScoreBallot.of({name: draw(st.integers(-10, 10)) for name in chosen}, weight)
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(chosen) - 1)))))
    groups = [tuple(chosen[start:end]) for start, end in zip([0, *cuts], [*cuts, len(chosen)]) if chosen[start:end]]
    return RankedBallot(tuple(groups), weight)


@settings(max_examples=60, deadline=None)
@given(st.lists(ballots(), max_size=12), st.sampled_from([None, "irv", "stv_meek"]), st.integers(1, 5))
def test_writing_then_reading_concord_json_gives_back_the_same_ballots(ballot_list, method, seats) -> None:
    candidates = ["Ann", "Bo", "Cy", "Dee", "Éva", "李"]

    text = write_concord_json(ballot_list, candidates=candidates, method=method, seats=seats, title="Round trip")
    ballot_file = read_concord_json(text)

    assert ballot_file.ballots == tuple(ballot_list)
    assert (ballot_file.method, ballot_file.seats, ballot_file.title) == (method, seats, "Round trip")
    assert ballot_file.candidates == tuple(candidates)
    assert all(json.loads(text.splitlines()[line - 1].rstrip(",")) for line in ballot_file.lines)


@settings(max_examples=60, deadline=None)
@given(st.lists(ballots(), min_size=1, max_size=8), st.data())
def test_a_bad_candidate_in_any_ballot_is_reported_on_that_ballots_line(ballot_list, data) -> None:
    text = write_concord_json(ballot_list, candidates=["Ann", "Bo", "Cy", "Dee", "Éva", "李"])
    lines = text.splitlines()
    target = data.draw(st.integers(0, len(ballot_list) - 1))
    ballot_lines = [number for number, line in enumerate(lines, start=1) if line.startswith("    {")]
    wrong = ballot_lines[target]
    lines[wrong - 1] = '    {"approve": ["Nobody"]}' + ("," if lines[wrong - 1].endswith(",") else "")

    error = error_of("\n".join(lines))

    assert error.line == wrong
    assert f"ballot {target + 1}: unknown candidate 'Nobody'" in str(error)


def test_absurdly_nested_json_is_a_clear_error() -> None:
    error = error_of('{"candidates": ' + "[" * 100_000 + "]" * 100_000 + "}")

    assert "nested too deeply" in str(error)
