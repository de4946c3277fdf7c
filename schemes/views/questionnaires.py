"""The questionnaire engine's pages: a document's overview with progress, one page per
section (Save draft on every page), submit and reopen, submitted versions, history, PDF.

One set of views serves every template kind filled in a scheme: the needs analysis
(Annex 2, by the mentee city, its association filling the national part) and the
strengths (Annex 3, by a mentor city). The URL names the kind; the city is a party of
the scheme on the right side, fetched through the scheme.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mentoring.access import ASSOCIATION, MENTEE, MENTOR, refuse, require, scheme_for, scheme_view, who_may
from mentoring.autosave import AUTOSAVE, autosave_response, fold_autosaves, form_errors, is_autosave
from mentoring.documents import pdf_response, render_document
from mentoring.pages import confirm_page, confirmed, form_page, paginate, safe_next
from mentoring.submissions import submission_save
from mentoring.templatetags.dates import iso_date_shown
from mentoring.unsaved import keep_unsaved_text, unsaved_data

from ..focus import out_of_scope_notice
from ..forms.questionnaires import CommentForm, SectionForm, StrengthsPracticesForm, answer_value, format_number
from ..models import Answer, QuestionKind, Response, ResponseStatus, Side, TemplateKind
from ..services.annex_wording import apply_programme_wording
from ..services.attachments import annexes, form_context, with_attachments
from ..services.comments import comment_add, comment_resolve, threads
from ..services.filling import (
    NotEditable,
    normalise,
    progress,
    response_get_or_create,
    response_reopen,
    response_submit,
    section_save,
    template_for,
    visible_questions,
)
from ..services.mentions import people as mention_people
from ..services.practice import strengths_practices_set
from ..services.template_translations import show_template_in
from .cities import association_parties, city_party, section_owners

# Which side's cities own each kind of document.
OWNER_SIDES = {
    TemplateKind.NEEDS_ANALYSIS: {Side.MENTEE, Side.PEER},
    TemplateKind.STRENGTHS: {Side.MENTOR, Side.PEER},
}
URL_NAMES = {TemplateKind.NEEDS_ANALYSIS: "needs_analysis", TemplateKind.STRENGTHS: "strengths"}
# A section's rules: the association's part of the needs analysis is its own document type.
ASSOCIATION_SECTION = "needs_analysis.association_section"
SECTION_DOCUMENTS = {
    (TemplateKind.NEEDS_ANALYSIS, "association"): ASSOCIATION_SECTION,
    (TemplateKind.NEEDS_ANALYSIS, "mentee"): "needs_analysis.mentee_section",
}
# The mentor side's association supporting a city's strengths (seed 000 §4, issue 23).
STRENGTHS_SUPPORT = "strengths.association_support"
# Peers of a community of practice commenting on each other's documents (issue 23).
COMMUNITY_PEER_REVIEW = "community_peer_review"


@dataclass
class Filling:
    """A scheme's document of one kind for one city: template, response (None until the
    first save), sections with their questions, answers by question id."""

    scheme: object
    access: object
    kind: str
    party: object
    template: object
    response: object
    sections: list
    answers: dict
    threads: dict = field(default_factory=dict)
    owners: dict = field(default_factory=dict)

    @property
    def organisation(self):
        return self.party.organisation

    @property
    def submitted(self):
        return self.response is not None and self.response.status == ResponseStatus.SUBMITTED

    def section_document(self, section):
        return SECTION_DOCUMENTS.get((self.kind, section.filled_by), self.kind)

    def section_owners(self, section):
        """The parties whose officers write ``section``: the city, or for the national
        part of a needs analysis its association (looked up once per page)."""
        document = self.section_document(section)
        if document not in self.owners:
            self.owners[document] = section_owners(self.access, self.party, association=document == ASSOCIATION_SECTION)
        return self.owners[document]

    def may(self, action, section=None):
        """Whether the user may do ``action`` on the document (or on ``section``) as one
        of the officers acting for its city, or as an organiser the rules allow (or, on a
        section of the strengths, as the association supporting the city)."""
        if section is None:
            return self.access.can_for(action, self.kind, {self.party.pk})
        return self.access.can_for(action, self.section_document(section), self.section_owners(section)) or (
            action == "edit" and self.supporting("edit")
        )

    def supporting(self, action):
        """Whether the user may ``comment`` on (or ``edit``, where the programme allows
        it) the sections of a city's strengths as an officer of the association of that
        city's side: mentor cities write them "with the support of a city association"
        (seed 000 §4). A mentee-side association is not the mentor city's support."""
        if self.kind != TemplateKind.STRENGTHS or not self.access.acts_for_any({ASSOCIATION}):
            return False
        if action == "edit" and not self.scheme.programme.associations_edit_strengths:
            return False
        if STRENGTHS_SUPPORT not in self.owners:
            self.owners[STRENGTHS_SUPPORT] = association_parties(self.party)
        return self.access.can_for(action, STRENGTHS_SUPPORT, self.owners[STRENGTHS_SUPPORT])

    def can_edit(self, section):
        return not self.submitted and self.may("edit", section)

    def can_resolve(self, section):
        """The section's owners answer and resolve comments, submitted or not."""
        return self.may("edit", section)

    def can_comment(self, section):
        return (
            self.access.can("comment", self.section_document(section))
            or self.may("edit", section)
            or self.supporting("comment")
            or self.peer_review()
        )

    def peer_review(self):
        """In a community of practice, the other peer cities' officers comment on a city's
        document (issue 23: "peers comment on each other's"), whichever city role they hold;
        they never edit it (``may`` stays the city's own)."""
        return (
            self.party.side == Side.PEER
            and self.access.can("comment", COMMUNITY_PEER_REVIEW)
            and self.access.acts_for_any(self.access.roles & {MENTEE, MENTOR})
        )

    def url(self, suffix=""):
        return (
            reverse(
                f"schemes:{URL_NAMES[self.kind]}",
                kwargs={
                    "programme": self.scheme.programme.slug,
                    "number": self.scheme.number,
                    "organisation": self.organisation.pk,
                },
            )
            + suffix
        )

    def section_url(self, section):
        return self.url(f"sections/{section.key}/")


