"""The good-practice library (Annex 4): recorded by a city's officers, read by every
scheme of the programme, searched and filtered, printed, attached to strengths."""

import subprocess

import pytest
from django.utils.html import escape
from django.utils.http import urlencode

from benchmarks.models import KeyFactor
from schemes.models import GoodPractice, Organisation, OrganisationKind, Response

LIBRARY = "/programmes/test-programme/good-practices/"
HOSTILE = '<script>alert(1)</script><img src="http://example.com/x.png"><base href="http://example.com/"><style>body{display:none}</style>'


def practice_data(city, **extra):
    data = {
        "city": city.pk,
        "title": "One-stop welcome desk",
        "theme": "Reception",
        "where": "City hall",
        "description": "Every newcomer meets one officer.",
        "key_factors": [],
    }
    data.update(extra)
    return data


def pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def key_factor(personas):
    return KeyFactor.objects.filter(version=personas.a.benchmark).order_by("order").first()


def test_a_mentor_records_a_good_practice_for_their_city_only(personas, key_factor):
    mentor = personas.client("mentor")
    form = mentor.get(LIBRARY + "new/").context["form"]
    assert list(form.fields["city"].queryset) == [personas.mentor_city]
    assert key_factor in form.fields["key_factors"].queryset

    response = mentor.post(LIBRARY + "new/", practice_data(personas.mentor_city, key_factors=[key_factor.pk]))
    practice = GoodPractice.objects.get()
    assert response["Location"] == f"{LIBRARY}{practice.pk}/"
    assert practice.city == personas.mentor_city and practice.programme == personas.programme
    assert list(practice.key_factors.all()) == [key_factor]
    assert practice.created_by == personas.users["mentor"]
    # Every scheme of the programme reads it: scheme B's mentee too.
    page = personas.client("b_mentee").get(f"{LIBRARY}{practice.pk}/")
    assert page.status_code == 200 and "Every newcomer meets one officer." in page.content.decode()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"title": ""}, "This field is required."),
        ({"description": "x" * 100_000}, "Ensure this value has at most 20000 characters"),
        ({"title": "y" * 301}, "Ensure this value has at most 300 characters"),
        ({"key_factors": [999_999]}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_the_text_kept(personas, change, message):
    mentor = personas.client("mentor")
    data = practice_data(personas.mentor_city, **change)
    response = mentor.post(LIBRARY + "new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"]["where"].value() == "City hall"
    assert not GoodPractice.objects.exists()


def test_someone_elses_city_or_key_factor_is_refused(personas):
    mentor = personas.client("mentor")
    other_benchmark_kf = (
        KeyFactor.objects.exclude(version=personas.a.benchmark).exclude(version__programmes=personas.programme).first()
    )
    for data in (
        practice_data(personas.mentee_city),  # a city of the scheme, not the mentor's
        practice_data(personas.b_mentee),
        practice_data(personas.mentor_city, key_factors=[other_benchmark_kf.pk]),
    ):
        response = mentor.post(LIBRARY + "new/", data)
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not GoodPractice.objects.exists()


def test_hostile_text_is_kept_as_text_on_the_page_and_in_the_pdf(personas, fetched_urls):
    mentee = personas.client("mentee")
    mentee.post(LIBRARY + "new/", practice_data(personas.mentee_city, description=HOSTILE, title="Desk <b>bold</b>"))
    practice = GoodPractice.objects.get()
    page = mentee.get(f"{LIBRARY}{practice.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    pdf = personas.client("observer").get(f"{LIBRARY}{practice.pk}/document.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "<script>alert(1)</script>" in text and "Desk <b>bold</b>" in text
    assert "Test Programme" in text and "WHERE IS IT?" in text and "City hall" in text
    fetched = fetched_urls()
    assert any(url.endswith("/static/css/print.css") for url in fetched), fetched  # the spy saw the renderer
    assert all(not url.startswith("http://example.com") for url in fetched), fetched


def test_owners_edit_and_a_stale_form_is_refused_with_the_text_kept(personas):
    mentee = personas.client("mentee")
    facilitator = personas.client("facilitator")
    mentee.post(LIBRARY + "new/", practice_data(personas.mentee_city))
    practice = GoodPractice.objects.get()
    edit = f"{LIBRARY}{practice.pk}/edit/"
    mine = mentee.get(edit).context["form"]
    theirs = facilitator.get(edit).context["form"]

    def data(form, **change):
        values = {name: form[name].value() for name in form.fields}
        values.update(change)
        return {k: v for k, v in values.items() if v is not None}

    assert facilitator.post(edit, data(theirs, results="Waiting times halved.")).status_code == 302
    stale = mentee.post(edit, data(mine, results="Faster registration."))
    assert stale.status_code == 409 and "Someone else saved changes" in stale.content.decode()
    assert stale.context["form"]["results"].value() == "Faster registration."
    practice.refresh_from_db()
    assert practice.results == "Waiting times halved." and practice.version == 2
    history = mentee.get(f"{LIBRARY}{practice.pk}/history/").content.decode()
    assert "Waiting times halved." in history
    # The mentor city's officer reads it but is no owner.
    assert personas.client("mentor").get(edit).status_code == 403


def test_the_library_filters_by_text_theme_key_factor_country_and_city(personas, key_factor):
    p = personas
    french = Organisation.objects.create(kind=OrganisationKind.CITY, name="Villeneuve", country="FR")
    p.programme.cities.add(p.mentee_city, p.mentor_city, french)
    housing = GoodPractice.objects.create(programme=p.programme, city=p.mentee_city, title="Housing first", theme="Housing")
    housing.key_factors.add(key_factor)
    GoodPractice.objects.create(
        programme=p.programme,
        city=french,
        title="Language cafés",
        theme="Language learning",
        description="Volunteers and newcomers talk in cafés.",
    )
    GoodPractice.objects.create(programme=p.other_programme, city=french, title="Hidden elsewhere", theme="Housing")
    client = p.client("observer")

    def titles(**params):
        response = client.get(LIBRARY + "?" + urlencode(params))
        assert response.status_code == 200
        return [practice.title for practice in response.context["page_obj"]]

    assert titles() == ["Housing first", "Language cafés"]
    # As it opens: each practice with its key factors, and the filter offering the
    # programme's cities and key factors only.
    opened = client.get(LIBRARY)
    tags = {practice.title: list(practice.key_factors.all()) for practice in opened.context["page_obj"]}
    assert tags == {"Housing first": [key_factor], "Language cafés": []}
    page = opened.content.decode()
    assert escape(f"{key_factor.number}. {key_factor.title}") in page
    form = opened.context["filter"].form
    cities = p.programme.cities.filter(kind=OrganisationKind.CITY).order_by("name")
    field = form.fields["city"]
    assert [label for _value, label in field.choices] == ["All cities", *(field.label_from_instance(c) for c in cities)]
    assert "Villeneuve (FR)" in [label for _value, label in field.choices] and f'<option value="{french.pk}">' in page
    assert key_factor.pk in [value.value for value, _label in form.fields["key_factors"].choices if value]
    assert titles(q="volunteers") == ["Language cafés"]
    assert titles(theme="Housing") == ["Housing first"]
    assert titles(key_factors=key_factor.pk) == ["Housing first"]
    assert titles(country="FR") == ["Language cafés"]
    assert titles(city=p.mentee_city.pk) == ["Housing first"]
    assert titles(city=99_999) == ["Housing first", "Language cafés"]  # an unknown city: the filter says so
    assert "Select a valid choice" in client.get(LIBRARY + "?city=99999").content.decode()


def test_a_mentor_attaches_good_practices_to_the_strengths_without_undoing_a_colleague(personas):
    p = personas
    strengths = f"/programmes/test-programme/schemes/1/strengths/{p.mentor_city.pk}/"
    attach = strengths + "good-practices/"
    desk = GoodPractice.objects.create(programme=p.programme, city=p.mentor_city, title="Welcome desk")
    cafes = GoodPractice.objects.create(programme=p.programme, city=p.mentor_city, title="Language cafés")
    not_ours = GoodPractice.objects.create(programme=p.programme, city=p.mentee_city, title="Housing first")
    mentor, facilitator = p.client("mentor"), p.client("facilitator")
    form = mentor.get(strengths).context["practices_form"]
    assert set(form.fields["practices"].queryset) == {desk, cafes}

    # Both opened the page with nothing attached; each attaches one.
    assert facilitator.post(attach, {"practices": [cafes.pk]}).status_code == 302
    assert mentor.post(attach, {"practices": [desk.pk]}).status_code == 302
    response = Response.objects.get(scheme=p.a, organisation=p.mentor_city)
    assert set(response.good_practices.all()) == {desk, cafes}
    # Detaching what one saw removes only that.
    mentor.post(attach, {"practices": [desk.pk], "shown": [desk.pk, cafes.pk]})
    assert set(response.good_practices.all()) == {desk}
    # Another city's practice is refused and nothing changes.
    refused = mentor.post(attach, {"practices": [not_ours.pk], "shown": [desk.pk]}, follow=True)
    assert "Choose among this city&#x27;s good practices only" in refused.content.decode()
    assert set(response.good_practices.all()) == {desk}
    # The strengths page and its PDF show them; the history records the change.
    assert "Welcome desk" in p.client("mentee").get(strengths).content.decode()
    assert "Welcome desk" in pdf_text(mentor.get(strengths + "document.pdf").content)
    assert response.history.count() >= 3


def test_the_library_keeps_its_query_count_as_it_grows(personas, key_factor, django_assert_max_num_queries):
    p = personas
    p.programme.cities.add(p.mentee_city, p.mentor_city)
    key_factors = list(KeyFactor.objects.filter(version=p.a.benchmark)[:3])

    def add(count):
        for number in range(count):
            practice = GoodPractice.objects.create(
                programme=p.programme,
                city=p.mentee_city if number % 2 else p.mentor_city,
                title=f"Practice {GoodPractice.objects.count()}",
                theme=f"Theme {number % 4}",
            )
            practice.key_factors.add(*key_factors)

    add(3)
    client = p.client("mentor")
    one = GoodPractice.objects.first()
    strengths = f"/programmes/test-programme/schemes/1/strengths/{p.mentor_city.pk}/"
    urls = [
        LIBRARY,
        LIBRARY + "?q=practice&theme=Theme+1&country=BE",
        f"{LIBRARY}{one.pk}/",
        f"{LIBRARY}{one.pk}/history/",
        strengths,
    ]
    counts = {}
    for url in urls:
        client.get(url)
        with django_assert_max_num_queries(20) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    add(60)
    for url, before in counts.items():
        with django_assert_max_num_queries(before):
            assert client.get(url).status_code == 200
        assert before <= 15, (url, before)


def test_a_french_reader_reads_the_history_of_a_practice_with_french_field_names(personas):
    personas.client("mentee").post(LIBRARY + "new/", practice_data(personas.mentee_city))
    practice = GoodPractice.objects.get()
    reader = personas.client("mentee")
    reader.cookies["django_language"] = "fr"
    history = reader.get(f"{LIBRARY}{practice.pk}/history/").content.decode()
    # Every field is named in French, "created by" (once left to Django) among them.
    assert '<th scope="row">Créé par</th>' in history
    assert "Created by" not in history
