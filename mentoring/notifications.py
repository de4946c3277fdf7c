"""Notifications: the entries of the activity log told to the people they concern.

Writing. ``log_action`` calls ``notify(entry)`` for every entry it creates, inside the
write's transaction: when the entry's action is one of ``RULES``, the people the rule
names (never the entry's actor) get one ``Notification`` each, in one ``bulk_create``.
The rules, one line per action code, name kinds of people (``WHO``):

- ``facilitators``, ``parties``, ``scheme``: the scheme's facilitators, the officers of
  its parties (mentee, mentor, association), everyone with a role in it;
- ``owners``: the officers acting for the city whose document it is (``data["organisation"]``);
- ``plan_owners``: the mentee side's officers (the action plan is the mentee city's; a
  community city's own plan, ``data["plan_city"]``: that city's officers);
- ``thread``: who wrote in the comment's thread (the question and its replies);
- ``action_thread``: who commented on the same action of the action plan;
- ``inviter``: who sent the invitation; ``given``: the person given a role;
- ``mentioned``: the people of the scheme a comment mentions (``data["mentions"]``).

Each rule has a ``kind`` (``KINDS``): what a person chooses how to hear of by e-mail
(``mentoring.emails``); a person a comment mentions gets it as a "mentions" one.

Reading. ``visible(user)`` is the person's notifications they may still read: of a scheme
(or programme) they still belong to, about an object that still exists (a removal, whose
object is gone by definition, is shown without a link). The text and the link are the
activity log's own (``sentence`` and ``_link``), so a notification reads like the line of
the scheme's recent changes. ``unread_count`` costs one query; the page costs the same
number of queries whatever the number of notifications.

The header's count is on every page, so it does not look for each notification's object
(``visible`` does, with a subquery per kind of object: about 10 ms to build, more than
the rest of a page). Instead, when an object the log links to is deleted, its unread
notifications are marked read at once (``forget_deleted_object``, a ``post_delete``
receiver connected in ``mentoring.apps``): the count and the page always agree.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .activity import LINKS, _link, _target_key, sentence
from .models import Notification

# A visit's change is told when its dates, place or whom to call on the day change (its
# aim, or a record, is not).
VISIT_PLACE_AND_DATES = frozenset({"start_date", "end_date", "location", "host", "mode", "time_zone", "contact", "day_contacts"})
MEETING_PLACE_AND_TIME = frozenset({"date", "start_time", "end_time", "time_zone", "place", "link", "mode"})
# The most the header counts (beyond: "99+"), so a forgotten inbox costs no more.
COUNT_LIMIT = 100


@dataclass(frozen=True)
class Kind:
    """A kind of event, as the e-mail preferences name it, with its default frequency."""

    label: object
    help: object
    default: str


# The kinds of event a person chooses how to hear of, in the order the preferences show.
KINDS = {
    "mentions": Kind(_("Mentions of me"), _("Someone names you in a comment."), "immediately"),
    "comments": Kind(_("Comments"), _("A comment or a reply on something you own or wrote."), "immediately"),
    "documents": Kind(_("Documents"), _("A document of your scheme is submitted, reopened or approved."), "daily"),
    "visits": Kind(_("Visits"), _("A visit's dates, place or agenda change."), "daily"),
    "deadlines": Kind(_("Deadlines"), _("Something you must do is due soon, or an action is overdue."), "daily"),
    "people": Kind(_("People"), _("Someone accepts your invitation, or you are given a role."), "daily"),
}


def _visit_restored(entry):
    """A restore (``history.restored``) of a visit that changed its dates, place or
    contacts: the scheme hears of it as of the same change made in the form."""
    visit = apps.get_model("schemes", "Visit")
    if entry.content_type_id != ContentType.objects.get_for_model(visit).pk:
        return False
    return bool(VISIT_PLACE_AND_DATES & set(entry.data.get("fields") or ()))


@dataclass(frozen=True)
class Rule:
    """Who is told of an action (kinds of ``WHO``), as which ``kind`` of event (``KINDS``),
    and, with ``when``, only if ``when(entry)``."""

    who: tuple
    kind: str
    when: object = None


DOCUMENT = Rule(("facilitators", "parties"), "documents")
COMMENT = Rule(("owners", "thread", "mentioned"), "comments")
AGENDA = Rule(("scheme",), "visits")

RULES = {
    # A comment or reply on something I own or wrote.
    "comment.added": COMMENT,
    "comment.replied": COMMENT,
    "action.commented": Rule(("plan_owners", "action_thread", "mentioned"), "comments"),
    # A document of my scheme submitted, reopened, approved.
    "needs_analysis.submitted": DOCUMENT,
    "needs_analysis.reopened": DOCUMENT,
    "strengths.submitted": DOCUMENT,
    "strengths.reopened": DOCUMENT,
    "action_plan.submitted": DOCUMENT,
    "action_plan.reopened": DOCUMENT,
    "action_plan.approved": DOCUMENT,
    "action_plan.revision_started": DOCUMENT,
    "action_plan.revision_approved": DOCUMENT,
    "evaluation.submitted": DOCUMENT,
    "evaluation.reopened": DOCUMENT,
    # A visit's dates, place, contacts or agenda changed.
    "visit.changed": Rule(
        ("scheme",), "visits", when=lambda entry: bool(VISIT_PLACE_AND_DATES & set(entry.data.get("fields") or ()))
    ),
    # A visit restored to an earlier version whose dates, place or contacts differ.
    "history.restored": Rule(("scheme",), "visits", when=lambda entry: _visit_restored(entry)),
    # A meeting between the visits planned, or its date, time or place changed.
    "meeting.added": AGENDA,
    "meeting.changed": Rule(
        ("scheme",), "visits", when=lambda entry: bool(MEETING_PLACE_AND_TIME & set(entry.data.get("fields") or ()))
    ),
    "session.added": AGENDA,
    "session.changed": AGENDA,
    "session.moved": AGENDA,
    "session.removed": AGENDA,
    # Deadlines: something I must do is due soon; an action of my city's plan is overdue.
    "deadline.near": Rule(("given",), "deadlines"),
    "deadline.overdue": Rule(("plan_owners",), "deadlines"),
    # What a local support group member wrote through their personal link: told to the
    # mentee city (whose plan and visits they are) and the facilitators.
    "visit.member_replied": Rule(("plan_owners", "facilitators"), "visits"),
    "action.member_commented": Rule(("plan_owners", "facilitators", "action_thread"), "comments"),
    "action.member_noted_progress": Rule(("plan_owners", "facilitators"), "comments"),
    # People.
    "invitation.accepted": Rule(("inviter",), "people"),
    "role.given": Rule(("given",), "people"),
}


def _model(name):
    return apps.get_model("schemes", name)


def _scheme_roles(entry, **filters):
    if entry.scheme_id is None:
        return []
    return _model("SchemeRole").objects.filter(scheme_id=entry.scheme_id, **filters).values_list("user_id", flat=True)


def _thread(entry):
    thread = entry.data.get("thread")
    if thread is None:
        return []
    comments = _model("Comment").objects.filter(Q(pk=thread) | Q(parent_id=thread))
    return comments.values_list("author_id", flat=True)


def _action_thread(entry):
    action = entry.data.get("action")
    if action is None:
        return []
    return _model("ActionComment").objects.filter(action_id=action).values_list("author_id", flat=True)


# Each kind of person a rule names: entry -> user ids.
WHO = {
    "facilitators": lambda entry: _scheme_roles(entry, role="facilitator"),
    "parties": lambda entry: _scheme_roles(entry, role__in=("mentee", "mentor", "association", "partner")),
    "scheme": lambda entry: _scheme_roles(entry),
    "owners": lambda entry: (
        _scheme_roles(entry, party__organisation_id=entry.data["organisation"]) if entry.data.get("organisation") else []
    ),
    "plan_owners": lambda entry: (
        # A community city's own plan (issue 23): that city's officers, whatever their role.
        _scheme_roles(entry, party__organisation_id=entry.data["plan_city"])
        if entry.data.get("plan_city")
        else _scheme_roles(entry, role="mentee")
    ),
    "thread": _thread,
    "action_thread": _action_thread,
    "inviter": lambda entry: [entry.data.get("invited_by")],
    "given": lambda entry: [entry.data.get("user")],
    # Only people of the scheme: a mention of anyone else tells nobody.
    "mentioned": lambda entry: _scheme_roles(entry, user_id__in=entry.data["mentions"]) if entry.data.get("mentions") else [],
}


def recipients(entry):
    """{id: kind of event} of the people told of ``entry`` (``RULES``), without its actor:
    the rule's kind, or "mentions" for the people the entry mentions."""
    rule = RULES.get(entry.action)
    if rule is None or (rule.when is not None and not rule.when(entry)):
        return {}
    people = {}
    for who in rule.who:
        kind = "mentions" if who == "mentioned" else rule.kind
        for person in WHO[who](entry):
            if kind == "mentions" or person not in people:
                people[person] = kind
    people.pop(None, None)
    people.pop(entry.actor_id, None)
    return people