def load(scheme, access, kind, organisation_pk, *, with_threads=False, original=False):
    party = city_party(scheme, organisation_pk, sides=OWNER_SIDES[kind], missing=_("No such document in this scheme."))
    require(access, "view", kind)
    return filling_of(scheme, access, kind, party, with_threads=with_threads, original=original)


def filling_of(scheme, access, kind, party, *, with_threads=False, original=False):
    """The ``Filling`` of the city ``party``'s document of ``kind`` (access not checked
    here; None for a background worker, which only prints it)."""
    response = (
        Response.objects.filter(scheme=scheme, template__kind=kind, organisation_id=party.organisation_id)
        .select_related("template", "submitted_by")
        .order_by("pk")
        .first()
    )
    if response is not None:
        response.scheme, response.organisation = scheme, party.organisation
    template = response.template if response else template_for(scheme.programme, kind)
    if template is None:
        raise Http404(_("No template for this document."))
    sections = list(template.sections.order_by("order").prefetch_related("questions"))
    for section in sections:
        section.template = template
    # The template in the reader's language where it has a translation (issue 24); the
    # original with ``original`` (the page's "Show the original").
    notice = show_template_in(template, sections, original=original)
    apply_programme_wording(template, sections, scheme.programme)  # its name for “IncluCities”
    answers = (
        {a.question_id: a for a in response.answers.filter(row=0).select_related("updated_by").order_by()} if response else {}
    )
    filling = Filling(scheme, access, kind, party, template, response, sections, answers)
    filling.translation_notice = notice
    if with_threads:
        filling.threads = threads(response)
    return filling


def _may_edit_section(request, programme, number, organisation, kind, section):
    """Whether the signed-in person may edit this section (for text kept over a login)."""
    scheme, access = scheme_for(request.user, programme, number)
    filling = load(scheme, access, kind, organisation)
    return filling.can_edit(_section_of(filling, section))


