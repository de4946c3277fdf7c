"""The programme dashboard (coordinators, facilitators, observers): every scheme the
person sees in a row, with its phase, the state of each step of the process, what is
late and the next date; filtered with django-filter; exported as CSV or XLSX."""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from mentoring.access import programme_view
from mentoring.exports import csv_response, xlsx_response
from mentoring.pages import paginate

from ..filters import DashboardFilter
from ..models import Scheme, Side
from ..services.progress import COLUMN_LABELS, STEP_LABELS, progress_for, progress_queryset

ROWS_PER_PAGE = 50
# Pages at a glance (issue 26): a next date within this many days is "due soon".
DUE_SOON_DAYS = 14


def at_a_glance(rows):
    """The rows, what needs attention first: something late, then something due within
    ``DUE_SOON_DAYS``, then the rest, each group in the schemes' order. Each row gets
    ``due_soon``."""
    soon = timezone.localdate() + datetime.timedelta(days=DUE_SOON_DAYS)
    for row in rows:
        row.due_soon = bool(row.next_date and row.next_date <= soon)
    return sorted(rows, key=lambda row: (not row.late, not row.due_soon))


def _schemes(request, programme):
    schemes = progress_queryset(Scheme.objects.for_user(request.user).filter(programme=programme, archived=False)).order_by(
        "number"
    )
    return DashboardFilter(request.GET, queryset=schemes, programme=programme)


@require_safe
@programme_view("dashboard")
def programme_dashboard(request, programme, access):
    filterset = _schemes(request, programme)
    # Every scheme's progress (a fixed number of queries, whatever their number), so that
    # what is late or due soon comes first across the pages, not only within one; the
    # counts above the table are the programme's.
    schemes = list(filterset.qs)
    progress = progress_for(schemes)
    everything = at_a_glance([progress[scheme.pk] for scheme in schemes])
    page_obj = paginate(request, everything, per_page=ROWS_PER_PAGE)
    rows = page_obj.object_list
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "schemes/dashboard.html",
        {
            "programme": programme,
            "page_title": _("Dashboard"),
            "access": access,
            "filter": filterset,
            "page_obj": page_obj,
            "rows": rows,
            # One column per step, the closing steps in one ("Closing"); the exports
            # below have every step.
            "step_labels": COLUMN_LABELS,
            "late_count": sum(1 for row in everything if row.late),
            "soon_count": sum(1 for row in everything if row.due_soon and not row.late),
            "due_soon_days": DUE_SOON_DAYS,
            # Counted on the steps each scheme takes in (its focus: schemes/focus.py).
            "done_count": sum(1 for row in everything if row.done),
            "query": query.urlencode(),
        },
    )


def _table(request, programme):
    filterset = _schemes(request, programme)
    schemes = list(filterset.qs)
    progress = progress_for(schemes)
    terms = programme.terms
    header = [_("No."), _("Scheme"), _("Theme"), str(terms.mentee_side), str(terms.mentor_side), _("Facilitators"), _("Phase")]
    for label in STEP_LABELS.values():
        header += [label, _("%(step)s: detail") % {"step": label}]
    header += [_("Focus"), _("Steps done"), _("Steps counted"), _("Late"), _("Next date"), _("Next event")]
    rows = []
    for scheme in schemes:
        row_progress = progress[scheme.pk]
        parties = list(scheme.parties.all())
        row = [
            scheme.number,
            scheme.title,
            scheme.theme,
            ", ".join(p.organisation.label for p in parties if p.side != Side.MENTOR),
            ", ".join(p.organisation.label for p in parties if p.side == Side.MENTOR),
            ", ".join(role.user.display_name for role in scheme.roles.all() if role.role == "facilitator"),
            scheme.get_phase_display(),
        ]
        for step in row_progress.steps:
            row += [str(step.state_label), step.detail]
        row += [
            scheme.get_focus_display() + (" · " + _("ends with the final action plan") if scheme.ends_with_final_plan else ""),
            row_progress.done_count,
            row_progress.total_count,
            "; ".join(f"{step.label} ({step.detail})" for step in row_progress.late),
            row_progress.next_date or "",
            row_progress.next_event,
        ]
        rows.append(row)
    return header, rows


@require_safe
@programme_view("dashboard")
def dashboard_csv(request, programme, access):
    header, rows = _table(request, programme)
    return csv_response(f"dashboard-{programme.slug}", header, rows)


@require_safe
@programme_view("dashboard")
def dashboard_xlsx(request, programme, access):
    header, rows = _table(request, programme)
    return xlsx_response(f"dashboard-{programme.slug}", _("Schemes"), header, rows)
