"""Random Unicode (bidirectional controls, HTML, Markdown) posted as comments: the page escapes it, the log's
commitment opens with the text the export publishes."""

import re

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from governance.log.commitments import text_commitment
from tests.app.support import log_events
from tests.deliberation.support import comment, discussed, exported_texts

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", "\"'&<>",
           "<a href='http://evil'>", "**b** _i_", "<iframe>", "</textarea>", "{{ 7*7 }}", "\u202egnp.exe", "\n\n- "]
TEXTS = st.lists(st.one_of(st.sampled_from(HOSTILE), st.sampled_from(list(BIDI)),
                           st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)),
                 min_size=1, max_size=8).map("".join).filter(lambda text: text.strip())
UNSAFE_MARKUP = re.compile(r"<(script|iframe|img)\b|<[^>]*\son\w+=|href=[\"']?\s*javascript:", re.IGNORECASE)


def test_hostile_comments_are_escaped_and_their_commitments_verify(client: TestClient) -> None:
    fixture, number = discussed(client)
    client.app.state.post_limiter.limit = 10_000

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(text=TEXTS)
    def escaped_and_committed(text: str) -> None:
        posted = comment(client, fixture, number, "north", text)
        assert posted.status_code == 201, posted.text
        page = client.get(f"/c/{fixture.slug}/comments/{posted.json()['number']}").text
        proposal_page = client.get(f"/c/{fixture.slug}/proposals/{number}").text
        main = page.split('<main id="main"', 1)[1] + proposal_page.split('<main id="main"', 1)[1]
        assert not UNSAFE_MARKUP.search(main)
        assert str(escape(text.strip())) in page  # the history shows the text itself, escaped
        event = log_events(client.app.state.engine, fixture.slug)[-1]
        published = {t["index"]: t for t in exported_texts(client, fixture)}[posted.json()["log_index"]]
        assert published["text"] == {"text": text.strip()}
        assert text_commitment(salt=published["salt"], content=published["text"]) == event["body"]["commitment"]

    escaped_and_committed()
