"""Scheme pages: creating a scheme with its parties, its page, editing, parties,
archiving, history."""

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from benchmarks.models import KeyFactor
from mentoring.access import programme_view, scheme_view
from mentoring.activity import recent_changes
from mentoring.forms import EditConflict
from mentoring.pages import archive_toggle, form_page, history_view, restore_view
from mentoring.submissions import submission_save

from ..focus import out_of_scope_notice
from ..forms.setup import PartyFormSet, SchemeCreateForm, SchemeForm
from ..models import PoliticalCommitment, SchemeKind, SchemeRole, Side
from ..services.action_plans import plans_of_cities
from ..services.attachments import form_context, with_attachments, with_files_flag
from ..services.benchmark_stages import stages_follow_scheme
from ..services.evidence import evidence_pack
from ..services.progress import progress_for
from ..services.schemes import scheme_create, scope_change_kept, scope_change_reason
from ..services.setup import form_save_with_history, parties_match, scheme_parties_set
from ..services.visits import visit_defaults_follow_focus
from .training import scheme_styles


def _kind_of(form):
    kind = form.data.get(form.add_prefix("kind")) if form.is_bound else form.initial.get("kind")
    return kind if kind in SchemeKind.values else SchemeKind.MENTORING


@programme_view("edit")
def scheme_create_view(request, programme, access):
    """A new scheme: its description, its parties (several cities, two mentors or a
    community of practice), and the default series of visits."""
    form = SchemeCreateForm(request.POST or None, programme=programme, prefix="scheme")
    formset = PartyFormSet(request.POST or None, programme=programme, kind=_kind_of(form), prefix="parties")
    if request.method == "POST":

        def create():
            data = {
                name: value
                for name, value in form.cleaned_data.items()
                if name not in {"visit_count", "seen_version", "submission"}
            }
            return scheme_create(
                programme=programme,
                parties=formset.parties(),
                visit_count=form.cleaned_data["visit_count"],
                actor=request.user,
                **data,
            )

        saved = submission_save(
            request,
            form,
            create,
            url=lambda scheme: scheme.get_absolute_url(),
            valid=lambda: form.is_valid() and formset.is_valid(),
        )
        if saved:
            if not saved.again:
                messages.success(
                    request,
                    ngettext(
                        "Scheme %(number)s created with %(visits)s visit. Next: invite its people.",
                        "Scheme %(number)s created with %(visits)s visits. Next: invite its people.",
                        form.cleaned_data["visit_count"],
                    )
                    % {"number": saved.object.number, "visits": form.cleaned_data["visit_count"]},
                )
            return redirect(saved.url)
    return render(
        request,
        "schemes/scheme_form.html",
        {
            "programme": programme,
            "form": form,
            "formset": formset,
            "title": _("New scheme"),
            "submit_label": _("Create the scheme"),
        },
    )


@require_safe
@scheme_view("view")
def scheme_detail(request, scheme, access):
    """The scheme's home: where it stands in the process (a timeline of the steps with
    the documents behind them), the next date, its parties and people, the focus key
    factors and the latest changes."""
    progress = progress_for([scheme])[scheme.pk]  # also reads its parties, people and plan
    parties = list(scheme.parties.all())
    context = {
        "scheme": scheme,
        "programme": scheme.programme,
        "access": access,
        "progress": progress,
        "parties": parties,
        "people": sorted(scheme.roles.all(), key=lambda role: (role.role, role.user.last_name)),
        "focus_key_factors": KeyFactor.objects.filter(focus_of_schemes=scheme).order_by("order"),
        # The commitments with their files (the decision, the letter): one query more
        # when there are files.
        "commitments": with_attachments(with_files_flag(PoliticalCommitment.objects.filter(scheme=scheme).order_by("-date"))),
        **form_context(),
        "styles": scheme_styles(scheme),
        "plan": progress.plan,
        # Political commitment goes with the plan: outside a needs analysis, a review or
        # an evaluation (schemes/focus.py), said so where it is recorded.
        "commitment_out_of_scope": out_of_scope_notice(scheme, "commitment"),
        # A community of practice: each peer city's own plan, with its status (two queries).
        "city_plans": plans_of_cities(scheme) if scheme.kind == SchemeKind.COMMUNITY else None,
        "changes": recent_changes(scheme),
        # A mentoring scheme with mentee cities and no mentor city waits for a match.
        "waiting_city": next(
            (
                p.organisation
                for p in parties
                if scheme.kind == SchemeKind.MENTORING
                and p.side == Side.MENTEE
                and p.organisation.kind == "city"
                and not any(q.side == Side.MENTOR and q.organisation.kind == "city" for q in parties)
            ),
            None,
        ),
    }
    return render(request, "schemes/scheme_detail.html", context)


