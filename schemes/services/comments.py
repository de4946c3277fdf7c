"""Comments on a filled template: questions and notes on a section or an answer, the
owners' replies, resolving. Every change is a history row (django-simple-history)."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mentoring.activity import log_action

from ..models import Comment
from .filling import document_data


def _log(action, comment, actor, response, mentions=()):
    """A comment's entry: the document, section and question it is on, its thread, and
    whose comment a reply answers (for whoever is told of it)."""
    thread = comment.parent or comment
    log_action(
        actor=actor,
        action=action,
        obj=comment,
        scheme=response.scheme,
        label=comment.section.title,
        data={
            **document_data(response),
            "sections": [comment.section.key],
            "section_title": comment.section.title,
            "question": comment.question_id,
            "thread": thread.pk,
            "thread_author": thread.author_id,
            **({"mentions": list(mentions)} if mentions else {}),
        },
    )


@transaction.atomic
def comment_add(*, response, section, question, author, text, parent=None, mentions=()):
    """A comment (or a reply to ``parent``); ``mentions``: the ids of the scheme's people
    it names, who are told."""
    comment = Comment(response=response, section=section, question=question, author=author, text=text, parent=parent)
    comment._change_reason = gettext_lazy("Replied") if parent else gettext_lazy("Written")
    comment.save()
    _log("comment.replied" if parent else "comment.added", comment, author, response, mentions)
    return comment


@transaction.atomic
def comment_resolve(*, comment, user, response):
    """Resolve an open thread of ``response`` (a no-op on a resolved one)."""
    if comment.resolved_at is None:
        comment.resolved_at = timezone.now()
        comment.resolved_by = user
        comment._change_reason = gettext_lazy("Resolved")
        comment.save()
        _log("comment.resolved", comment, user, response)
    return comment


def threads(response):
    """The threads of ``response``: {(section id, question id or None): [comment, ...]},
    open first then resolved, each with its replies prefetched (three queries)."""
    grouped = defaultdict(list)
    if response is None:
        return grouped
    comments = (
        response.comments.filter(parent=None)
        .select_related("author", "resolved_by")
        .prefetch_related(Prefetch("replies", queryset=Comment.objects.select_related("author").order_by("created_at", "pk")))
        .order_by("created_at", "pk")
    )
    for comment in comments:
        grouped[(comment.section_id, comment.question_id)].append(comment)
    for key in grouped:
        grouped[key].sort(key=lambda c: not c.is_open)
    return grouped
