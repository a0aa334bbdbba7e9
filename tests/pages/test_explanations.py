"""Every result is explained from its stored fields in the visitor's language, for every method; the recorded
English stays beside it, labelled."""

import re

import pytest

from app.pages.explain import explain_result
from app.pages.words import METHOD_NAMES
from app.templating import translator
from governance.log.recount import count_ballot

ELIGIBLE = [{"member": m, "name": m.title(), "weight": w} for m, w in (("north", "3"), ("south", "2"), ("east", "1.5"))]
OPTIONS = ["Peace", "Aid", "Justice"]
RANKED = {"north": ["Peace", "Aid", "Justice"], "south": ["Aid", "Peace", "Justice"], "east": ["Peace", "Justice", "Aid"]}


def ballot_of(method: str) -> dict:
    """The three members' votes in the shape ``method`` takes."""
    if method == "plurality":
        return {m: {"option": order[0]} for m, order in RANKED.items()}
    if method == "approval":
        return {m: {"approve": order[:2]} for m, order in RANKED.items()}
    if method in ("score", "star"):
        return {m: {"scores": dict(zip(order, [5, 2, 0], strict=True))} for m, order in RANKED.items()}
    return {m: {"ranking": order} for m, order in RANKED.items()}


def arabic_only(sentences: list[str], names: list[str]) -> bool:
    """Every sentence is Arabic apart from the names it quotes: no English word left over."""
    for sentence in sentences:
        rest = sentence
        for name in names:
            rest = rest.replace(name, "")
        if re.search(r"[A-Za-z]{3,}", rest) or not re.search("[\u0600-\u06ff]", sentence) or "%(" in sentence:
            return False
    return True


@pytest.mark.parametrize("method", sorted(METHOD_NAMES))
def test_every_method_is_explained_in_arabic_and_names_its_winners(method) -> None:
    seats = 2 if method.startswith("stv") else 1
    rule = {"type": "method", "method": method, "counting": "weighted", "quorum_members": "1/2"}
    result = {"kind": "method", **count_ballot(rule=rule, eligible=ELIGIBLE, votes=ballot_of(method), options=OPTIONS,
                                               seats=seats, seed="ab")}
    arabic, _ = translator("ar")
    english, _ = translator("en")

    said = explain_result(arabic, result, "ar")
    told = explain_result(english, result, "en")

    assert arabic_only(said, [*OPTIONS, "STAR"])  # the method's own name
    assert all(winner in " ".join(said) and winner in " ".join(told) for winner in result["winners"])


@pytest.mark.parametrize(("counting", "votes"), [
    ("equal", {"north": "yes", "south": "no", "east": "yes"}),
    ("weighted", {"north": "yes", "south": "no", "east": "abstain"}),
    ("double", {"north": "no", "south": "yes", "east": "yes"}),
    ("double", {"north": "yes"}),
])
def test_a_yes_no_result_is_explained_with_the_recorded_numbers_in_both_languages(counting, votes) -> None:
    threshold = {"fraction": "1/2", "strict": True, "base": "yes_no"}
    rule = {"type": "majority", "counting": counting, "member_threshold": threshold, "weight_threshold": threshold,
            "quorum_members": "2/3"}
    result = count_ballot(rule=rule, eligible=ELIGIBLE, votes={m: {"choice": c} for m, c in votes.items()})
    arabic, _ = translator("ar")
    english, _ = translator("en")

    said = explain_result(arabic, result, "ar")
    told = " ".join(explain_result(english, result, "en"))

    assert arabic_only(said, [])
    for criterion in result["quorum"] + (result["criteria"] if result["outcome"] != "no_quorum" else []):
        recorded = re.sub(r"about |; needed.*|, needed.*", "", criterion["explanation"])  # the counts said the same
        assert recorded.split(" (")[0].lower() in told.lower(), (recorded, told)


def test_the_proposal_page_explains_in_arabic_and_keeps_the_recorded_english(demo_client) -> None:
    page = demo_client.get("/c/wpn/proposals/2", headers={"Accept-Language": "ar"}).text

    explained = re.search(r'<ul class="explanation">(.*?)</ul>', page, re.S).group(1)

    assert "صوّت بنعم" in explained and "والمطلوب" in explained
    assert '<details><summary>الشرح كما سُجّل، بالإنجليزية</summary><p lang="en" dir="ltr">Rejected:' in page


@pytest.mark.parametrize("method", sorted(METHOD_NAMES))
def test_every_method_is_explained_in_swedish_sentence_by_sentence(method) -> None:
    seats = 2 if method.startswith("stv") else 1
    rule = {"type": "method", "method": method, "counting": "weighted", "quorum_members": "1/2"}
    result = {"kind": "method", **count_ballot(rule=rule, eligible=ELIGIBLE, votes=ballot_of(method), options=OPTIONS,
                                               seats=seats, seed="ab")}
    swedish, _ = translator("sv")
    english, _ = translator("en")

    said = explain_result(swedish, result, "sv")
    told = explain_result(english, result, "en")

    assert len(said) == len(told) and not any("%(" in sentence for sentence in said)
    assert [s for s, t in zip(said, told, strict=True) if s == t and re.search(r"[a-z]{4,}", s)] == []
    assert all(winner in " ".join(said) for winner in result["winners"])
