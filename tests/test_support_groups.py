"""Local support groups (Annex 5): ten members at most, each side edits its own group."""

import subprocess

from schemes.models import LocalSupportGroupMember

URL = "/programmes/test-programme/schemes/1/support-groups/{city}/"


def member(number, **overrides):
    data = {
        "name": f"Member {number}",
        "organisation": f"Organisation {number}",
        "stakeholder_type": "ngo",
        "role": "Advises on housing",
        "email": f"m{number}@example.org",
        "phone": "",
    }
    data.update(overrides)
    return data


def test_the_mentee_city_builds_its_group_of_at_most_ten(personas):
    client = personas.client("mentee")
    url = URL.format(city=personas.mentee_city.pk)
    for number in range(1, 11):
        assert client.post(url, member(number)).status_code == 302
    eleventh = client.post(url, member(11, name="Eleventh Person"))
    assert eleventh.status_code == 200
    html = eleventh.content.decode()
    assert "at most 10 members" in html and 'value="Eleventh Person"' in html  # typed text kept
    assert LocalSupportGroupMember.objects.count() == 10
    page = client.get(url).content.decode()
    assert "10 members of at most 10." in page and "the most it can have" in page
    roster = client.get(url + "roster.pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=roster.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Local support group of Menteeville" in text and "Member 10" in text and "NGO or civil society body" in text


def test_bad_member_input_is_refused(personas):
    client = personas.client("mentee")
    url = URL.format(city=personas.mentee_city.pk)
    for bad, message in [
        (member(1, name=""), "This field is required."),
        (member(1, stakeholder_type="lobbyist"), "Select a valid choice"),
        (member(1, email="not-an-address"), "Enter a valid email address"),
        (member(1, role="<script>alert(1)</script>"), "Write plain text"),
    ]:
        response = client.post(url, bad)
        assert response.status_code == 200 and message in response.content.decode()
    assert LocalSupportGroupMember.objects.count() == 0


def test_each_side_edits_its_own_group_and_reads_the_other(personas):
    mentee_group = URL.format(city=personas.mentee_city.pk)
    mentor_group = URL.format(city=personas.mentor_city.pk)
    mentor = personas.client("mentor")
    assert mentor.post(mentee_group, member(1)).status_code == 403
    assert mentor.post(mentor_group, member(1)).status_code == 302  # the mirrored group on the mentor side
    assert personas.client("mentee").post(mentor_group, member(2)).status_code == 403
    assert "Member 1" in personas.client("mentee").get(mentor_group).content.decode()
    assert personas.client("observer").post(mentee_group, member(3)).status_code == 403
    assert personas.client("outsider").get(mentee_group).status_code == 404


def test_group_and_scheme_pages_keep_their_query_count_as_members_and_commitments_grow(personas, django_assert_max_num_queries):
    from schemes.models import PoliticalCommitment

    client = personas.client("mentee")
    group_url = URL.format(city=personas.mentee_city.pk)
    scheme_url = "/programmes/test-programme/schemes/1/"

    def commitment(number):
        PoliticalCommitment.objects.create(
            scheme=personas.a, name=f"Mayor {number}", office="Mayor", cross_party=True, date="2026-03-01", scope="both"
        )

    client.post(group_url, member(1))
    commitment(1)
    counts = {}
    for url in (group_url, scheme_url, group_url + "roster.pdf"):
        client.get(url)
        with django_assert_max_num_queries(40) as captured:
            client.get(url)
        counts[url] = len(captured.captured_queries)
    for number in range(2, 11):
        client.post(group_url, member(number))
        commitment(number)
    for url, before in counts.items():
        with django_assert_max_num_queries(before) as captured:
            assert client.get(url).status_code == 200
        assert len(captured.captured_queries) <= 15, url