def _display(question, answer):
    value = answer_value(answer, question)
    if question.is_numeric:
        return format_number(value, question.kind, question.unit)
    if question.kind == QuestionKind.DATE:
        return iso_date_shown(value)  # kept as ISO 8601 text
    return value


def _section_rows(filling, section):
    return [(question, _display(question, filling.answers.get(question.pk))) for question in visible_questions(section)]


@require_safe
@scheme_view("view")
def questionnaire_overview(request, scheme, access, organisation, kind):
    filling = load(scheme, access, kind, organisation, with_threads=True, original=bool(request.GET.get("original")))
    _mark_open_threads(filling)
    state = progress(filling.sections, filling.answers)
    submissions = filling.response.submissions.select_related("submitted_by").order_by("-number") if filling.response else []
    practices = _practices_form(filling) if kind == TemplateKind.STRENGTHS else None
    return render(
        request,
        "questionnaires/overview.html",
        {
            **_context(filling, state),
            "submissions": submissions,
            "can_submit": filling.response is not None and not filling.submitted and filling.may("submit"),
            "submit_question": _submit_question(filling),
            "can_reopen": filling.submitted and filling.may("reopen"),
            "sections_with_rows": [(section, _section_rows(filling, section)) for section in filling.sections],
            "attached": _attached(filling),
            "practices_form": practices,
            "may_record_practice": practices is not None and _may_record_practice(filling, request.user),
        },
    )


def _may_record_practice(filling, user):
    """Whether ``user`` records good practices of the strengths' city (its officers and
    facilitators: services/practice.py ``owned_cities``)."""
    from ..services.practice import owned_cities

    programme = filling.scheme.programme
    return (
        filling.access.can("edit", "good_practice") and owned_cities(user, programme).filter(pk=filling.organisation.pk).exists()
    )


def _attached(filling):
    if filling.kind != TemplateKind.STRENGTHS or filling.response is None:
        return []
    return list(filling.response.good_practices.order_by("title"))


def _practices_form(filling, data=None):
    """The attach form, for those who edit the strengths while it is a draft; else None."""
    if filling.submitted or not filling.may("edit"):
        return None
    practices = filling.scheme.programme.good_practices.filter(city=filling.organisation).select_related("city").order_by("title")
    return StrengthsPracticesForm(data, practices=practices, attached=_attached(filling))


@require_POST
@scheme_view("edit", "strengths")
def strengths_practices(request, scheme, access, organisation):
    """Attach good practices of the mentor city to its strengths (Annex 3 and 4)."""
    filling = load(scheme, access, TemplateKind.STRENGTHS, organisation)
    _require_owner(filling, "edit", request.user)
    form = _practices_form(filling, request.POST)
    if form is None:
        messages.error(request, _("This document is submitted: it must be reopened before it can change."))
    elif not form.is_valid():
        messages.error(
            request,
            _("Choose among this city's good practices only: %(errors)s")
            % {"errors": " ".join(form.errors.get("practices", []) + form.errors.get("shown", []))},
        )
    else:
        response = filling.response or response_get_or_create(
            scheme=scheme, template=filling.template, organisation=filling.organisation
        )
        added, removed = strengths_practices_set(
            response=response,
            shown=[p.pk for p in form.cleaned_data["shown"]],
            chosen=[p.pk for p in form.cleaned_data["practices"]],
            actor=request.user,
        )
        if added or removed:
            messages.success(request, _("Good practices saved."))
        else:
            messages.info(request, _("Nothing had changed."))
    return redirect(filling.url() + "#good-practices")


def at_a_glance(filling, state):
    """Pages at a glance (issue 26): each section of ``filling`` gets ``missing_count``
    (required answers still missing), ``done`` (a tick) and ``editable`` (by the reader,
    the section page's own check); returns the page's "Start"/"Continue" section and, once
    the reader's own sections are all done, who the document still waits for."""
    missing = {}
    for section, _question in state.missing:
        missing[section.pk] = missing.get(section.pk, 0) + 1
    for section in filling.sections:
        section.missing_count = missing.get(section.pk, 0)
        section.done = not section.missing_count
        section.editable = filling.can_edit(section)
    mine = [section for section in filling.sections if section.editable]
    resume = next((section for section in mine if not section.done), mine[0] if mine else None)
    others = [section for section in filling.sections if not section.done and not section.editable]
    waiting = []
    if mine and all(section.done for section in mine) and others:
        terms = filling.scheme.programme.terms
        for section in others:
            who = str(terms.role_label(section.filled_by))
            if who not in waiting:
                waiting.append(who)
    return {
        "resume_section": resume,
        "resume_label": _("Start") if filling.response is None else _("Continue"),
        "waiting_for": waiting,
        "waiting_sections": others if waiting else [],
        "document_title": _("%(city)s’s %(document)s")
        % {"city": filling.organisation.name, "document": TemplateKind(filling.kind).label.lower()},
    }


