"""The rule designer's pages: the form, a search in the background shown when done, refusals, Arabic."""

import re
from fractions import Fraction

import pytest

from app.design_jobs import jobs_of
from tests.app.design_kit import design_runs
from tests.factories import make_coalition
from tests.pages.pagekit import post_form, set_language

MEMBERS = {"ferry": 400, "dock": 100, "bakers": 100, "tenants": 25}
FORM = {"target": "sqrt", "index": "banzhaf", "max_weight": "12", "v-ferry": "400", "v-dock": "100",
        "v-bakers": "100", "v-tenants": "25"}


@pytest.fixture(autouse=True)
def small_budget(app):
    """Searches of a few hundred weightings: enough for four members, and quick."""
    jobs_of(app)[0].evaluations = 300


def start(client, data=None, **kwargs):
    return post_form(client, "/c/wpn/power/design", data or FORM, page="/c/wpn/power/design", **kwargs)


def finish(client, app, response):
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    jobs, _ = jobs_of(app)
    jobs.wait(location.rsplit("/", 1)[1])
    return client.get(location)


def test_the_form_starts_with_the_members_weights_as_sizes(client) -> None:
    make_coalition(client, members=MEMBERS)

    response = client.get("/c/wpn/power/design")

    assert response.status_code == 200
    assert re.search(r'name="v-ferry" value="400"', response.text)
    assert 'href="/c/wpn/power/design"' in client.get("/c/wpn/power").text


def test_a_search_shows_its_candidates_with_a_chart_once_done(client, app) -> None:
    make_coalition(client, members=MEMBERS)

    page = finish(client, app, start(client))

    assert page.status_code == 200
    assert "Candidates, closest first" in page.text
    assert page.text.count('<svg class="chart"') == min(3, page.text.count("<h3 id=\"candidate-"))
    assert "Target: 44.4%" in page.text  # Ferry: sqrt(400) / (20 + 10 + 10 + 5) = 4/9
    assert "Refresh" not in page.headers


def test_a_running_search_reloads_itself_without_javascript(client, app) -> None:
    make_coalition(client, members=MEMBERS)
    jobs, _ = jobs_of(app)
    jobs.executor = _Paused()

    response = start(client)
    page = client.get(response.headers["location"])

    assert "Searching: 0 of at most" in page.text
    assert page.headers["Refresh"] == "2"


class _Paused:
    """An executor that never runs what it is given: the job stays queued."""

    def submit(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


@pytest.mark.parametrize(("field", "value", "message"), [
    ("max_weight", "0", "Give a whole number from 1 to 1000."),
    ("v-dock", "lots", "Give a number of at least 0"),
    ("target", "cube", "Choose one of the options offered."),
])
def test_bad_fields_are_marked_and_nothing_starts(client, app, field, value, message) -> None:
    make_coalition(client, members=MEMBERS)

    response = start(client, {**FORM, field: value})

    assert response.status_code == 422
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert design_runs(app) == []


def test_anonymous_visitors_are_told_when_they_searched_too_often(client, app) -> None:
    make_coalition(client, members=MEMBERS)
    jobs_of(app)[1].limits["address"] = 1

    first, second = start(client), start(client)

    assert first.status_code == 303
    assert second.status_code == 429
    assert "Too many design searches from this address" in second.text


def test_the_designer_speaks_arabic(client, app) -> None:
    make_coalition(client, members=MEMBERS)
    set_language(client, "ar")

    form = client.get("/c/wpn/power/design")
    page = finish(client, app, start(client))

    assert 'dir="rtl"' in form.text and "Rule designer" not in form.text
    assert "Candidates, closest first" not in page.text
    assert 'direction="rtl"' in page.text


def test_a_power_cap_and_a_blocking_size_from_the_form_hold_in_every_candidate(client, app) -> None:
    make_coalition(client, members=MEMBERS)

    response = start(client, {**FORM, "max_share": "2/5", "min_blocking": "2"})
    page = finish(client, app, response)

    assert "Candidates, closest first" in page.text
    job = jobs_of(app)[0].wait(response.headers["location"].rsplit("/", 1)[1])
    for candidate in job.result.candidates:
        assert max(candidate.achieved) <= Fraction(2, 5)
        assert candidate.smallest_blocking >= 2


@pytest.mark.parametrize(("field", "value"), [("max_share", "3/2"), ("min_blocking", "9")])
def test_a_cap_or_blocking_size_out_of_range_is_marked(client, app, field, value) -> None:
    make_coalition(client, members=MEMBERS)

    response = start(client, {**FORM, field: value})

    assert response.status_code == 422
    assert f'id="design-{field}-error"' in response.text


def test_a_pasted_size_column_a_least_quota_and_the_distance_reach_the_search(client, app) -> None:
    make_coalition(client, members=MEMBERS)
    pasted = "name,size\nFerry,1\ndock,1\nBakers,1\nTenants,1"

    response = start(client, {**FORM, "target": "proportional", "sizes_csv": pasted, "min_quota": "2/3",
                              "measure": "squares"})
    finish(client, app, response)

    job = jobs_of(app)[0].wait(response.headers["location"].rsplit("/", 1)[1])
    assert job.result.data["measure"] == "squares"
    for candidate in job.result.candidates:
        assert candidate.targets == (Fraction(1, 4),) * 4
        assert candidate.quota_share > Fraction(2, 3)


def test_a_bad_pasted_column_least_quota_or_distance_is_marked(client, app) -> None:
    make_coalition(client, members=MEMBERS)
    cases = [("sizes_csv", "Nobody,3"), ("sizes_csv", "Ferry,lots"), ("min_quota", "1/3"), ("measure", "median")]

    responses = [(field, start(client, {**FORM, field: value})) for field, value in cases]

    for field, response in responses:
        assert response.status_code == 422
        assert f'id="design-{field}-error"' in response.text
    assert design_runs(app) == []


def test_an_uploaded_size_file_stands_for_the_pasted_column(client, app) -> None:
    make_coalition(client, members=MEMBERS)
    upload = {"sizes_file": ("sizes.csv", "name,size\nFerry,1\nDock,1\nBakers,1\nTenants,1\n".encode(), "text/csv")}

    response = start(client, {**FORM, "target": "proportional"}, files=upload)
    finish(client, app, response)

    job = jobs_of(app)[0].wait(response.headers["location"].rsplit("/", 1)[1])
    assert all(candidate.targets == (Fraction(1, 4),) * 4 for candidate in job.result.candidates)
