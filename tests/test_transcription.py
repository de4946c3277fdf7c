"""The seed benchmarks and annex templates, as loaded into the database, match the
sources: counts of key factors, guide questions and context factors, and exact texts."""

import pytest

from benchmarks.models import BenchmarkVersion, GuideQuestion
from schemes.models import QuestionnaireTemplate

pytestmark = pytest.mark.django_db

# slug: (guide questions per key factor in order, context factors)
EXPECTED = {
    "inclucities-general": ({"2": 7}, 12, 10),
    "inclucities-language-learning": ({"8": 4}, 1, 0),
    "implementoring-theme-a": (dict(zip(map(str, range(1, 12)), [5, 6, 5, 7, 11, 6, 7, 5, 5, 7, 6], strict=True)), 11, 0),
    "implementoring-theme-b": (dict(zip(map(str, range(1, 9)), [5, 5, 7, 7, 9, 6, 5, 5], strict=True)), 8, 0),
    "implementoring-theme-cd": (
        dict(
            zip(
                ["1", "2", "3", "4", "5", "6", "7", "N1", "N2", "N3", "N4", "N5"],
                [5, 5, 5, 3, 3, 1, 3, 4, 3, 3, 5, 7],
                strict=True,
            )
        ),
        12,
        0,
    ),
}


def version(slug):
    return BenchmarkVersion.objects.get(benchmark__slug=slug)


@pytest.mark.parametrize("slug", EXPECTED)
def test_counts_per_benchmark(slug):
    questions, key_factor_count, context_factor_count = EXPECTED[slug]
    v = version(slug)
    assert v.key_factors.count() == key_factor_count
    assert v.context_factors.count() == context_factor_count
    actual = {kf.number: kf.guide_questions.count() for kf in v.key_factors.all() if kf.guide_questions.exists()}
    assert actual == questions


def test_general_benchmark_key_factors_in_order():
    titles = list(version("inclucities-general").key_factors.values_list("number", "title"))
    assert titles[0] == ("1", "Demonstrating political leadership & public commitment to integration")
    assert titles[4] == ("5", "Building partnerships with actors outside the city administration")
    assert titles[11] == ("12", "Communicating results")
    assert [n for n, _t in titles] == [str(i) for i in range(1, 13)]


def test_general_benchmark_context_factors():
    factors = list(version("inclucities-general").context_factors.values_list("title", flat=True))
    assert factors[0] == "Distribution of competences and relations across levels of government"
    assert factors[-1] == "Human resources"
    assert "Degree of politicisation of migration in public discourse and political system" in factors


def test_theme_cd_has_core_and_neighbourhood_sections():
    v = version("implementoring-theme-cd")
    sections = {s.key: [kf.number for kf in s.key_factors.order_by("order")] for s in v.sections.all()}
    assert sections == {"core": ["1", "2", "3", "4", "5", "6", "7"], "neighbourhood": ["N1", "N2", "N3", "N4", "N5"]}
    n1 = v.key_factors.get(number="N1")
    assert n1.title == "Defining the reference area for participation"


def test_exact_texts_sample():
    a = version("implementoring-theme-a")
    assert a.standard == (
        "The city promotes migrants as desirable potential and actual citizens, neighbours and colleagues "
        "and publicly welcomes the opportunities diversity offers."
    )
    kf1 = a.key_factors.get(number="1")
    assert kf1.title == "Public commitment to an inclusive and diverse city"
    assert (
        kf1.guide_questions.first().text == "Does your city describe itself as welcoming, open and/or diverse in its publicity?"
    )
    b = version("implementoring-theme-b")
    assert b.version_label == "Benchmark –third draft January 2014"
    kf3 = b.key_factors.get(number="3")
    assert any(q.text.endswith("gaining employment?") for q in kf3.guide_questions.all())
    language = version("inclucities-language-learning").key_factors.get(number="8")
    assert language.title == "Supporting non-formal language learning through volunteering"
    assert "ssupporting language learning through volunteering" in language.practical_tips
    assert [e.city for e in language.examples.all()] == ["", "Schaerbeek"]
    assert language.examples.last().link == "www.via.brussels/projet-camim"


def test_no_extraction_noise_anywhere():
    noisy = [q.text for q in GuideQuestion.objects.all() if any(m in q.text for m in ("<p>", "<ul", "•", "**", "\t"))]
    assert noisy == []
    for v in BenchmarkVersion.objects.all():
        for kf in v.key_factors.all():
            for text in (kf.title, kf.statement, kf.rationale, kf.practical_tips):
                assert "<" not in text and "•" not in text and "\t" not in text, (v.benchmark.slug, kf.number)


def template(slug):
    return QuestionnaireTemplate.objects.get(slug=slug, programme=None)


def test_needs_analysis_template():
    t = template("needs-analysis")
    sections = [(s.key, s.filled_by, s.questions.count()) for s in t.sections.all()]
    assert sections == [("mentee-needs", "mentee", 11), ("local-context", "mentee", 9), ("national-context", "association", 6)]
    first = t.sections.get(key="mentee-needs").questions.first()
    assert first.text.startswith("Which challenge/problem/needs of your city in the area of integration policies")
    local = t.sections.get(key="local-context")
    kinds = {q.key: q.kind for q in local.questions.all()}
    assert kinds["inhabitants"] == "integer"
    assert kinds["migrant-population"] == "integer"
    assert kinds["main-nationalities"] == "list"
    assert kinds["annual-budget"] == "money"
    assert kinds["integration-budget-share"] == "percent"


def test_other_annex_templates():
    strengths = template("strengths")
    assert [(s.filled_by, s.questions.count()) for s in strengths.sections.all()] == [("mentor", 3), ("mentor", 9)]
    good_practice = template("good-practice")
    assert good_practice.sections.get().questions.count() == 12
    lsg = template("local-support-group").sections.get()
    assert lsg.repeating and lsg.max_rows == 10
    plan = template("action-plan")
    columns = [q.key for q in plan.sections.get(key="actions").questions.all()]
    assert columns == ["actions", "outcomes", "timeframe", "lead", "resources", "evaluation"]
    assert [q.text for q in plan.sections.get(key="header").questions.all()] == [
        "Mentoring Scheme (title)",
        "Mentee",
        "Mentor",
        "Date/Version",
    ]