def _next_editable(filling, section):
    """The section after ``section`` that the person may edit ("Save and go to the next
    section" never lands in a read-only part, like the association's)."""
    return next((s for s in filling.sections if s.order > section.order and filling.can_edit(s)), None)


def _strengths_url(filling):
    return filling.url() + "#good-practices"


@scheme_view("edit", "strengths")
def strengths_practice_create(request, scheme, access, organisation):
    """Pages at a glance (issue 26): record a new good practice of the city from its
    strengths page and attach it to them in the same step, then go back where the person
    started (``?next=``, this site's pages only; else the strengths' good practices)."""
    from ..forms.practices import StrengthsGoodPracticeForm
    from ..services.practice import strengths_practice_record

    filling = load(scheme, access, TemplateKind.STRENGTHS, organisation)
    _require_owner(filling, "edit", request.user)
    back = safe_next(request, _strengths_url(filling))
    if filling.submitted:
        messages.error(request, _("This document is submitted: it must be reopened before it can change."))
        return redirect(back)
    programme = scheme.programme
    if not _may_record_practice(filling, request.user):
        refuse(
            request.user,
            f"may not record good practices of city {filling.organisation.pk}",
            _("Only the officers of this city and its facilitators record its good practices."),
        )
    form = StrengthsGoodPracticeForm(request.POST or None, programme=programme, cities=None, city=filling.organisation)
    if request.method == "POST":

        def save():
            response = filling.response or response_get_or_create(
                scheme=scheme, template=filling.template, organisation=filling.organisation
            )
            return strengths_practice_record(form=form, programme=programme, response=response, user=request.user)

        saved = submission_save(request, form, save, url=lambda practice: back)
        if saved:
            if not saved.again:
                messages.success(
                    request,
                    _("Good practice “%(title)s” recorded and attached to these strengths.") % {"title": form.instance.title},
                )
            return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Record a good practice"),
        submit_label=_("Save and attach"),
        cancel_url=back,
        context={
            "programme": programme,
            "scheme": scheme,
            "intro": _("It is attached to the strengths of %(city)s when you save, and you come back to them.")
            % {"city": filling.organisation.name},
        },
    )


def _context(filling, state):
    glance = at_a_glance(filling, state)
    return {
        **glance,
        "filling": filling,
        "scheme": filling.scheme,
        "programme": filling.scheme.programme,
        "access": filling.access,
        "progress": state,
        "missing_ids": {question.pk for _section, question in state.missing},
        "page_title": glance["document_title"],
        # The needs analysis of a review, say, is outside the scheme's focus (schemes/focus.py).
        "out_of_scope": out_of_scope_notice(filling.scheme, filling.kind),
    }


