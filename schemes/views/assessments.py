"""Self-assessment against the scheme's benchmark (docs/method.md §4, journey 3 of §6): each city of
the scheme rates itself on every key factor, reading the guide questions beside it;
rounds (baseline, re-assessments; earlier rounds read-only); charts of where the cities
stand and how far they moved; a report PDF. Each side edits its own city's rounds;
facilitators help both; everyone of the scheme reads them.

A scheme with a benchmark per stage (schemes.models.benchmark_stages) has rounds, focus
key factors and charts per benchmark: every page here takes ``?benchmark=<version id>``
of one of its stages (``chosen_stage``: any other id is a 404), the stage in force
without it."""

from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Avg, F, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from benchmarks.models import ContextFactor, KeyFactor
from mentoring.access import COORDINATOR, FACILITATOR, MENTEE, MENTOR, programme_view, refuse, require, scheme_view
from mentoring.activity import last_change
from mentoring.autosave import AUTOSAVE, autosave_response, form_errors, is_autosave
from mentoring.documents import pdf_response, render_document
from mentoring.forms import EditConflict
from mentoring.pages import confirm_page, confirmed, form_page
from mentoring.submissions import submission_save
from mentoring.translations import show_objects_in

from ..charts import levels_chart
from ..forms.assessments import SelfAssessmentCommentForm, SelfAssessmentForm, form_pages
from ..forms.benchmark_stages import StageFocusForm
from ..models import KeyFactorAssessment, Scheme, SchemeKind, SchemeParty, SelfAssessment, Side
from ..services.attachments import annexes, form_context, with_attachments
from ..services.benchmark_stages import agreement_holder
from ..services.self_assessment import (
    RoundClosed,
    focus_agree,
    focus_save,
    levels,
    round_comment_add,
    round_comments,
    round_save,
    round_start,
    round_submit,
    seen_version,
)
from .benchmark_stages import chosen_stage, stage_choice
from .cities import city_party, edits_for_city


def _benchmark(benchmark_id, *, original=False):
    """The key factors (with their guide questions) and context factors of a version, in
    the reader's language where the benchmark has a translation (in memory, for reading;
    issue 24), unless ``original``. ``key_factors.translation_notice`` says so."""
    if benchmark_id is None:
        raise Http404(_("This scheme has no benchmark to assess against."))
    key_factors = TranslatedList(
        KeyFactor.objects.filter(version_id=benchmark_id).order_by("order").prefetch_related("guide_questions")
    )
    context_factors = list(ContextFactor.objects.filter(version_id=benchmark_id).order_by("order"))
    parts = [*context_factors]
    for key_factor in key_factors:
        parts.extend([key_factor, *key_factor.guide_questions.all()])
    key_factors.translation_notice = show_objects_in(parts, original=original)
    return key_factors, context_factors


class TranslatedList(list):
    """A list that can say in which language its items are shown."""

    translation_notice = None


def _rounds(scheme, cities, *, benchmark_id, notes=True):
    """{city id: [round, ...]} against the benchmark version ``benchmark_id``, with their
    key factor rows (and context notes) attached."""
    result = {city.pk: [] for city in cities}
    rows = Prefetch(
        "key_factors", queryset=KeyFactorAssessment.objects.select_related("key_factor").order_by("key_factor__order")
    )
    assessments = (
        SelfAssessment.objects.filter(scheme=scheme, city__in=cities, benchmark_id=benchmark_id)
        .order_by("round")
        .prefetch_related(rows, *(["context_notes"] if notes else []))
    )
    for assessment in assessments:
        result[assessment.city_id].append(assessment)
    return result


def _city(scheme, access, organisation_pk):
    party = city_party(scheme, organisation_pk)
    require(access, "view", "self_assessment")
    return party, edits_for_city(access, "self_assessment", party)


def _url(scheme, city=None, suffix="", *, page=1, query=""):
    """A self-assessment address; ``query``: the stage's (``StageChoice.query``), before
    an anchor of ``suffix``."""
    kwargs = {"programme": scheme.programme.slug, "number": scheme.number}
    path, anchor = (suffix, "") if not suffix.startswith("#") else ("", suffix)
    if city is None:
        url = reverse("schemes:self_assessments", kwargs=kwargs)
    elif page != 1:
        url = reverse("schemes:self_assessment_page", kwargs={**kwargs, "organisation": city.pk, "page": page})
    else:
        url = reverse("schemes:self_assessment", kwargs={**kwargs, "organisation": city.pk})
    return url + path + query + anchor