@scheme_view("edit")
def scheme_edit(request, scheme, access):
    old_focus = scheme.focus
    form = SchemeForm(request.POST or None, instance=scheme, programme=scheme.programme)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                # A new focus (or "ends with the final plan") changes the steps the scheme
                # takes in: said in words in the history and the activity log.
                reason = scope_change_reason(form)
                form_save_with_history(
                    form,
                    actor=request.user,
                    action="scheme.scope_changed" if reason else "scheme.changed",
                    scheme=scheme,
                    reason=reason,
                    label=reason or None,
                )
                stages_follow_scheme(scheme=scheme)  # the first benchmark stage is the scheme's benchmark
                # The visits' default aims follow the focus; those someone wrote stay.
                followed = visit_defaults_follow_focus(scheme=scheme, old_focus=old_focus, actor=request.user)
        except EditConflict:
            pass  # the form says someone saved first, with what the writer typed
        else:
            messages.success(request, _("Scheme saved."))
            kept = scope_change_kept(form, scheme)
            if kept:
                messages.info(request, kept)
            if followed:
                messages.info(
                    request,
                    ngettext(
                        "%(count)s visit's aim now follows the new focus; aims someone wrote are kept.",
                        "%(count)s visits' aims now follow the new focus; aims someone wrote are kept.",
                        followed,
                    )
                    % {"count": followed},
                )
            return redirect(scheme)
    return form_page(
        request,
        form,
        title=_("Edit scheme %(number)s") % {"number": scheme.number},
        submit_label=_("Save"),
        cancel_url=scheme.get_absolute_url(),
        context={"programme": scheme.programme, "scheme": scheme},
    )


@scheme_view("edit")
def scheme_parties(request, scheme, access):
    """The cities and associations of each side. A party with people acting for it
    cannot be removed until their roles are."""
    parties = list(scheme.parties.select_related("organisation").order_by("side", "order"))
    initial = [{"organisation": party.organisation, "side": party.side} for party in parties]
    formset = PartyFormSet(request.POST or None, programme=scheme.programme, kind=scheme.kind, prefix="parties", initial=initial)
    if request.method == "POST" and formset.is_valid():
        _matched, leaving = parties_match(parties, formset.parties())
        with_people = set(SchemeRole.objects.filter(party__in=leaving).values_list("party_id", flat=True))
        staffed = [party.organisation.name for party in leaving if party.pk in with_people]
        if staffed:
            formset._non_form_errors = formset.error_class(
                [_("People act for %(names)s in this scheme: remove their roles first.") % {"names": ", ".join(staffed)}]
            )
        else:
            scheme_parties_set(scheme=scheme, parties=formset.parties(), actor=request.user)
            messages.success(request, _("Parties saved."))
            return redirect(scheme)
    return render(
        request,
        "schemes/scheme_form.html",
        {
            "programme": scheme.programme,
            "scheme": scheme,
            "formset": formset,
            "title": _("Parties of scheme %(number)s") % {"number": scheme.number},
            "submit_label": _("Save"),
        },
    )


@require_POST
@scheme_view("archive")
def scheme_archive(request, scheme, access):
    if request.POST.get("archived") == "false" and scheme.programme.archived:
        messages.error(request, _("Bring the programme back from the archive first."))
        return redirect(scheme)
    return archive_toggle(
        request,
        scheme,
        archived_message=_("Scheme archived: it is read-only, and its documents can still be printed."),
        restored_message=_("Scheme brought back from the archive."),
        context={"programme": scheme.programme, "scheme": scheme},
    )


@require_safe
@scheme_view("view")
def scheme_history(request, scheme, access):
    return history_view(
        request, scheme, access, "scheme", context={"programme": scheme.programme, "scheme": scheme, "title": scheme.title}
    )


@require_POST
@scheme_view("edit")
def scheme_restore(request, scheme, access, history_id):
    # The restore and the first stage following its benchmark: one transaction.
    with transaction.atomic():
        response = restore_view(request, scheme, access, "scheme", history_id, scheme=scheme)
        stages_follow_scheme(scheme=scheme)  # a restored benchmark moves the first stage
    return response


@require_safe
@scheme_view("view")
def evidence_pack_download(request, scheme, access):
    """The scheme's evidence pack: its current documents as PDFs and every attached file,
    in a folder per step of the method (``schemes.services.evidence``), as one ZIP."""
    pack, _entries = evidence_pack(scheme)
    name = f"evidence-{scheme.programme.slug}-{scheme.number}.zip"
    response = FileResponse(pack, as_attachment=True, filename=name, content_type="application/zip")
    response["X-Content-Type-Options"] = "nosniff"
    return response