@keep_unsaved_text(may_edit=_may_edit_section)
@scheme_view("view")
def questionnaire_section(request, scheme, access, organisation, kind, section):
    filling = load(scheme, access, kind, organisation, with_threads=True, original=bool(request.GET.get("original")))
    section = _section_of(filling, section)
    questions = visible_questions(section)
    restored = unsaved_data(request) if request.method == "GET" else None
    if request.method == "POST":
        if not filling.supporting("edit"):
            require(access, "edit", filling.section_document(section), user=request.user)
        _require_owner(filling, "edit", request.user, section)
        if filling.submitted:
            messages.error(request, _("This document is submitted: it must be reopened before it can change."))
            return redirect(filling.section_url(section))
    data = request.POST if request.method == "POST" else restored
    form = SectionForm(data, questions=questions, answers=filling.answers)
    conflicts = []
    if restored is not None:
        messages.warning(request, _("Your session had expired before this was saved. Your text is below: check it and save."))
    autosave = is_autosave(request)
    if autosave and not form.is_valid():
        return autosave_response("invalid", http_status=400, errors=form_errors(form))
    if request.method == "POST" and form.is_valid():
        response = filling.response or response_get_or_create(
            scheme=scheme, template=filling.template, organisation=filling.organisation
        )
        try:
            result = section_save(
                response=response,
                section=section,
                values=form.values(),
                seen=form.seen_versions(),
                user=request.user,
                reason=AUTOSAVE if autosave else "",
            )
        except NotEditable:
            if autosave:
                return autosave_response("locked", http_status=409)
            messages.error(request, _("This document was submitted meanwhile: it must be reopened before it can change."))
            return redirect(filling.section_url(section))
        except ValidationError as error:
            if autosave:
                return autosave_response("invalid", http_status=400, errors={NON_FIELD_ERRORS: error.messages})
            form.add_error(None, error)
            return _section_page(request, filling, section, form=form, status=400)
        if autosave:
            return _autosaved(form, result)
        if result.conflicts:
            conflicts = result.conflicts
            merged = {f"q{pk}": value for pk, value in result.values.items()}
            merged.update({f"v{pk}": version for pk, version in result.versions.items()})
            form = SectionForm(None, questions=questions, answers={}, initial=merged)
        else:
            if result.saved:
                messages.success(request, _("Saved."))
            else:
                messages.info(request, _("Nothing had changed."))
            if "next" in request.POST:
                following = _next_editable(filling, section)
                if following is not None:
                    return redirect(filling.section_url(following))
                return redirect(filling.url())
            return redirect(filling.section_url(section))
    return _section_page(request, filling, section, form=form, conflicts=conflicts, status=409 if conflicts else 200)


def _autosaved(form, result):
    """The report of an automatic save: the versions the next save builds on and, for an
    answer someone else changed meanwhile (merged: theirs kept), its value now."""
    if result.conflicts:
        return autosave_response("conflict", http_status=409, questions=[conflict.question.pk for conflict in result.conflicts])
    posted = form.values()
    fields = {f"v{pk}": version for pk, version in result.versions.items()}
    for pk, value in result.values.items():
        if normalise(value) != normalise(posted.get(pk)):
            bound = form[f"q{pk}"]
            fields[f"q{pk}"] = "" if value is None else str(bound.field.widget.format_value(bound.field.prepare_value(value)))
    return autosave_response(fields=fields, saved=result.saved)


def _section_of(filling, key):
    section = next((s for s in filling.sections if s.key == key), None)
    if section is None:
        raise Http404(_("No such section."))
    return section


def _section_page(
    request, filling, section, *, form=None, conflicts=(), comment_form=None, reply_to=None, reply_form=None, status=200
):
    """The page of one section: its form (or its answers, read-only), then its comments."""
    questions = visible_questions(section)
    if form is None:
        form = SectionForm(None, questions=questions, answers=filling.answers)
    state = progress(filling.sections, filling.answers)
    section_threads = _section_threads(filling, section, questions)
    for question, comments in section_threads:
        if question is not None:
            question.open_comments = sum(comment.is_open for comment in comments)
    people = mention_people(filling.scheme) if filling.can_comment(section) else []
    # The supporting documents of the answered questions and the files of the comments:
    # one query for them all.
    answered = [(question, filling.answers[question.pk]) for question in questions if question.pk in filling.answers]
    comments = [c for _question, thread in section_threads for comment in thread for c in (comment, *comment.replies.all())]
    with_attachments([answer for _question, answer in answered] + comments)
    may_comment = filling.can_comment(section)
    for _question, thread in section_threads:
        for comment in thread:
            for c in (comment, *comment.replies.all()):
                c.can_attach = may_comment and comment.is_open and c.author_id == request.user.pk
    if comment_form is None and filling.can_comment(section):
        comment_form = CommentForm(questions=questions, prefix="comment", people=people)
    if comment_form is not None:
        # Each answer box is a form of its own, with its own one-time token.
        for _question, comments in section_threads:
            for comment in comments:
                if comment.is_open:
                    comment.reply_form = reply_form if comment.pk == reply_to else CommentForm(prefix=f"reply-{comment.pk}")
    return render(
        request,
        "questionnaires/section.html",
        {
            **_context(filling, state),
            "section": section,
            "form": form,
            "editable": filling.can_edit(section),
            "conflicts": conflicts,
            "rows": _section_rows(filling, section),
            "page_title": section.title,
            "threads": section_threads,
            "comment_form": comment_form,
            "reply_to": reply_to,
            "reply_form": reply_form,
            "may_resolve": filling.can_resolve(section),
            "mention_people": [person.display_name for person in people],
            "answered": answered,
            **form_context(),
        },
        status=status,
    )