def key_factor_url(scheme, row):
    """The page of the city's self-assessment that shows ``row``'s key factor, at its
    files (on the stage of the round's benchmark)."""
    benchmark_id = row.assessment.benchmark_id
    key_factors, context_factors = _benchmark(benchmark_id)
    page = next(
        (
            item.number
            for item in form_pages(key_factors, context_factors)
            if row.key_factor_id in {kf.pk for kf in item.key_factors}
        ),
        1,
    )
    # The stage is named only when it is not the scheme's first (its own) benchmark.
    query = "" if benchmark_id == scheme.benchmark_id else f"?benchmark={benchmark_id}"
    return _url(scheme, row.assessment.city, f"#attachments-key_factor-{row.pk}", page=page, query=query)


def _require_edit(may_edit, user):
    if not may_edit:
        refuse(
            user,
            "may not edit this self-assessment (not acting for its city)",
            _("Only the city's own officers and facilitators edit its self-assessment."),
        )


def _may_comment_round(scheme, access, party):
    """In a community of practice, a city's self-assessment is commented on by the other
    peers' officers and the organisers (issue 23: "peers comment on each other's"), and
    answered by its own officers; it stays the city's own to edit. None outside a
    community (a mentoring scheme's self-assessments have no comments)."""
    if scheme.kind != SchemeKind.COMMUNITY or party.side != Side.PEER:
        return None
    return access.can("comment", "community_peer_review") and (
        access.acts_for_any({MENTEE, MENTOR}) or bool(access.roles & {FACILITATOR, COORDINATOR})
    )


def _series_name(city, assessment):
    return f"{city.label}: {assessment.name}"


