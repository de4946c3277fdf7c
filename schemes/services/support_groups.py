"""Local support groups (Annex 5): adding a member within the limit of ten, safely when
two people add at once (the group row is locked while counting)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ..models import MAX_MEMBERS, LocalSupportGroup


@transaction.atomic
def member_add(*, scheme, city, form):
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
    member._change_reason = _("Added")
    member.save()
    return member
