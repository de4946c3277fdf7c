"""A document printed in another language than the interface's (issue 24): the reader's
pages stay in their language, the PDF's labels are in the language chosen, and what
people wrote stays as they wrote it."""

from .test_action_plans import PLAN, action_data
from .test_documents import pdf_objects
from .test_plan_revisions import pdf_text


def test_an_english_reader_prints_the_action_plan_in_french_for_the_mayor(personas):
    mentee = personas.client("mentee")
    assert mentee.post(PLAN + "actions/new/", action_data("Open a one-stop shop for newcomers")).status_code == 302
    page = mentee.get(PLAN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Print in another language" in page
    assert f'href="{PLAN}action-plan.pdf?lang=fr"' in page and ">Français</a>" in page
    english = mentee.get(PLAN + "action-plan.pdf", HTTP_ACCEPT_LANGUAGE="en")
    french = mentee.get(PLAN + "action-plan.pdf?lang=fr", HTTP_ACCEPT_LANGUAGE="en")
    assert b"/Lang (fr)" in pdf_objects(french.content) and b"/Lang (en)" in pdf_objects(english.content)
    text = pdf_text(french.content)
    assert "Plan d’action" in text or "Plan d'action" in text
    # What the city wrote is printed as written.
    assert "Open a one-stop shop for newcomers" in text
    # The reader's own pages stay in English.
    assert '<html lang="en">' in mentee.get(PLAN, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_language_not_offered_prints_in_the_interface_language(personas):
    mentee = personas.client("mentee")
    mentee.post(PLAN + "actions/new/", action_data("Open a one-stop shop"))
    pdf = mentee.get(PLAN + "action-plan.pdf?lang=xx-evil", HTTP_ACCEPT_LANGUAGE="en").content
    assert b"/Lang (en)" in pdf_objects(pdf)


def test_the_language_of_a_page_cannot_be_switched_by_the_address(personas):
    """Only a document's address takes ``lang``: a page keeps the reader's language."""
    page = personas.client("mentee").get(PLAN + "?lang=fr", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