@scheme_view("view", "self_assessment")
def self_assessment(request, scheme, access, organisation, page=1):
    """One page of the city's current round: a few key factors, the form beside their
    guide questions (or the answers, read-only once submitted), or the notes on the
    context factors; which pages have their levels; on the first page the earlier
    rounds and a chart of baseline vs latest. Saving (the Save button, Previous and
    Next, saving as people type) writes only this page's rows."""
    party, may_edit = _city(scheme, access, organisation)
    city, side = party.organisation, party.side
    choice = chosen_stage(request, scheme)
    query = choice.query
    key_factors, context_factors = _benchmark(choice.benchmark_id, original=bool(request.GET.get("original")))
    pages = form_pages(key_factors, context_factors)
    if not 1 <= page <= len(pages):
        raise Http404(_("No such page."))
    here = pages[page - 1]
    rounds = _rounds(scheme, [city], benchmark_id=choice.benchmark_id)[city.pk]
    current = rounds[-1] if rounds else None
    editable = may_edit and (current is None or current.submitted_at is None)
    rows = {row.key_factor_id: row for row in current.key_factors.all()} if current else {}
    notes = {note.context_factor_id: note for note in current.context_notes.all()} if current else {}
    form = SelfAssessmentForm(
        request.POST if request.method == "POST" else None,
        key_factors=here.key_factors,
        context_factors=here.context_factors,
        rows=rows,
        notes=notes,
        seen=seen_version(current, key_factors=here.key_factors, context_factors=here.context_factors) if editable else 0,
    )
    page_url = _url(scheme, city, page=page, query=query)
    conflict, changed = False, []
    may_submit = edits_for_city(access, "self_assessment", party, "submit")
    autosave = is_autosave(request)
    if request.method == "POST":
        _require_edit(may_edit, request.user)
        if not editable:
            if autosave:
                return autosave_response("locked", http_status=409)
            messages.error(request, _("This round is submitted: it is read-only. Start a re-assessment to change it."))
            return redirect(page_url)
        if autosave and not form.is_valid():
            return autosave_response("invalid", http_status=400, errors=form_errors(form))
        if form.is_valid():
            try:
                result = round_save(
                    scheme=scheme,
                    city=city,
                    benchmark=choice.stage.benchmark,
                    assessment=current,
                    key_factors=here.key_factors,
                    context_factors=here.context_factors,
                    values=form.values(),
                    notes=form.notes(),
                    seen=form.cleaned_data.get("seen") or 0,
                    user=request.user,
                    reason=AUTOSAVE if autosave else "",
                )
            except RoundClosed:
                if autosave:
                    return autosave_response("locked", http_status=409)
                messages.error(request, _("This round was submitted meanwhile: it is read-only now."))
                return redirect(page_url)
            except ValidationError as error:
                if autosave:
                    return autosave_response("invalid", http_status=400, errors={NON_FIELD_ERRORS: error.messages})
                form.add_error(None, error)
                result = None
            if autosave:
                if result.conflict:
                    return autosave_response("conflict", http_status=409)
                return autosave_response(fields={"seen": result.version}, saved=result.saved)
            if result is not None and not result.conflict:
                submitting = "submit_round" in request.POST and may_submit
                if not (submitting and confirmed(request)):  # submitted at once: that message says it
                    messages.success(request, _("Saved.") if result.saved else _("Nothing had changed."))
                if submitting:
                    # Saved first, through the normal save: submitting never drops an edit.
                    return _submit(
                        request, scheme, city, choice, submit_url=_url(scheme, city, "submit/", query=query), back=page_url
                    )
                go = request.POST.get("go", "")
                if go.isdigit() and 1 <= int(go) <= len(pages):  # Previous or Next: saved, then there
                    return redirect(_url(scheme, city, page=int(go), query=query))
                return redirect(page_url)
            if result is not None:
                conflict, changed = True, result.changed_by_others
    nav = []  # every page, with how much of it is filled
    for item in pages:
        done, total = item.progress(rows, notes)
        nav.append(
            SimpleNamespace(
                number=item.number,
                title=item.title,
                url=_url(scheme, city, page=item.number, query=query),
                levels=bool(item.key_factors),
                done=done,
                total=total,
            )
        )
    # The evidence files of this page's key factors (those with a row): one query.
    evidence_rows = [(kf, rows[kf.pk]) for kf in here.key_factors if kf.pk in rows]
    with_attachments([row for _kf, row in evidence_rows])
    series = []
    if rounds and page == 1:
        series.append((_series_name(city, rounds[0]), levels(rounds[0])))
        if len(rounds) > 1:
            series.append((_series_name(city, rounds[-1]), levels(rounds[-1])))
    return render(
        request,
        "assessments/city.html",
        {
            "scheme": scheme,
            "programme": scheme.programme,
            "access": access,
            "city": city,
            "side": side,
            "rounds": rounds,
            "current": current,
            "form": form,
            "editable": editable,
            "may_edit": may_edit,
            "may_submit": may_submit,
            "submit_question": _submit_question(current),
            "conflict": conflict,
            "changed": changed,
            "page": here,
            "pages": nav if len(nav) > 1 else [],
            # Pages at a glance (issue 26): the round's progress and what each level means.
            "levels_done": sum(item.done for item in nav if item.levels),
            "levels_total": sum(item.total for item in nav if item.levels),
            "previous": nav[page - 2] if page > 1 else None,
            "next": nav[page] if page < len(nav) else None,
            "answered": [(kf, rows.get(kf.pk)) for kf in here.key_factors],
            "noted": [(cf, notes.get(cf.pk)) for cf in here.context_factors],
            "evidence_rows": evidence_rows,
            **form_context(),
            "chart": levels_chart(key_factors, series) if series else None,
            "translation_notice": key_factors.translation_notice,
            "page_title": _("Self-assessment: %(city)s") % {"city": city.label},
            **_stage_context(choice, _url(scheme, city)),
            **_comments_context(scheme, access, party, current),
        },
        status=409 if conflict else 200,
    )


def _comments_context(scheme, access, party, current, form=None):
    """The peers' comments on the round and the form to add one (a community of practice)."""
    may_comment = _may_comment_round(scheme, access, party)
    if may_comment is None:
        return {"peer_comments": None}
    return {
        "peer_comments": list(round_comments(current)),
        "comment_form": (form or SelfAssessmentCommentForm(prefix="round-comment")) if may_comment and current else None,
    }


