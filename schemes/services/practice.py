"""The good-practice library (Annex 4): whose practices a person edits, and attaching a
mentor city's practices to its strengths without losing a concurrent change.

A good practice belongs to a city of a programme and is read by every scheme of the
programme. It is edited by its owners: the officers of that city (a mentor or mentee
role on behalf of it, in any scheme of the programme) and the facilitators of the
schemes the city takes part in.
"""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.access import FACILITATOR, MENTEE, MENTOR
from mentoring.activity import log_action

from ..models import Organisation, OrganisationKind, Response
from .attachments import attachments_with
from .filling import document_data


def owned_cities(user, programme):
    """The cities of ``programme`` whose good practices ``user`` edits (one query)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    officer = Q(
        scheme_parties__roles__user=user,
        scheme_parties__roles__role__in=[MENTOR, MENTEE],
        scheme_parties__scheme__programme=programme,
    )
    facilitated = Q(
        scheme_parties__scheme__roles__user=user,
        scheme_parties__scheme__roles__role=FACILITATOR,
        scheme_parties__scheme__programme=programme,
    )
    return Organisation.objects.filter(kind=OrganisationKind.CITY).filter(officer | facilitated).distinct().order_by("name")


@transaction.atomic
def good_practice_save(*, form, programme, user, reason=""):
    """Save a new or edited good practice of ``programme`` (the form's city is one the
    user owns: the form offers no other)."""
    from .setup import form_save_with_history

    practice = form.instance
    creating = practice.pk is None
    if creating:
        practice.programme = programme
        practice.created_by = user
    else:
        practice.version += 1
    return form_save_with_history(
        form,
        actor=user,
        action="good_practice.added" if creating else "good_practice.changed",
        programme=programme,
        data={"city": practice.city.label},
        reason=gettext_lazy("Recorded") if creating else reason,
    )


@transaction.atomic
def strengths_practices_set(*, response, shown, chosen, actor):
    """Attach and detach good practices on a strengths document: only what the writer
    changed from what they were shown, so someone else's attachment made meanwhile stays.
    Returns (added, removed) counts."""
    document, response = response, Response.objects.select_for_update().get(pk=response.pk)
    current = set(response.good_practices.values_list("pk", flat=True))
    shown, chosen = set(shown), set(chosen)
    to_add = (chosen - shown) - current
    to_remove = (shown - chosen) & current
    if to_add or to_remove:
        # The m2m history table records the new set; the reason says who did what.
        response._change_reason = _("Good practices attached: %(added)s, detached: %(removed)s") % {
            "added": len(to_add),
            "removed": len(to_remove),
        }
        response.good_practices.add(*to_add)
        response.good_practices.remove(*to_remove)
        response.save()
        log_action(
            actor=actor,
            action="strengths.practices_changed",
            obj=response,
            scheme=document.scheme,
            label=document.organisation.label,
            data={**document_data(document), "attached": sorted(to_add), "detached": sorted(to_remove)},
        )
    return len(to_add), len(to_remove)


@transaction.atomic
def strengths_practice_record(*, form, programme, response, user):
    """Record a new good practice of the city of the strengths ``response`` and attach it
    to them, in one step (issue 26: "the good practice added and attached in one go from
    the strengths page"): both writes or neither, each with its history and activity entry."""
    practice = good_practice_save(form=form, programme=programme, user=user)
    strengths_practices_set(response=response, shown=[], chosen=[practice.pk], actor=user)
    return practice


@transaction.atomic
def commitment_remove(*, commitment, scheme, actor):
    """Remove a political commitment of ``scheme`` (it stays in the history)."""
    log_action(actor=actor, action="commitment.removed", obj=commitment, scheme=scheme)
    attachments_with([commitment], actor)
    commitment.delete()