def notify(entry):
    """Tell the people ``entry`` concerns (inside the transaction that wrote it); their
    e-mails "at once" leave after the commit (``mentoring.emails``)."""
    people = recipients(entry)
    if people:
        Notification.objects.bulk_create(
            [
                Notification(recipient_id=person, entry=entry, kind=kind, scheme_id=entry.scheme_id, created_at=entry.time)
                for person, kind in sorted(people.items())
            ],
            ignore_conflicts=True,
        )
        from .emails import send_soon

        send_soon(entry.pk)


# -- Reading ---------------------------------------------------------------------------


def _of_schemes_they_see(user):
    """``user``'s notifications of the schemes they still see (or of the programmes, for a
    programme-level entry)."""
    schemes = _model("Scheme").objects.for_user(user).values("pk")
    programmes = _model("Programme").objects.for_user(user).values("pk")
    return Notification.objects.filter(recipient=user).filter(
        Q(scheme__in=schemes)
        | Q(scheme__isnull=True, entry__programme__isnull=True)
        | Q(scheme__isnull=True, entry__programme__in=programmes)
    )


def linked_models():
    """The models whose objects the activity log links to (``activity.LINKS``)."""
    return [apps.get_model(*key.split(".")) for key in sorted(LINKS)]


def visible(user):
    """``user``'s notifications they may still read: of the schemes they still see (or of
    the programmes, for a programme-level entry), about an object that still exists (a
    removal is shown, without a link). Each with ``target_key`` (``activity._target_key``)."""
    return (
        _of_schemes_they_see(user)
        .annotate(target_key=_target_key("entry__"))
        .filter(Q(target_key__isnull=False) | Q(entry__action__endswith=".removed"))
    )