@require_POST
@scheme_view("view", "self_assessment")
def self_assessment_comment(request, scheme, access, organisation):
    """A comment on the city's current round, by a peer of a community of practice (or an
    organiser, or the city's own officers answering); a mentoring scheme has none (404)."""
    party, _may_edit = _city(scheme, access, organisation)
    may_comment = _may_comment_round(scheme, access, party)
    if may_comment is None:
        raise Http404(_("A mentoring scheme's self-assessments have no comments."))
    if not may_comment:
        refuse(request.user, "may not comment on this self-assessment", _("You may not comment on this self-assessment."))
    city, choice = party.organisation, chosen_stage(request, scheme)
    back = _url(scheme, city, "#comments", query=choice.query)
    current = SelfAssessment.objects.filter(scheme=scheme, city=city, benchmark_id=choice.benchmark_id).order_by("round").last()
    if current is None:
        messages.error(request, _("%(city)s has not started its self-assessment yet.") % {"city": city.label})
        return redirect(back)
    form = SelfAssessmentCommentForm(request.POST, prefix="round-comment")
    saved = submission_save(
        request,
        form,
        lambda: round_comment_add(form=form, assessment=current, scheme=scheme, city=city, actor=request.user),
        url=lambda comment: back,
    )
    if saved:
        if not saved.again:
            messages.success(request, _("Comment added."))
        return redirect(saved.url)
    title = _("Comment on the self-assessment of %(city)s") % {"city": city.label}
    return form_page(
        request,
        form,
        title=title,
        submit_label=_("Save"),
        cancel_url=back,
        context={"programme": scheme.programme, "scheme": scheme, "page_title": title},
    )


@require_POST
@scheme_view("edit", "self_assessment")
def self_assessment_submit(request, scheme, access, organisation):
    party, may_edit = _city(scheme, access, organisation)
    city = party.organisation
    require(access, "submit", "self_assessment", user=request.user)
    _require_edit(edits_for_city(access, "self_assessment", party, "submit"), request.user)
    return _submit(request, scheme, city, chosen_stage(request, scheme), submit_url=request.get_full_path())


def _submit_question(current):
    return {
        # Before the first save there is no round yet: saving starts the baseline.
        "title": _("Submit “%(round)s”?") % {"round": current.name if current else _("Baseline")},
        "consequences": [
            _("The round becomes read-only: its levels and evidence stay as they are now, for the charts and the report."),
            _("It does not reopen; a re-assessment starts a new round from these answers."),
        ],
        "confirm_label": _("Submit this round"),
    }


def _submit(request, scheme, city, choice, *, submit_url, back=None):
    """Submit the city's current round (of the stage's benchmark) once the person has
    confirmed (on a page of its own, or in the dialog of the form they sent it from);
    ``back``: the page of the form they sent it from."""
    current = SelfAssessment.objects.filter(scheme=scheme, city=city, benchmark_id=choice.benchmark_id).order_by("round").last()
    city_url = _url(scheme, city, query=choice.query)
    if current is None or not KeyFactorAssessment.objects.filter(assessment=current, level__isnull=False).exists():
        messages.error(request, _("Give a level to at least one key factor before submitting."))
        return redirect(back or city_url)
    if not confirmed(request):
        return confirm_page(
            request,
            **_submit_question(current),
            cancel_url=back or city_url,
            action=submit_url,
            context={"programme": scheme.programme, "scheme": scheme},
        )
    round_submit(assessment=current, scheme=scheme, city=city, actor=request.user)
    messages.success(request, _("Submitted: this round is read-only now."))
    return redirect(city_url)


@require_POST
@scheme_view("edit", "self_assessment")
def self_assessment_new_round(request, scheme, access, organisation):
    party, may_edit = _city(scheme, access, organisation)
    city = party.organisation
    _require_edit(may_edit, request.user)
    choice = chosen_stage(request, scheme)
    current = SelfAssessment.objects.filter(scheme=scheme, city=city, benchmark_id=choice.benchmark_id).order_by("round").last()
    if current is None or current.submitted_at is None:
        messages.error(request, _("Submit the current round before starting a re-assessment."))
    else:
        try:
            following = round_start(scheme=scheme, city=city, previous=current, actor=request.user)
        except RoundClosed:
            messages.error(request, _("Submit the current round before starting a re-assessment."))
        else:
            messages.success(
                request, _("Round %(round)s started from the previous answers: revise them.") % {"round": following.round}
            )
    return redirect(_url(scheme, city, query=choice.query))


def _stage_context(choice, url):
    """What the pages show of the stages: the switcher's links (on ``url``), the stage."""
    return {"stage": choice.stage, "stage_query": choice.query, "stage_links": choice.links(url)}


# The most series one chart of baselines and latest rounds shows (two cities, or one's
# rounds beside another's): beyond, each city's movement has its own chart.
MAX_SERIES = 4