def _mark_open_threads(filling):
    """Give every section and question of ``filling`` its open threads
    (``open_threads``), for the overview and the PDF."""
    for section in filling.sections:
        section.open_threads = [c for c in filling.threads.get((section.pk, None), []) if c.is_open]
        for question in visible_questions(section):
            question.open_threads = [c for c in filling.threads.get((section.pk, question.pk), []) if c.is_open]


def _section_threads(filling, section, questions):
    """[(question or None, [comment, ...])] of the section, in question order."""
    grouped = filling.threads
    result = [(None, grouped[(section.pk, None)])] if grouped.get((section.pk, None)) else []
    result += [(question, grouped[(section.pk, question.pk)]) for question in questions if grouped.get((section.pk, question.pk))]
    return result


@require_http_methods(["GET", "HEAD", "POST"])
@scheme_view("view")
def questionnaire_comment(request, scheme, access, organisation, kind, section):
    """A new comment on the section or one of its answers. (A GET, as after logging in
    again, shows the section.)"""
    filling = load(scheme, access, kind, organisation, with_threads=True)
    section = _section_of(filling, section)
    if request.method != "POST":
        return redirect(filling.section_url(section) + "#comments")
    _require_comment(filling, section, request.user)
    form = CommentForm(request.POST, questions=visible_questions(section), prefix="comment", people=mention_people(scheme))

    def save():
        response = filling.response or response_get_or_create(
            scheme=scheme, template=filling.template, organisation=filling.organisation
        )
        return comment_add(
            response=response,
            section=section,
            question=form.chosen_question(),
            author=request.user,
            text=form.cleaned_data["text"],
            mentions=form.mentioned_ids(),
        )

    saved = submission_save(request, form, save, url=lambda comment: filling.section_url(section) + f"#comment-{comment.pk}")
    if saved is None:
        return _section_page(request, filling, section, comment_form=form, status=400)
    if not saved.again:
        messages.success(request, _("Comment added. The document's owners see it on the page."))
    return redirect(saved.url)


def _thread(filling, pk):
    if filling.response is None:
        raise Http404(_("No such comment."))
    comment = filling.response.comments.filter(parent=None, pk=pk).first()
    if comment is None:
        raise Http404(_("No such comment."))
    return comment, next(s for s in filling.sections if s.pk == comment.section_id)


def _require_owner(filling, action, user, section=None):
    """403 for an officer of another city (or association) than the document's."""
    if not filling.may(action, section):
        refuse(
            user,
            f"may not {action} {filling.kind} of organisation {filling.organisation.pk} (not acting for it)",
            _("Only the officers acting for this city (and the facilitators) may do this."),
        )


def _require_comment(filling, section, user):
    if not filling.can_comment(section):
        refuse(user, f"may not comment on {filling.kind} {section.key}", _("You may not comment on this section."))