def unread_count(user):
    """How many of ``user``'s notifications are unread, up to ``COUNT_LIMIT``: one query.
    Those about a deleted object are read already (``forget_deleted_object``); an entry
    about an object the log has no address for is never shown, so not counted."""
    kinds = ContentType.objects.get_for_models(*linked_models()).values()
    return (
        _of_schemes_they_see(user)
        .filter(read_at__isnull=True)
        .filter(Q(entry__content_type__in=[kind.pk for kind in kinds]) | Q(entry__action__endswith=".removed"))
        .order_by()[:COUNT_LIMIT]
        .count()
    )


def forget_deleted_object(sender, instance, **kwargs):
    """``post_delete`` of an object the log links to: the unread notifications about it
    are marked read (but the one saying it was removed), as the page no longer shows
    them and nothing can be done about them; their e-mail is not sent either."""
    about = Notification.objects.filter(
        read_at__isnull=True,
        entry__content_type=ContentType.objects.get_for_model(sender),
        entry__object_id=instance.pk,
    ).exclude(entry__action__endswith=".removed")
    about.update(read_at=timezone.now())


def items(notifications):
    """Each notification (of ``visible``, with its entry, actor, kind, scheme and
    programme selected) with its ``text`` and ``url``, as the activity log says them."""
    for notification in notifications:
        entry = notification.entry
        entry.key = notification.target_key
        entry.exists = entry.key is not None
        if notification.scheme is not None:
            place = {"programme": notification.scheme.programme.slug, "number": notification.scheme.number}
        elif entry.programme is not None:
            place = {"programme": entry.programme.slug}
        else:
            place = None
        notification.text = sentence([entry])
        if notification.kind == "mentions":
            notification.text = _("You are mentioned: %(what)s") % {"what": notification.text}
        try:
            notification.url = _link([entry], place) if place is not None else ""
        except NoReverseMatch:  # an address that no longer exists: the sentence alone
            notification.url = ""
    return notifications


def grouped(notifications):
    """[(scheme or None, [notification, ...])]: newest first, each scheme's together,
    the schemes in the order of their newest notification."""
    groups = {}
    for notification in notifications:
        groups.setdefault(notification.scheme_id, (notification.scheme, []))[1].append(notification)
    return list(groups.values())


def context(request):
    """The header's unread count (a context processor): one query, made only when a page
    shows it, only for a person signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = None

    def unread():
        nonlocal count
        if count is None:
            count = unread_count(user)
        return count

    return {"notifications_unread": unread}