def _comparison(scheme, choice):
    """Every city of the scheme, its rounds against the stage's benchmark, and the chart
    of baseline and latest."""
    key_factors, context_factors = _benchmark(choice.benchmark_id)
    parties = [
        p for p in scheme.parties.select_related("organisation").order_by("side", "order") if p.organisation.kind == "city"
    ]
    cities = [p.organisation for p in parties]
    rounds = _rounds(scheme, cities, benchmark_id=choice.benchmark_id, notes=False)
    series, latest = [], []
    for party in parties:
        city_rounds = rounds[party.organisation_id]
        if city_rounds:
            latest.append((party, city_rounds[-1]))
            series.append(
                (f"{party.organisation.label} ({party.get_side_display()}): {city_rounds[-1].name}", levels(city_rounds[-1]))
            )
    baseline_series = [
        (f"{party.organisation.label}: {rounds[party.organisation_id][0].name}", levels(rounds[party.organisation_id][0]))
        for party in parties
        if len(rounds[party.organisation_id]) > 1
    ]
    together = bool(baseline_series) and len(baseline_series) + len(series) <= MAX_SERIES
    # More cities than one chart can tell apart (three or more with two rounds each): a
    # chart of each city's movement, rather than none (issue 26: it was silently missing).
    apart = []
    if baseline_series and not together:
        for party in parties:
            city_rounds = rounds[party.organisation_id]
            if len(city_rounds) > 1:
                apart.append(
                    (
                        party.organisation.label,
                        levels_chart(
                            key_factors,
                            [(city_rounds[0].name, levels(city_rounds[0])), (city_rounds[-1].name, levels(city_rounds[-1]))],
                        ),
                    )
                )
    return {
        "stage": choice.stage,
        "key_factors": key_factors,
        "context_factors": context_factors,
        "parties": parties,
        "rounds": rounds,
        "latest": latest,
        "chart": levels_chart(key_factors, series) if series else None,
        "progress_chart": levels_chart(key_factors, [*baseline_series, *series]) if together else None,
        "progress_charts": apart,
    }


@require_safe
@scheme_view("view", "self_assessment")
def self_assessments(request, scheme, access):
    choice = chosen_stage(request, scheme)
    context = _comparison(scheme, choice)
    context["parties"] = [(party, context["rounds"][party.organisation_id]) for party in context["parties"]]
    context.update(_stage_context(choice, _url(scheme)))
    return render(
        request,
        "assessments/scheme.html",
        {"scheme": scheme, "programme": scheme.programme, "access": access, "page_title": _("Self-assessment"), **context},
    )


def self_assessment_document(scheme, choice=None):
    """The report of every city's rounds against one stage's benchmark (``choice``, a
    StageChoice; the stage in force without it), with the charts. The download and the
    background rendering (schemes.documents) both make it here (404 when the scheme has
    no benchmark)."""
    choice = choice or stage_choice(scheme)
    suffix = f"-{choice.benchmark_id}" if len(choice.stages) > 1 else ""
    return render_document(
        "documents/self_assessment_report.html",
        {
            "scheme": scheme,
            "programme": scheme.programme,
            "as_of": last_change(scheme, "self_assessment.", "focus."),
            **_comparison(scheme, choice),
            "annexes": annexes(
                (
                    rating,
                    f"{rating.assessment.city.name}, {rating.assessment.name}: {rating.key_factor}",
                )
                for rating in KeyFactorAssessment.objects.filter(
                    assessment__scheme=scheme, assessment__benchmark_id=choice.benchmark_id
                )
                .select_related("assessment__city", "key_factor")
                .order_by("assessment__city__name", "assessment__round", "key_factor__order")
            ),
        },
        filename=f"self-assessment-{slugify(scheme.programme.slug)}-{scheme.number}{suffix}.pdf",
    )


@require_safe
@scheme_view("export", "self_assessment")
def self_assessment_report(request, scheme, access):
    return pdf_response(request, self_assessment_document(scheme, chosen_stage(request, scheme)))


