"""Local support groups (Annex 5): adding a member within the limit of ten, safely when
two people add at once (the group row is locked while counting); changing and removing
members."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.activity import log_action

from ..models import MAX_MEMBERS, LocalSupportGroup


def _group_data(city):
    return {"city": city.label, "organisation": city.pk}


@transaction.atomic
def member_add(*, scheme, city, form, actor):
    """Add the member of ``form`` to ``city``'s group in ``scheme`` (created on first use).
    ValidationError when the group already has ten members."""
    group, _created = LocalSupportGroup.objects.get_or_create(scheme=scheme, city=city)
    group = LocalSupportGroup.objects.select_for_update().get(pk=group.pk)
    if group.members.count() >= MAX_MEMBERS:
        raise ValidationError(
            _("A local support group has at most %(max)s members. Remove one before adding another."),
            params={"max": MAX_MEMBERS},
        )
    member = form.save(commit=False)
    member.group = group
    member.order = (group.members.aggregate(last=Max("order"))["last"] or 0) + 1
    member._change_reason = gettext_lazy("Added")
    member.save()
    log_action(actor=actor, action="member.added", obj=member, scheme=scheme, data=_group_data(city))
    return member


@transaction.atomic
def member_save(*, form, scheme, city, actor):
    """Save the changes of a member of ``city``'s group (``EditConflict`` when someone
    saved it meanwhile: see ``ConcurrentEditMixin``)."""
    from .setup import form_save_with_history

    return form_save_with_history(form, actor=actor, action="member.changed", scheme=scheme, data=_group_data(city))


@transaction.atomic
def member_remove(*, member, scheme, city, actor):
    """Remove a member from ``city``'s group (it stays in the history)."""
    log_action(actor=actor, action="member.removed", obj=member, scheme=scheme, data=_group_data(city))
    member.delete()
