"""History pages for every document (django-simple-history): who changed what, when,
and restoring an earlier state.

Differences are computed in Python from consecutive history rows read in one query,
and related objects are looked up once per model, so a page costs the same few queries
however long the history.
"""

from django.core.paginator import Paginator
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from .autosave import AUTOSAVE, fold_autosaves

HIDDEN_FIELDS = {"id", "archived"}
PAGE_SIZE = 25

# Sent by ``history_restore`` inside its transaction, once the object is saved in its
# earlier state, with ``instance``, ``until`` (the restored version held until then: the
# time of the object's next version) and ``actor``. Receivers put back what the object's
# own rows do not hold (a visit's contacts per day, saved just after the visit's row) and
# return None or a dict for the activity log entry: its "fields" join the fields the
# restore changed, its other keys join the entry's data.
version_restored = Signal()


# -- Change reasons in the reader's language ---------------------------------------------
# A reason given as a message of its own (``gettext_lazy("Recorded")``) is kept as that
# message, in the source language, and said in each reader's language when shown, as
# Django's admin keeps its log's change messages. One put together from names, dates or
# values ("Paired with Mechelen") is kept as written, in the writer's language.


def reason_kept_as_message(sender, history_instance, **kwargs):
    """``pre_create_historical_record`` (django-simple-history): a lazy message given as
    the change reason is kept as its source text; every reason is cut to the column's 100
    characters here, whoever gives it. Only ``gettext_lazy("...")`` of a
    message alone: a ``format_lazy`` or a message with placeholders filled would be kept
    in English and never found in a catalogue, a ``pgettext_lazy`` would lose its context
    (give those as ``str``, in the writer's language); ``bulk_create_with_history`` sends
    no such signal."""
    reason = history_instance.history_change_reason
    if isinstance(reason, Promise):
        with translation.override(None):
            reason = str(reason)
    if reason:
        history_instance.history_change_reason = reason[:100]


def reason_said(reason):
    """A stored change reason in the active language: a message kept by
    ``reason_kept_as_message`` translated, anything else as it was written."""
    return gettext(reason) if reason else reason


def _tracked_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in HIDDEN_FIELDS
    ]


def _restored_fields(model):
    """The tracked fields a restore puts back: all but those the model names in
    ``history_restore_keeps``. Those record something its history rows do not hold (an
    agreement given to a many-to-many set, say); taken from an older row they would be
    paired with a state they were never given for, so a restore leaves them as they are."""
    kept = set(getattr(model, "history_restore_keeps", ()))
    return [field for field in _tracked_fields(model) if field.name not in kept]


def _display(field, value, related):
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        obj = related.get((field.related_model, value))
        return str(obj) if obj is not None else _("(deleted #%(id)s)") % {"id": value}
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(field, models.TimeField):
        return formats.time_format(value, "TIME_FORMAT")
    if isinstance(field, (models.IntegerField, models.DecimalField)):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def history_page(obj, page_number=1):
    """A page of ``obj``'s history, newest first: each entry has the row (date, user,
    kind of change, reason) and its changes as (label, before, after)."""
    fields = _tracked_fields(type(obj))
    rows = obj.history.select_related("history_user").order_by("-history_date", "-history_id")
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(page_number)
    records = list(page.object_list)
    # The row before the oldest on this page, to show what that one changed.
    if records:
        before = (
            obj.history.filter(history_date__lte=records[-1].history_date)
            .exclude(history_id__in=[r.history_id for r in records])
            .order_by("-history_date", "-history_id")
            .first()
        )
    else:
        before = None
    chain = [*records, before]

    wanted = {}
    for record in chain:
        if record is None:
            continue
        for field in fields:
            if isinstance(field, models.ForeignKey):
                value = getattr(record, field.attname)
                if value is not None:
                    wanted.setdefault(field.related_model, set()).add(value)
    related = {}
    for model, ids in wanted.items():
        for pk, related_obj in model._default_manager.in_bulk(ids).items():
            related[(model, pk)] = related_obj

    entries = []
    for record, previous in zip(records, chain[1:], strict=False):
        changes = []
        for field in fields:
            new = getattr(record, field.attname)
            old = getattr(previous, field.attname) if previous is not None else None
            if previous is None and (new is None or new == ""):
                continue
            if previous is None or old != new:
                changes.append(
                    (field.verbose_name, _display(field, old, related) if previous else "", _display(field, new, related))
                )
        entries.append({"record": record, "changes": changes, "first": previous is None, "saves": 1})
    entries = fold_autosaves(
        entries,
        who=lambda e: e["record"].history_user_id,
        when=lambda e: e["record"].history_date,
        object_of=lambda e: e["record"].id,
        is_autosave=lambda e: e["record"].history_change_reason == AUTOSAVE,
        merge=_merged,
    )
    return page, entries


def _merged(newer, older):
    """One entry for a person's automatic saves while writing: each field from its value
    before the first of them to its value after the last."""
    changes = {label: (before, after) for label, before, after in older["changes"]}
    for label, before, after in newer["changes"]:
        changes[label] = (changes.get(label, (before, after))[0], after)
    return {
        **newer,
        "first": older["first"],
        "saves": newer["saves"] + older["saves"],
        "since": older["record"].history_date,
        "changes": [(label, before, after) for label, (before, after) in changes.items() if before != after or older["first"]],
    }


@transaction.atomic
def history_restore(*, obj, history_id, actor, scheme=None, programme=None):
    """Put ``obj`` back in the state of its history row ``history_id`` (its own history
    only: another object's row is a DoesNotExist), with what ``version_restored``'s
    receivers put back beside it. The restore is itself a change in the history, so it can
    be undone the same way; the activity log says who restored what in ``scheme`` or
    ``programme``, and which fields changed (``data["fields"]``)."""
    from .activity import log_action

    record = obj.history.get(history_id=history_id)
    following = obj.history.filter(history_date__gt=record.history_date).order_by("history_date").first()
    until = following.history_date if following is not None else timezone.now()
    changed = []
    for field in _restored_fields(type(obj)):
        if getattr(obj, field.attname) != getattr(record, field.attname):
            changed.append(field.name)
        setattr(obj, field.attname, getattr(record, field.attname))
    when = formats.date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")
    obj._change_reason = (_("Restored the version of %(date)s") % {"date": when})[:100]
    obj.full_clean(validate_unique=True)
    obj.save()
    data = {"version": record.history_id, "of": record.history_date.isoformat(), "fields": changed}
    for _receiver, extra in version_restored.send(type(obj), instance=obj, until=until, actor=actor):
        extra = dict(extra or {})
        data["fields"] += extra.pop("fields", [])
        data.update(extra)
    log_action(actor=actor, action="history.restored", obj=obj, scheme=scheme, programme=programme, data=data)
    if scheme is not None or programme is not None:
        # The files the object had then and that were removed since come back with it.
        from schemes.services.attachments import attachments_restore

        attachments_restore(obj=obj, when=record.history_date, actor=actor, scheme=scheme, programme=programme)
    return record


def move_in_order(siblings, item, *, up):
    """Swap ``item`` with its neighbour above (``up``) or below among ``siblings`` (in
    their order) and save the rows whose ``order`` changed, each with a "Moved" entry in
    its history. False when there is no neighbour that way."""
    siblings = list(siblings)
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for order, sibling in enumerate(siblings):
        if sibling.order != order:
            sibling.order = order
            sibling._change_reason = gettext_lazy("Moved")
            sibling.save()
    return True