@scheme_view("view", "scope")
def scheme_focus(request, scheme, access):
    """The scope: mentor and mentee agree the focus key factors, with what each city
    flagged as focus in its latest self-assessment beside each one. Per stage: the key
    factors of the stage's benchmark, agreed by both sides for that stage; the other
    stages' focus is kept as it is."""
    if scheme.benchmark_id is None:
        raise Http404(_("This scheme has no benchmark, so no key factors to focus on."))
    choice = chosen_stage(request, scheme)
    holder = agreement_holder(scheme, choice.stage)
    form = StageFocusForm(request.POST if "save" in request.POST else None, instance=scheme, benchmark=choice.stage.benchmark)
    every_focus = list(scheme.focus_key_factors.order_by("order"))
    form.show(every_focus)
    focus = [kf for kf in every_focus if kf.version_id == choice.benchmark_id]
    here = reverse("schemes:scheme_focus", kwargs={"programme": scheme.programme.slug, "number": scheme.number})
    if request.method == "POST":
        if "agree" in request.POST:
            require(access, "approve", "scope", user=request.user)
            if not focus:
                messages.error(request, _("There is nothing to agree yet: choose the focus key factors first."))
            elif focus_agree(scheme=scheme, roles=access.roles, actor=request.user, holder=holder):
                messages.success(request, _("Your side's agreement is recorded."))
            return redirect(here + choice.query)
        require(access, "edit", "scope", user=request.user)
        if form.is_valid():
            try:
                changed = focus_save(form=form, roles=access.roles, actor=request.user, holder=holder)
            except EditConflict:
                pass  # the form says someone saved first, with what the writer typed
            else:
                messages.success(
                    request,
                    _("Focus key factors saved; the other side is asked to agree.") if changed else _("Nothing had changed."),
                )
                return redirect(here + choice.query)
    parties = [
        p for p in scheme.parties.select_related("organisation").order_by("side", "order") if p.organisation.kind == "city"
    ]
    rounds = _rounds(scheme, [p.organisation for p in parties], benchmark_id=choice.benchmark_id, notes=False)
    flagged = {}
    for party in parties:
        latest = rounds[party.organisation_id][-1] if rounds[party.organisation_id] else None
        for row in latest.key_factors.all() if latest else []:
            if row.focus:
                flagged.setdefault(row.key_factor_id, []).append(party.organisation.label)
    choices = [(choice_, flagged.get(choice_.data["value"].value, [])) for choice_ in form["focus_key_factors"]]
    return render(
        request,
        "assessments/focus.html",
        {
            "scheme": scheme,
            "programme": scheme.programme,
            "access": access,
            "form": form,
            "choices": choices,
            "focus": focus,
            "agreement": holder,
            "page_title": _("Focus key factors"),
            **_stage_context(choice, here),
        },
    )


@require_safe
@programme_view("view", "self_assessment")
def programme_self_assessments(request, programme, access):
    """The programme's schemes side by side: the average level of the mentee side at the
    baseline and in its latest round, and of the mentor side's latest round. Only the
    schemes the user may see (scheme documents are confidential)."""
    schemes = list(Scheme.objects.for_user(request.user).filter(programme=programme, benchmark__isnull=False).order_by("number"))
    sides = {
        (party.scheme_id, party.organisation_id): party.side
        for party in SchemeParty.objects.filter(scheme__in=schemes, organisation__kind="city")
    }
    averages = (
        SelfAssessment.objects.filter(scheme__in=schemes, benchmark_id=F("scheme__benchmark_id"))
        .annotate(average=Avg("key_factors__level"))
        .values("scheme_id", "city_id", "round", "average")
        .order_by("scheme_id", "city_id", "round")
    )
    by_city = {}
    for row in averages:
        if row["average"] is not None:
            by_city.setdefault((row["scheme_id"], row["city_id"]), []).append(row["average"])
    series = {"baseline": {}, "latest": {}, "mentor": {}}
    for (scheme_id, city_id), values in by_city.items():
        side = sides.get((scheme_id, city_id))
        if side in (Side.MENTEE, Side.PEER):
            series["baseline"].setdefault(scheme_id, []).append(values[0])
            series["latest"].setdefault(scheme_id, []).append(values[-1])
        elif side == Side.MENTOR:
            series["mentor"].setdefault(scheme_id, []).append(values[-1])
    mean = {name: {pk: round(sum(v) / len(v), 1) for pk, v in values.items()} for name, values in series.items()}
    rows = [SimpleNamespace(pk=scheme.pk, number=scheme.number, title=scheme.title) for scheme in schemes]
    chart = levels_chart(
        rows,
        [
            (_("Mentee side, baseline"), mean["baseline"]),
            (_("Mentee side, latest"), mean["latest"]),
            (_("Mentor side, latest"), mean["mentor"]),
        ],
    )
    return render(
        request,
        "assessments/programme.html",
        {
            "programme": programme,
            "access": access,
            "schemes": schemes,
            "chart": chart,
            "assessed": any(mean.values()),
            "page_title": _("Self-assessment across the schemes"),
        },
    )
