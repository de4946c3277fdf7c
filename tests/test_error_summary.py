"""Errors are found at once: an error summary at the top of the form names each problem
and links to its field; required fields say so in their label."""

import re

from .test_questionnaires import BASE


def summary_of(html):
    match = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_the_summary_names_each_problem_and_links_to_its_field(personas):
    coordinator = personas.client("coordinator")
    response = coordinator.post(
        "/programmes/test-programme/organisations/new/",
        {
            "kind": "city",
            "name": "",
            "country": "XX",
            "website": "not an address",
            "population": "many",
        },
    )
    assert response.status_code == 200
    summary = summary_of(response.content.decode())
    assert "Nothing was saved yet" in summary
    links = dict(re.findall(r'<a href="#(id_\w+)">([^<]*)</a>', summary))
    assert set(links) >= {"id_name", "id_country", "id_website", "id_population"}
    assert links["id_name"].startswith("Name: This field is required.")
    # Each link leads to a field of that id on the page.
    page = response.content.decode()
    for field_id in links:
        assert f'id="{field_id}"' in page


def test_rows_of_a_table_are_named_in_the_summary(personas):
    mentee = personas.client("mentee")
    plan_needs = "/programmes/test-programme/schemes/1/action-plan/needs/"
    response = mentee.post(
        plan_needs,
        {
            "needs-TOTAL_FORMS": "2",
            "needs-INITIAL_FORMS": "0",
            "needs-MIN_NUM_FORMS": "0",
            "needs-MAX_NUM_FORMS": "1000",
            "needs-0-text": "Newcomers do not find the services",
            "needs-0-ORDER": "1",
            "needs-1-text": "x" * 600,
            "needs-1-ORDER": "2",
        },
    )
    summary = summary_of(response.content.decode())
    assert re.search(r'<a href="#id_needs-1-text">Row 2, [^:]+: Ensure this value has at most 500 characters', summary)


def test_required_fields_say_so_in_their_label(personas):
    page = personas.client("coordinator").get("/programmes/test-programme/organisations/new/").content.decode()
    label = re.search(r'<label for="id_name"[^>]*>(.*?)</label>', page, re.S).group(1)
    assert "(required)" in label
    optional = re.search(r'<label for="id_website"[^>]*>(.*?)</label>', page, re.S).group(1)
    assert "required" not in optional
    # A question the needs analysis needs before it is submitted (a draft may leave it empty).
    section = personas.client("mentee").get(BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/").content.decode()
    assert "(required to submit)" in section