@require_http_methods(["GET", "HEAD", "POST"])
@scheme_view("view")
def questionnaire_comment_reply(request, scheme, access, organisation, kind, comment):
    filling = load(scheme, access, kind, organisation, with_threads=True)
    comment, section = _thread(filling, comment)
    if request.method != "POST":
        return redirect(filling.section_url(section) + f"#comment-{comment.pk}")
    _require_comment(filling, section, request.user)
    form = CommentForm(request.POST, prefix=f"reply-{comment.pk}", people=mention_people(scheme))
    saved = submission_save(
        request,
        form,
        lambda: comment_add(
            response=filling.response,
            section=section,
            question=comment.question,
            author=request.user,
            text=form.cleaned_data["text"],
            parent=comment,
            mentions=form.mentioned_ids(),
        ),
        url=lambda reply: filling.section_url(section) + f"#comment-{comment.pk}",
    )
    if saved is None:
        return _section_page(request, filling, section, reply_to=comment.pk, reply_form=form, status=400)
    if not saved.again:
        messages.success(request, _("Answer added."))
    return redirect(saved.url)


@require_POST
@scheme_view("view")
def questionnaire_comment_resolve(request, scheme, access, organisation, kind, comment):
    filling = load(scheme, access, kind, organisation)
    comment, section = _thread(filling, comment)
    if not (filling.can_resolve(section) or comment.author_id == request.user.pk and filling.can_comment(section)):
        refuse(
            request.user,
            f"may not resolve comment {comment.pk}",
            _("The document's owners and the comment's author resolve a comment."),
        )
    comment_resolve(comment=comment, user=request.user, response=filling.response)
    messages.success(request, _("Comment resolved."))
    return redirect(filling.section_url(section) + f"#comment-{comment.pk}")


def _submit_question(filling):
    """What the person is asked before submitting (on a page, or in a dialog)."""
    return {
        "title": _("Submit the %(document)s of %(city)s?")
        % {"document": filling.template.title, "city": filling.organisation.label},
        "consequences": [
            _("It becomes read-only for everyone; the submitted version stays readable for good."),
            _("Who can reopen it for changes: %(roles)s.") % {"roles": who_may("reopen", filling.kind)},
        ],
        "confirm_label": _("Submit"),
    }


@require_POST
@scheme_view("view")
def questionnaire_submit(request, scheme, access, organisation, kind):
    filling = load(scheme, access, kind, organisation)
    require(access, "submit", kind, user=request.user)
    _require_owner(filling, "submit", request.user)
    if filling.response is None or filling.submitted:
        messages.error(request, _("There is nothing to submit."))
        return redirect(filling.url())
    if progress(filling.sections, filling.answers).complete and not confirmed(request):
        return confirm_page(
            request,
            **_submit_question(filling),
            cancel_url=filling.url(),
            context={"programme": scheme.programme, "scheme": scheme},
        )
    state = response_submit(response=filling.response, sections=filling.sections, user=request.user)
    if state.complete:
        messages.success(request, _("Submitted. It is read-only now; those allowed can reopen it."))
    else:
        messages.error(
            request,
            ngettext(
                "Not submitted: %(count)s required answer is missing. It is marked below.",
                "Not submitted: %(count)s required answers are missing. They are marked below.",
                len(state.missing),
            )
            % {"count": len(state.missing)},
        )
    return redirect(filling.url())


@require_POST
@scheme_view("view")
def questionnaire_reopen(request, scheme, access, organisation, kind):
    filling = load(scheme, access, kind, organisation)
    require(access, "reopen", kind, user=request.user)
    _require_owner(filling, "reopen", request.user)
    if filling.submitted:
        response_reopen(response=filling.response, actor=request.user)
        messages.success(request, _("Reopened: it can be edited again. The submitted version stays readable."))
    return redirect(filling.url())


@require_safe
@scheme_view("view")
def questionnaire_submission(request, scheme, access, organisation, kind, submission):
    filling = load(scheme, access, kind, organisation)
    if filling.response is None:
        raise Http404
    frozen = get_object_or_404(filling.response.submissions.select_related("submitted_by"), number=submission)
    rows = []
    for section in filling.sections:
        section_rows = []
        for question in visible_questions(section):
            raw = frozen.answers.get(f"{question.pk}:0", "")
            if question.is_numeric and raw:
                raw = format_number(Decimal(raw), question.kind, question.unit)
            section_rows.append((question, raw))
        rows.append((section, section_rows))
    return render(
        request,
        "questionnaires/submission.html",
        {**_context(filling, progress(filling.sections, filling.answers)), "submission": frozen, "sections_with_rows": rows},
    )


