"""Comments on a filled template: mentors ask, facilitators note, the owners answer and
resolve; open comments show on the document, and in the PDF only when asked for."""

import subprocess

import pytest

from schemes.models import Comment, Response

BASE = "/programmes/test-programme/schemes/1/needs-analysis/{city}/"
HOSTILE = '<script>alert(1)</script><img src="http://example.com/x.png">'


@pytest.fixture
def base(personas):
    return BASE.format(city=personas.mentee_city.pk)


def question_id(client, url, key):
    form = client.get(url).context["form"]
    return next(question.pk for question in form.questions if question.key == key)


def pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def test_a_mentor_asks_the_mentee_answers_and_resolves(personas, base):
    mentor, mentee = personas.client("mentor"), personas.client("mentee")
    section = base + "sections/mentee-needs/"
    challenge = question_id(mentee, section, "challenge")
    response = mentor.post(section + "comments/", {"comment-question": challenge, "comment-text": "Which districts?"})
    comment = Comment.objects.get()
    assert response["Location"] == f"{section}#comment-{comment.pk}"
    assert comment.author == personas.users["mentor"] and comment.question_id == challenge and comment.is_open

    # The mentee sees it beside the answer and on the overview.
    page = mentee.get(section).content.decode()
    assert "Which districts?" in page and "1 open comment on this answer" in page
    assert "Which districts?" in mentee.get(base).content.decode()

    mentee.post(f"{base}comments/{comment.pk}/reply/", {f"reply-{comment.pk}-text": "North and harbour."})
    assert comment.replies.get().text == "North and harbour."
    # The mentor may not resolve the mentee's document's thread for them... unless they wrote it.
    association = personas.client("association")
    association.post(section + "comments/", {"comment-text": "Add the regional figures?"})
    theirs = Comment.objects.get(text="Add the regional figures?")
    assert mentor.post(f"{base}comments/{theirs.pk}/resolve/").status_code == 403
    assert mentee.post(f"{base}comments/{comment.pk}/resolve/").status_code == 302
    comment.refresh_from_db()
    assert not comment.is_open and comment.resolved_by == personas.users["mentee"]
    assert "Which districts?" not in mentee.get(base).content.decode()  # no longer open
    assert "Resolved by" in mentee.get(section).content.decode()  # still readable on the section
    assert comment.history.count() == 2  # written, resolved


def test_a_facilitator_leaves_a_note_on_the_whole_section_even_after_submission(personas, base):
    facilitator = personas.client("facilitator")
    section = base + "sections/local-context/"
    facilitator.post(section + "comments/", {"comment-question": "", "comment-text": "Use 2024 census figures."})
    note = Comment.objects.get()
    assert note.question is None and note.section.key == "local-context"
    assert "Use 2024 census figures." in personas.client("observer").get(section).content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"comment-text": ""}, "This field is required."),
        ({"comment-text": "x" * 100_000}, "Ensure this value has at most 5000 characters"),
        ({"comment-text": "Hello", "comment-question": "999999"}, "Select a valid choice"),
        ({"comment-text": "Hello", "comment-question": "abc"}, "Select a valid choice"),
    ],
)
def test_bad_comments_are_refused_with_a_message_and_the_text_kept(personas, base, data, message):
    mentor = personas.client("mentor")
    response = mentor.post(base + "sections/mentee-needs/comments/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "what you typed is kept" in page
    assert response.context["comment_form"]["text"].value() == data["comment-text"]
    assert not Comment.objects.exists()


def test_a_question_of_another_section_is_refused(personas, base):
    mentor = personas.client("mentor")
    other = question_id(mentor, base + "sections/local-context/", "inhabitants")
    response = mentor.post(base + "sections/mentee-needs/comments/", {"comment-question": other, "comment-text": "?"})
    assert response.status_code == 400 and not Comment.objects.exists()


def test_hostile_comments_are_text_on_the_page_and_in_the_pdf_margin_only_when_asked(personas, base):
    mentor = personas.client("mentor")
    mentor.post(base + "sections/mentee-needs/comments/", {"comment-text": HOSTILE})
    page = personas.client("mentee").get(base + "sections/mentee-needs/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    plain = pdf_text(mentor.get(base + "document.pdf").content)
    assert "alert(1)" not in plain
    annotated = mentor.get(base + "document.pdf?comments=1")
    assert "comments" in annotated["Content-Disposition"]
    text = pdf_text(annotated.content)
    assert "<script>alert(1)</script>" in text and "With open comments in the margin" in text


def test_replies_are_refused_when_empty_and_kept_when_too_long(personas, base):
    mentor, mentee = personas.client("mentor"), personas.client("mentee")
    mentor.post(base + "sections/mentee-needs/comments/", {"comment-text": "Which districts?"})
    comment = Comment.objects.get()
    long_text = "y" * 6000
    response = mentee.post(f"{base}comments/{comment.pk}/reply/", {f"reply-{comment.pk}-text": long_text})
    assert response.status_code == 400
    assert response.context["reply_form"]["text"].value() == long_text
    assert not comment.replies.exists()
    # Another scheme's comment is not found through this document.
    elsewhere = Response.objects.create(scheme=personas.b, template=comment.response.template, organisation=personas.b_mentee)
    foreign = Comment.objects.create(response=elsewhere, section=comment.section, text="Scheme B's")
    assert mentee.post(f"{base}comments/{foreign.pk}/resolve/").status_code == 404
    assert mentee.post(f"{base}comments/{foreign.pk}/reply/", {f"reply-{foreign.pk}-text": "x"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_open and not foreign.replies.exists()


def test_comment_pages_keep_their_query_count_as_comments_grow(personas, base, django_assert_max_num_queries):
    mentor, mentee = personas.client("mentor"), personas.client("mentee")
    section = base + "sections/mentee-needs/"
    challenge = question_id(mentee, section, "challenge")

    def add(count):
        for number in range(count):
            mentor.post(
                section + "comments/", {"comment-question": challenge if number % 2 else "", "comment-text": f"Q{number}"}
            )
            comment = Comment.objects.filter(parent=None).latest("pk")
            mentee.post(f"{base}comments/{comment.pk}/reply/", {f"reply-{comment.pk}-text": f"A{number}"})

    add(2)
    urls = [base, section]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(30) as captured:
            assert mentee.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    add(25)
    for url, before in counts.items():
        with django_assert_max_num_queries(before):
            assert mentee.get(url).status_code == 200
