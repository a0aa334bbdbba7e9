"""The log page's witnesses: per member, up to which size it witnessed and how long ago, in every language."""

import re

import pytest

WORDS = {  # the heading, "Witnessed up to" and the quorum sentence, as app/locales has them
    "en": ("Witnesses", "Witnessed up to", "The charter asks for 2 member cosignatures.", "ago"),
    "ar": ("الشهود", "شُهد حتى", "يطلب الميثاق توقيعين مشتركين من عضوين.", "قبل"),
    "sv": ("Vittnen", "Bevittnad till och med", "Stadgan begär 2 medsignaturer från medlemmar.", "sedan"),
}


@pytest.mark.parametrize("locale", sorted(WORDS))
def test_the_log_page_shows_each_members_witness_in_the_visitors_language(demo_client, locale) -> None:
    page = demo_client.get("/c/wpn/log", headers={"Accept-Language": locale}).text

    section = page[page.index('id="witnesses"'):page.index('id="witnesses"') + 6000]
    heading, column, quorum, ago = WORDS[locale]
    assert heading in section and column in section and quorum in section
    rows = re.findall(r'<tr><th scope="row"><a href="/c/wpn/members#member-([a-z-]+)">', section)
    assert rows and set(rows) == {"baghdad-dialogue", "nuba-peace-mothers", "beirut-peace-lab"}
    assert section.count(ago) >= 3 and section.count("<time datetime=") == 3
    assert "/witness/beirut-peace-lab " in section  # the witnessed checkpoint with its cosignature lines
    assert "--witnesses 2" in page
