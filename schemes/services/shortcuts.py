"""Shortcuts to each person's main task on the home page (issue 26: "clicks from home to
each main task ... at most 2", measured by tests/browser/test_clicks_to_task.py).

- a facilitator: the agenda PDF of the next visit of each scheme they facilitate, dated
  or not (the "Waiting for you" list names only the visits of the next two months);
- a coordinator: "New scheme" in each programme they coordinate.

Read from what the home page reads anyway, and one query of the facilitated schemes'
next visits, whatever their number."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import ProgrammeRole, Visit, VisitStatus


@dataclass
class Shortcut:
    text: str
    url: str
    context: str  # the programme and scheme it belongs to, in words


def shortcuts_for(user, *, scope, programmes):
    """The person's shortcuts. ``scope``: what the home page read of their schemes
    (``my_work.scope_for``); ``programmes``: the programmes it lists, each with
    ``i_coordinate`` (``coordinated_annotation``). One query, for facilitators only."""
    shortcuts = []
    facilitated = {role.scheme_id for role in scope.mine if role.role == "facilitator"}
    visits = (
        Visit.objects.filter(scheme_id__in=facilitated)
        .exclude(status__in=[VisitStatus.HELD, VisitStatus.CANCELLED])
        .select_related("scheme__programme")
        .order_by("scheme__programme__name", "scheme__number", "order")
        if facilitated
        else []
    )
    seen = set()
    for visit in visits:
        if visit.scheme_id in seen:
            continue
        seen.add(visit.scheme_id)
        scheme = visit.scheme
        shortcuts.append(
            Shortcut(
                _("Agenda (PDF) of %(visit)s") % {"visit": visit},
                reverse("schemes:visit_agenda_pdf", args=[scheme.programme.slug, scheme.number, visit.order]),
                f"{scheme.programme.name} · {scheme.title}",
            )
        )
    for programme in programmes:
        if programme.i_coordinate and not programme.archived:
            shortcuts.append(
                Shortcut(
                    _("New scheme in %(programme)s") % {"programme": programme.name},
                    reverse("schemes:scheme_create", args=[programme.slug]),
                    programme.name,
                )
            )
    return shortcuts


def coordinated_annotation(user):
    """``i_coordinate`` for a queryset of programmes: whether ``user`` coordinates each."""
    return {"i_coordinate": Exists(ProgrammeRole.objects.filter(programme=OuterRef("pk"), user=user, role="coordinator"))}
