"""The closing review (seed 002, “Concluding the ImpleMentoring process”) and the reports
for the people who fund and govern programmes.

- the closing review page: a scheme's impact ledger (``schemes.services.closing``), read
  by everyone of the scheme; what keeps it from comparing the first and the latest
  self-assessment rounds is said with a link to where it is done;
- the scheme's closing report, PDF and XLSX: the ledger, the visits held, the actions by
  status and the lessons learned (a hook the evaluation fills);
- the programme report, PDF and XLSX, for the programme's coordinators and observers:
  every scheme's closing review side by side, progress per key factor across the
  programme, visits, actions by status, lessons. A fixed number of queries for any
  number of schemes.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from mentoring.access import programme_view, scheme_view
from mentoring.activity import last_change
from mentoring.documents import pdf_response, render_document
from mentoring.exports import xlsx_workbook_response

from ..focus import in_scope
from ..models import Scheme, Side
from ..services.closing import closing_ledger, closing_ledgers, programme_progress
from .benchmark_stages import chosen_stage

# The log entries whose date a closing report carries (its content changes with them).
CHANGES = (
    "self_assessment.",
    "focus.",
    "action.",
    "action_plan.",
    "visit.",
    "good_practice.",
    "strengths.",
    "attachment.",
    "evaluation.",
    "scheme.",
    "history.",
)


def _scheme_kwargs(scheme):
    return {"programme": scheme.programme.slug, "number": scheme.number}


def _parties(scheme):
    parties = list(scheme.parties.select_related("organisation").order_by("side", "order"))
    return (
        [p for p in parties if p.side in (Side.MENTEE, Side.PEER)],
        [p for p in parties if p.side == Side.MENTOR],
    )


@require_safe
@scheme_view("view", "closing_review")
def closing_review(request, scheme, access):
    choice = _stage(request, scheme)
    ledger = closing_ledger(scheme, benchmark=choice.stage.benchmark if choice else None)
    url = reverse("schemes:closing_review", kwargs=_scheme_kwargs(scheme))
    return render(
        request,
        "closing/review.html",
        {
            "scheme": scheme,
            "programme": scheme.programme,
            "access": access,
            "ledger": ledger,
            "page_title": _("Closing review"),
            # A scheme with several stages reviews each stage's benchmark in turn.
            "stage_links": choice.links(url) if choice else [],
            "stage_query": choice.query if choice else "",
            # No call to open the plan where the scheme makes none (its focus: schemes/focus.py).
            "plan_in_scope": in_scope(scheme, "action_plan"),
        },
    )


def _stage(request, scheme):
    """The stage ``?benchmark=`` names (404 for a version that is not one of the
    scheme's stages), else the stage in force; None for a scheme without a benchmark."""
    if not scheme.benchmark_id:
        return None
    return chosen_stage(request, scheme)


def closing_document(scheme, benchmark=None):
    """The scheme's closing report (for ``benchmark``, one of its stages' versions; by
    default its own): a title page, the ledger, the actions by status, the visits held and
    the lessons learned."""
    ledger = closing_ledger(scheme, benchmark=benchmark)
    mentees, mentors = _parties(scheme)
    return render_document(
        "closing/report.html",
        {
            "scheme": scheme,
            "programme": scheme.programme,
            "ledger": ledger,
            "mentees": mentees,
            "mentors": mentors,
            # The date of the last change the report shows: the same report prints the same.
            "today": last_change(scheme, *CHANGES) or timezone.localdate(),
        },
        filename=f"closing-report-{scheme.programme.slug}-{scheme.number}.pdf",
    )


@require_safe
@scheme_view("export", "closing_review")
def closing_report_pdf(request, scheme, access):
    choice = _stage(request, scheme)
    query = choice.query if choice else ""
    return pdf_response(
        request,
        closing_document(scheme, benchmark=choice.stage.benchmark if choice else None),
        alternatives=[
            (_("Closing report as XLSX"), reverse("schemes:closing_report_xlsx", kwargs=_scheme_kwargs(scheme)) + query)
        ],
    )


@require_safe
@scheme_view("export", "closing_review")
def closing_report_xlsx(request, scheme, access):
    choice = _stage(request, scheme)
    ledger = closing_ledger(scheme, benchmark=choice.stage.benchmark if choice else None)
    return xlsx_workbook_response(
        f"closing-report-{scheme.programme.slug}-{scheme.number}",
        [
            _ledger_sheet([ledger]),
            _actions_sheet([ledger]),
            _status_sheet([ledger]),
            _visits_sheet([ledger]),
            *_lessons_sheet([ledger]),
        ],
    )


def _programme_schemes(programme, user):
    # Only the schemes the person sees (coordinators and observers see them all).
    return list(
        Scheme.objects.for_user(user)
        .filter(programme=programme)
        .select_related("programme", "benchmark__benchmark")
        .order_by("number")
    )


def programme_document(programme, schemes):
    ledgers = list(closing_ledgers(schemes).values())
    return render_document(
        "closing/programme_report.html",
        {
            "programme": programme,
            "ledgers": ledgers,
            "progress": programme_progress(ledgers),
            "lessons_recorded": any(ledger.lessons for ledger in ledgers),
            "today": timezone.localdate(),
        },
        filename=f"programme-report-{programme.slug}.pdf",
    )


@require_safe
@programme_view("export", "programme_report")
def programme_report(request, programme, access):
    return pdf_response(
        request,
        programme_document(programme, _programme_schemes(programme, request.user)),
        alternatives=[(_("Programme report as XLSX"), reverse("schemes:programme_report_xlsx", args=[programme.slug]))],
    )


@require_safe
@programme_view("export", "programme_report")
def programme_report_xlsx(request, programme, access):
    ledgers = list(closing_ledgers(_programme_schemes(programme, request.user)).values())
    return xlsx_workbook_response(
        f"programme-report-{programme.slug}",
        [
            _progress_sheet(programme_progress(ledgers)),
            _ledger_sheet(ledgers),
            _actions_sheet(ledgers),
            _status_sheet(ledgers),
            _visits_sheet(ledgers),
            *_lessons_sheet(ledgers),
        ],
    )


# XLSX: one sheet per table, cells as data (levels as numbers 0-4 beside their labels,
# dates as dates), users' text quoted where it starts like a formula.


def _scheme_label(scheme):
    return f"{scheme.number}. {scheme.title}"


def _ledger_sheet(ledgers):
    header = [
        _("Scheme"),
        _("Key factor"),
        _("Title"),
        _("City"),
        _("Side"),
        _("Baseline level"),
        _("Baseline"),
        _("Final level"),
        _("Final"),
        _("Moved up"),
        _("Actions"),
        _("Actions done"),
        _("Needs"),
        _("Good practices drawn on"),
        _("Level moved with no action"),
        _("Actions done, no movement"),
    ]
    rows = []
    for ledger in ledgers:
        for row in ledger.rows:
            common = [
                len(row.actions),
                sum(1 for entry in row.actions if entry.action.status == "done"),
                "; ".join(need.text for need in row.needs),
                "; ".join(f"{practice.title} ({practice.city.label})" for practice in row.practices),
                _("yes") if row.moved_without_action else "",
                _("yes") if row.done_without_movement else "",
            ]
            for level in row.levels or [None]:
                if level is None:
                    city = ["", "", None, "", None, "", ""]
                else:
                    city = [
                        level.city.label,
                        str(level.rounds.side_label),
                        level.baseline,
                        level.baseline_label,
                        level.final,
                        level.final_label,
                        _("yes") if level.moved else "",
                    ]
                rows.append([_scheme_label(ledger.scheme), row.key_factor.number, row.key_factor.title, *city, *common])
    return _("Closing review"), header, rows


def _actions_sheet(ledgers):
    header = [
        _("Scheme"),
        _("No."),
        _("Action"),
        _("Key factors"),
        _("Needs"),
        _("Status"),
        _("Progress (%)"),
        _("Latest update"),
        _("Update"),
        _("Files attached"),
    ]
    rows = []
    for ledger in ledgers:
        for number, entry in enumerate(ledger.actions, start=1):
            action, latest = entry.action, entry.latest_update
            rows.append(
                [
                    _scheme_label(ledger.scheme),
                    number,
                    action.action,
                    ", ".join(kf.number for kf in action.key_factors.all()),
                    "; ".join(need.text for need in action.needs.all()),
                    action.get_status_display(),
                    action.progress,
                    latest.date if latest else None,
                    latest.text if latest else "",
                    entry.evidence,
                ]
            )
    return _("Actions"), header, rows


def _status_sheet(ledgers):
    statuses = ledgers[0].actions_by_status if ledgers else []
    header = [_("Scheme"), *(str(label) for label, _count in statuses), _("Total")]
    rows = [
        [_scheme_label(ledger.scheme), *(count for _label, count in ledger.actions_by_status), len(ledger.actions)]
        for ledger in ledgers
    ]
    return _("Actions by status"), header, rows


def _visits_sheet(ledgers):
    header = [_("Scheme"), _("Visits held"), _("Visit"), _("Title"), _("First day"), _("Last day"), _("Location"), _("Outcomes")]
    rows = []
    for ledger in ledgers:
        if not ledger.visits_held:
            rows.append([_scheme_label(ledger.scheme), 0, None, "", None, None, "", ""])
        for visit in ledger.visits_held:
            rows.append(
                [
                    _scheme_label(ledger.scheme),
                    len(ledger.visits_held),
                    visit.order,
                    visit.title,
                    visit.start_date,
                    visit.end_date,
                    visit.location,
                    visit.outcomes,
                ]
            )
    return _("Visits held"), header, rows


def _lessons_sheet(ledgers):
    rows = [[_scheme_label(ledger.scheme), heading, text] for ledger in ledgers for heading, text in ledger.lessons]
    return [(_("Lessons learned"), [_("Scheme"), _("Lesson"), _("Text")], rows)] if rows else []


def _progress_sheet(progress):
    header = [
        _("Benchmark"),
        _("Key factor"),
        _("Title"),
        _("Cities compared"),
        _("Cities that moved up"),
        _("Average baseline"),
        _("Average final"),
    ]
    rows = [
        [
            str(version),
            factor.key_factor.number,
            factor.key_factor.title,
            factor.compared,
            factor.moved_up,
            factor.average_baseline,
            factor.average_final,
        ]
        for version, factors in progress
        for factor in factors
    ]
    return _("Progress by key factor"), header, rows