@require_safe
@scheme_view("view")
def questionnaire_history(request, scheme, access, organisation, kind):
    """Every save of every answer of this document: who, when, which question, before
    and after (the previous row of each answer found in one query)."""
    filling = load(scheme, access, kind, organisation)
    records = Answer.history.none()
    if filling.response is not None:
        records = (
            Answer.history.filter(response_id=filling.response.pk)
            .select_related("history_user", "question")
            .order_by("-history_date", "-history_id")
        )
    page = paginate(request, records)
    rows = list(page.object_list)
    previous = {}
    if rows:
        earlier = (
            Answer.history.filter(id__in={r.id for r in rows}, history_id__lt=min(r.history_id for r in rows))
            .values("id")
            .annotate(last=Max("history_id"))
            .values("last")
        )
        candidates = Answer.history.filter(history_id__in=earlier).order_by("history_id")
        older = list(candidates) + rows
        older.sort(key=lambda r: r.history_id)
        last_seen = {}
        for record in older:
            previous[record.history_id] = last_seen.get(record.id)
            last_seen[record.id] = record
    entries = []
    for record in rows:
        # _display reads a history row as it reads an answer (text or number).
        before = previous.get(record.history_id)
        entries.append(
            {
                "record": record,
                "question": record.question,
                "before": _display(record.question, before),
                "after": _display(record.question, record),
                "saves": 1,
            }
        )
    entries = fold_autosaves(
        entries,
        who=lambda e: e["record"].history_user_id,
        when=lambda e: e["record"].history_date,
        object_of=lambda e: e["record"].id,
        is_autosave=lambda e: e["record"].history_change_reason == AUTOSAVE,
        merge=lambda newer, older: {
            **newer,
            "before": older["before"],
            "saves": newer["saves"] + older["saves"],
            "since": older["record"].history_date,
        },
    )
    return render(
        request,
        "questionnaires/history.html",
        {**_context(filling, progress(filling.sections, filling.answers)), "page_obj": page, "entries": entries},
    )


def _annexes(filling):
    """The files attached to the document's answers and comments, as its annexes."""
    if filling.response is None:
        return []
    answers = (
        Answer.objects.filter(response=filling.response)
        .select_related("question__section")
        .order_by("question__section__order", "question__order", "row")
    )
    comments = filling.response.comments.select_related("section").order_by("created_at", "pk")
    return annexes(
        [
            *((answer, f"{answer.question.section.title}: {answer.question.text}") for answer in answers),
            *((comment, _("Comment on “%(section)s”") % {"section": comment.section.title}) for comment in comments),
        ]
    )


def questionnaire_document(scheme, filling, *, blank=False, with_comments=False):
    """The document of ``filling`` (from ``load`` or ``filling_of``) as filled, or
    ``blank``, or ``with_comments`` in the margin. The download and the background
    rendering (schemes.documents, as filled) both make it here."""
    _mark_open_threads(filling)
    sections = [
        (section, [(q, "" if blank else value) for q, value in _section_rows(filling, section)]) for section in filling.sections
    ]
    return render_document(
        "documents/questionnaire.html",
        {
            "filling": filling,
            "sections_with_rows": sections,
            "blank": blank,
            "programme": scheme.programme,
            "scheme": scheme,
            "attached": [] if blank else _attached(filling),
            "with_comments": with_comments,
            "annexes": [] if blank else _annexes(filling),
        },
        filename=f"{filling.template.slug}-{slugify(filling.organisation.label)}{'-blank' if blank else ''}"
        f"{'-comments' if with_comments else ''}.pdf",
    )


@require_safe
@scheme_view("view")
def questionnaire_pdf(request, scheme, access, organisation, kind):
    blank = request.GET.get("blank") == "1"
    with_comments = request.GET.get("comments") == "1" and not blank
    filling = load(scheme, access, kind, organisation, with_threads=with_comments)
    require(access, "export", kind, user=request.user)
    return pdf_response(request, questionnaire_document(scheme, filling, blank=blank, with_comments=with_comments))
