"""The verifier opens each published text against its commitment: a changed, misplaced or erased text fails."""

import copy

import pytest
from fastapi.testclient import TestClient

from governance.log.sources import read_archive_bytes
from governance.log.verify import VerifyError, check_texts, verify_log
from tests.deliberation.support import comment, discussed


@pytest.fixture
def exported(client: TestClient):  # noqa: ANN201
    fixture, number = discussed(client)
    kept = comment(client, fixture, number, "north", "Kept.").json()
    gone = comment(client, fixture, number, "south", "Gone.").json()
    client.post(fixture.url(f"/proposals/{number}/amendments"), headers=fixture.reps["east"],
                json={"title": "A better title", "body": "Details."})
    client.post(fixture.url(f"/proposals/{number}/amendments/1/accept"), headers=fixture.admin)
    client.post(fixture.url(f"/comments/{gone['number']}/erase"), headers=fixture.admin, json={"reason": "Request"})
    source = read_archive_bytes(client.get(fixture.url("/log/export")).content)
    key = client.get(fixture.url("/log/key")).text.strip()
    report = verify_log(source.entries, source.checkpoint, key, texts=source.texts)
    return report.state, source.texts, kept["log_index"], gone["log_index"]


def test_the_untouched_export_verifies_every_text(exported) -> None:
    state, texts, _, _ = exported

    assert check_texts(state, texts) == 2


def test_a_changed_text_fails_its_commitment(exported) -> None:
    state, texts, kept, _ = exported
    forged = copy.deepcopy(texts)
    next(t for t in forged if t["index"] == kept)["text"]["text"] = "Kept, and more."

    with pytest.raises(VerifyError, match="does not match the commitment") as failure:
        check_texts(state, forged)
    assert failure.value.kind == "text" and failure.value.index == kept


def test_an_erased_text_published_again_fails(exported) -> None:
    state, texts, _, gone = exported
    salt = texts[0]["salt"]

    with pytest.raises(VerifyError, match="was erased"):
        check_texts(state, [*texts, {"index": gone, "salt": salt, "text": {"text": "Gone."}}])


def test_a_text_at_an_entry_without_a_commitment_fails(exported) -> None:
    state, texts, _, _ = exported

    with pytest.raises(VerifyError, match="commits to no text"):
        check_texts(state, [{**texts[0], "index": 0}])


def test_a_merged_amendment_must_be_the_text_its_author_proposed(exported) -> None:
    state, texts, _, _ = exported
    amendment = next(a for a in state.amendments.values() if a.merged)
    amendment.merged = {**amendment.merged, "title": "Something else"}

    with pytest.raises(VerifyError, match="merged is not the text"):
        check_texts(state, texts)
