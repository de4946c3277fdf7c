"""Setting a programme up: programmes, organisations, schemes' parties, archiving; and
``form_save_with_history``, the save of every edit form, which records it in the
activity log (``mentoring.activity``) in the same transaction.

Changes to many-to-many fields (benchmarks offered, facilitators, memberships) are not
history rows of their own; they are written into the change reason of the history row
of the same save, so the history page says who changed them, when and how.
"""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy

from mentoring.activity import changed_fields, log_action
from mentoring.autosave import AUTOSAVE

from ..models import Programme, ProgrammeRole, Scheme, SchemeParty


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
def form_save_with_history(form, *, actor, action, scheme=None, programme=None, label=None, data=None, reason=""):
    """Save a model form; many-to-many changes go into the history row's reason. A form
    of an object edited concurrently raises ``EditConflict`` (mentoring.forms) instead.

    The save is logged as ``action`` by ``actor`` in ``scheme`` or ``programme``, with
    the fields it changed (``action`` None: the caller logs it in words of its own). An
    automatic save (``reason`` AUTOSAVE) may fold into the person's entry."""
    instance = form.save(commit=False)
    fields = changed_fields(form)
    m2m_reason = m2m_change_reason(form, instance)
    # A reason alone stays a message, said in each reader's language; joined with the
    # many-to-many changes, it is written out in the writer's language (both cut to the
    # column's length by mentoring.history.reason_kept_as_message).
    instance._change_reason = "; ".join(str(part) for part in (reason, m2m_reason) if part) if m2m_reason else reason
    instance.save()
    form.save_m2m()
    if action is not None:
        log_action(
            actor=actor,
            action=action,
            obj=instance,
            scheme=scheme,
            programme=programme,
            label=label,
            data={"fields": fields, **(data or {})},
            autosave=reason == AUTOSAVE,
        )
    return instance


@transaction.atomic
def programme_create(*, form, user):
    """Create the programme from ``form``; its creator becomes its coordinator."""
    programme = form_save_with_history(form, actor=user, action=None, reason=gettext_lazy("Created"))
    ProgrammeRole.objects.create(programme=programme, user=user, role="coordinator")
    log_action(actor=user, action="programme.created", obj=programme, programme=programme, label=programme.name)
    return programme


@transaction.atomic
def organisation_register(*, form, programme, actor):
    """Register a city, association or other organisation and add it to ``programme``."""
    organisation = form_save_with_history(form, actor=actor, action=None, reason=gettext_lazy("Registered"))
    programme.cities.add(organisation)
    log_action(actor=actor, action="organisation.registered", obj=organisation, programme=programme, label=organisation.name)
    return organisation


def parties_match(existing, parties):
    """Which existing party row each of ``parties`` (organisation, side) keeps: the row of
    the same organisation on the same side, else (a change of side) a row of the same
    organisation left over. An association may sit on both sides (one row per side), so
    a row is found by organisation and side, never by organisation alone. Returns the
    rows in the order of ``parties`` (None for a new party) and the rows that leave."""
    left = list(existing)
    matched = [None] * len(parties)
    for index, (organisation, side) in enumerate(parties):
        party = next((p for p in left if p.organisation_id == organisation.pk and p.side == side), None)
        if party is not None:
            matched[index] = party
            left.remove(party)
    for index, (organisation, _side) in enumerate(parties):
        if matched[index] is None:
            party = next((p for p in left if p.organisation_id == organisation.pk), None)
            if party is not None:
                matched[index] = party
                left.remove(party)
    return matched, left


@transaction.atomic
def scheme_parties_set(*, scheme, parties, actor):
    """Replace the parties of ``scheme`` with ``parties`` (organisation, side) in order.

    Parties that stay keep their row (and the people acting for them); a party that
    leaves takes its people's roles with it, which the view warns about first.
    """
    existing = list(scheme.parties.select_related("organisation"))
    before = {(party.organisation.name, party.side) for party in existing}
    after = {(organisation.name, side) for organisation, side in parties}
    matched, leaving = parties_match(existing, parties)
    # The leaving rows go first: a row moving to the side a leaving row of the same
    # organisation held would otherwise meet it in the unique constraint.
    for party in leaving:
        party.delete()
    moved = False
    for order, ((organisation, side), party) in enumerate(zip(parties, matched, strict=True)):
        if party is None:
            SchemeParty.objects.create(scheme=scheme, organisation=organisation, side=side, order=order)
        elif (party.side, party.order) != (side, order):
            moved = moved or party.side != side  # a change of side; a change of order alone is not news
            party.side, party.order = side, order
            party.save()
    if before == after and not moved:
        return
    log_action(
        actor=actor,
        action="scheme.parties_changed",
        obj=scheme,
        scheme=scheme,
        label=scheme.title,
        data={
            "added": sorted({name for name, _side in after - before}),
            "removed": sorted({name for name, _side in before - after}),
        },
    )


@transaction.atomic
def archived_set(*, obj, archived, actor):
    """Archive (read-only, still printable) or bring back a programme or scheme."""
    obj.archived = archived
    obj._change_reason = gettext_lazy("Archived") if archived else gettext_lazy("Brought back from the archive")
    obj.save()
    kind = "scheme" if isinstance(obj, Scheme) else "programme"
    log_action(
        actor=actor,
        action=f"{kind}.{'archived' if archived else 'unarchived'}",
        obj=obj,
        scheme=obj if isinstance(obj, Scheme) else None,
        programme=obj if isinstance(obj, Programme) else None,
        label=obj.title if isinstance(obj, Scheme) else obj.name,
    )
    return obj


def programme_people(programme):
    """The ids of the people of ``programme`` (its roles and its schemes' roles) and of the
    site's administrators, in one query: whose names its pages may show on a record it
    shares with other programmes (a city's history)."""
    from django.contrib.auth import get_user_model

    from ..models import SchemeRole

    return set(
        get_user_model()
        .objects.filter(
            Q(pk__in=ProgrammeRole.objects.filter(programme=programme).values("user_id"))
            | Q(pk__in=SchemeRole.objects.filter(scheme__programme=programme).values("user_id"))
            | Q(is_superuser=True)
        )
        .values_list("pk", flat=True)
    )
