"""A programme's training sessions (docs/method.md §3.1 step 4: roles, method, timeline) and the
mentoring-styles survey run there (seed 001). Organisers plan sessions and see the
results of the people of the schemes they see (a facilitator: the schemes they
facilitate); the cities' people answer the survey and see their own profile; a scheme's
page shows how its mentor and mentee sides match.

The training carries the method (issue 23): the guide's key points on roles and
responsibilities, what a mentor does and does not do (schemes/training_content.py), are
shown on the training pages and printed as "Key points of mentoring" for everyone of
the programme."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from mentoring.access import programme_view, refuse
from mentoring.documents import pdf_response, render_document
from mentoring.forms import EditConflict
from mentoring.pages import form_page, paginate
from mentoring.submissions import submission_save

from ..forms.training import StyleSurveyForm, TrainingSessionForm
from ..models import MentoringStyleResponse, Scheme, SchemeRole, SurveySide
from ..services.setup import form_save_with_history
from ..services.styles import match, profile, responses_of, survey_save, survey_sides
from ..training_content import KEY_POINTS


def _people(programme):
    """Everyone with a role in the programme or one of its schemes."""
    return (
        get_user_model()
        .objects.filter(Q(programme_roles__programme=programme) | Q(scheme_roles__scheme__programme=programme))
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def _session(programme, pk):
    return get_object_or_404(programme.training_sessions.all(), pk=pk)


def _url(programme, session=None):
    if session is None:
        return reverse("schemes:training_sessions", kwargs={"programme": programme.slug})
    return reverse("schemes:training_session", kwargs={"programme": programme.slug, "pk": session.pk})


@require_safe
@programme_view("view", "training")
def training_list(request, programme, access):
    sessions = programme.training_sessions.order_by("-date", "title")
    return render(
        request,
        "training/list.html",
        {"programme": programme, "access": access, "page_obj": paginate(request, sessions), "page_title": _("Training")},
    )


@require_safe
@programme_view("view", "training")
def training_key_points(request, programme, access):
    """The key points of mentoring, as the training presents them (seed 000 Annex 1 and
    chapter 2, seed 001), with their print."""
    return render(
        request,
        "training/key_points.html",
        {"programme": programme, "access": access, "key_points": KEY_POINTS, "page_title": _("Key points of mentoring")},
    )


def key_points_document(programme):
    """The key points of mentoring on A4, with the programme's name: the same for
    everyone of the programme."""
    return render_document(
        "training/key_points_document.html",
        {"programme": programme, "key_points": KEY_POINTS},
        filename=f"key-points-of-mentoring-{programme.slug}.pdf",
    )


@require_safe
@programme_view("export", "training")
def training_key_points_pdf(request, programme, access):
    return pdf_response(request, key_points_document(programme))


@programme_view("edit", "training")
def training_create(request, programme, access):
    form = TrainingSessionForm(request.POST or None, people=_people(programme))
    if request.method == "POST":

        def save():
            form.instance.programme = programme
            return form_save_with_history(
                form, actor=request.user, action="training.added", programme=programme, reason=gettext_lazy("Planned")
            )

        saved = submission_save(request, form, save, url=lambda session: _url(programme, session))
        if saved:
            if not saved.again:
                messages.success(request, _("Training session planned."))
            return redirect(saved.url)
    return form_page(
        request,
        form,
        title=_("Plan a training session"),
        submit_label=_("Save"),
        cancel_url=_url(programme),
        context={"programme": programme},
    )


@programme_view("edit", "training")
def training_edit(request, programme, access, pk):
    session = _session(programme, pk)
    form = TrainingSessionForm(request.POST or None, instance=session, people=_people(programme))
    if request.method == "POST" and form.is_valid():
        try:
            form_save_with_history(form, actor=request.user, action="training.changed", programme=programme)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            messages.success(request, _("Saved."))
            return redirect(_url(programme, session))
    return form_page(
        request,
        form,
        title=_("Edit %(title)s") % {"title": session.title},
        submit_label=_("Save"),
        cancel_url=_url(programme, session),
        context={"programme": programme},
    )


def _responses(queryset):
    return queryset.select_related("respondent", "organisation").prefetch_related("answers")


@require_safe
@programme_view("view", "training")
def training_detail(request, programme, access, pk):
    """The session; for organisers, the survey results given there by the people of the
    schemes they see, per person and per city and side."""
    session = _session(programme, pk)
    results, teams = [], []
    if access.can("export", "style_survey"):
        # A profile is its person's and their scheme's: not every facilitator's of the programme.
        seen = SchemeRole.objects.filter(scheme__in=Scheme.objects.for_user(request.user).filter(programme=programme))
        visible = responses_of(roles=seen, programme=programme.pk).filter(training_session=session)
        responses = list(_responses(visible.order_by("organisation__name", "side", "respondent__last_name")))
        results = [(response, profile([response])) for response in responses]
        grouped = {}
        for response in responses:
            # The side in the programme's words ("Implementing city side").
            grouped.setdefault((response.organisation, programme.terms.side_label(response.side)), []).append(response)
        teams = [(organisation, side, profile(members)) for (organisation, side), members in grouped.items()]
    return render(
        request,
        "training/detail.html",
        {
            "programme": programme,
            "access": access,
            "session": session,
            "attendees": session.attendees.order_by("last_name", "first_name"),
            "results": results,
            "teams": teams,
            "may_answer": access.can("edit", "style_survey"),
            "key_points": KEY_POINTS,
            "page_title": session.title,
        },
    )


def _respondent_side(request, programme):
    """(side, organisation, sides) the user answers as: the side asked for (``?side=``)
    when they act for it, else the side of their first scheme; ``sides`` all they may
    answer as ({side: organisation})."""
    sides = survey_sides(user=request.user, programme=programme)
    side = request.GET.get("side")
    if side not in sides:
        side = next(iter(sides), None)
    return side, sides.get(side), sides


@programme_view("edit", "style_survey")
def training_survey(request, programme, access, pk):
    """The survey as the user answers it, as the side of the party they act for (a
    mentor-side association as the mentor side: ``survey_side``): on the mentor side how
    they mentor, on the mentee side how they prefer to be mentored; then their profile."""
    session = _session(programme, pk)
    side, organisation, sides = _respondent_side(request, programme)
    if organisation is None:
        refuse(
            request.user,
            f"answers the survey for no city in {programme.slug}",
            _("The survey is answered by the officers of a city or association of the programme."),
        )
    existing = _responses(MentoringStyleResponse.objects.filter(programme=programme, respondent=request.user, side=side)).first()
    answers = {answer.statement: answer.agreement for answer in existing.answers.all()} if existing else {}
    form = StyleSurveyForm(request.POST or None, side=side, answers=answers)
    if request.method == "POST" and form.is_valid():
        survey_save(
            programme=programme,
            training=session,
            user=request.user,
            organisation=organisation,
            side=side,
            agreements=form.agreements(),
        )
        messages.success(request, _("Thank you: your answers are recorded. Your profile is below."))
        return redirect(request.get_full_path())
    return render(
        request,
        "training/survey.html",
        {
            "programme": programme,
            "access": access,
            "session": session,
            "form": form,
            "side": side,
            "organisation": organisation,
            "profile": profile([existing]) if existing else None,
            "other_sides": [(value, SurveySide(value).label) for value in sides if value != side],
            "page_title": _("Mentoring-styles survey"),
        },
    )


def scheme_styles(scheme):
    """How a scheme's mentor side and mentee side match: their profiles and the match
    (two queries). None when either side has not answered."""
    responses = (
        responses_of(roles=SchemeRole.objects.filter(scheme=scheme), programme=scheme.programme_id)
        .select_related("respondent", "organisation")
        .prefetch_related("answers")
    )
    mentors = [r for r in responses if r.side == SurveySide.MENTOR]
    mentees = [r for r in responses if r.side == SurveySide.MENTEE]
    if not mentors or not mentees:
        return None
    mentor_profile, mentee_profile = profile(mentors), profile(mentees)
    percent, gaps = match(mentor_profile, mentee_profile)
    return {"mentor": mentor_profile, "mentee": mentee_profile, "match": percent, "gaps": gaps}
