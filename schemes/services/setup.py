"""Setting a programme up: programmes, organisations, schemes' parties, archiving.

Changes to many-to-many fields (benchmarks offered, facilitators, memberships) are not
history rows of their own; they are written into the change reason of the history row
of the same save, so the history page says who changed them, when and how.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ProgrammeRole, SchemeParty


def m2m_change_reason(form, instance):
    """'Benchmarks offered: + Theme A; - General' for the many-to-many fields of ``form``
    whose value changes."""
    parts = []
    for name, field in form.fields.items():
        model_field = next((f for f in instance._meta.many_to_many if f.name == name), None)
        if model_field is None or name not in form.cleaned_data:
            continue
        before = set(getattr(instance, name).all()) if instance.pk else set()
        after = set(form.cleaned_data[name])
        added = sorted(str(obj) for obj in after - before)
        removed = sorted(str(obj) for obj in before - after)
        if added or removed:
            change = " ".join([*(f"+ {label}" for label in added), *(f"- {label}" for label in removed)])
            parts.append(f"{field.label}: {change}")
    return "; ".join(parts)


@transaction.atomic
def form_save_with_history(form, *, reason=""):
    """Save a model form; many-to-many changes go into the history row's reason. A form
    of an object edited concurrently raises ``EditConflict`` (mentoring.forms) instead."""
    instance = form.save(commit=False)
    m2m_reason = m2m_change_reason(form, instance)
    instance._change_reason = "; ".join(part for part in (reason, m2m_reason) if part)[:100]
    instance.save()
    form.save_m2m()
    return instance


@transaction.atomic
def programme_create(*, form, user):
    """Create the programme from ``form``; its creator becomes its coordinator."""
    programme = form_save_with_history(form, reason=_("Created"))
    ProgrammeRole.objects.create(programme=programme, user=user, role="coordinator")
    return programme


@transaction.atomic
def organisation_register(*, form, programme):
    """Register a city, association or other organisation and add it to ``programme``."""
    organisation = form_save_with_history(form, reason=_("Registered"))
    programme.cities.add(organisation)
    return organisation


@transaction.atomic
def scheme_parties_set(*, scheme, parties):
    """Replace the parties of ``scheme`` with ``parties`` (organisation, side) in order.

    Parties that stay keep their row (and the people acting for them); a party that
    leaves takes its people's roles with it, which the view warns about first.
    """
    existing = {party.organisation_id: party for party in scheme.parties.all()}
    keep = set()
    for order, (organisation, side) in enumerate(parties):
        party = existing.get(organisation.pk)
        if party is None:
            SchemeParty.objects.create(scheme=scheme, organisation=organisation, side=side, order=order)
        else:
            keep.add(party.pk)
            if (party.side, party.order) != (side, order):
                party.side, party.order = side, order
                party.save()
    for party in existing.values():
        if party.pk not in keep:
            party.delete()


def archived_set(*, obj, archived):
    """Archive (read-only, still printable) or bring back a programme or scheme."""
    obj.archived = archived
    obj._change_reason = _("Archived") if archived else _("Brought back from the archive")
    obj.save()
    return obj

