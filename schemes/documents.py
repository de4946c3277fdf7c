"""A scheme's documents, laid out in the background whenever they change, so that a
download finds its PDF in the ``documents`` cache and is a file read
(mentoring.documents).

Every write in a scheme is logged by its service (``mentoring.activity.log_action``), which
calls ``documents_changed(scheme)``: a write may change what a document prints. When its
transaction commits, a marker is added in the cache and, if it was not there, the
``documents_refresh`` task is put on the queue to run ``DOCUMENT_REFRESH_DELAY_SECONDS``
later: the changes of those seconds (a person typing, autosaves) make one run. The run
clears the marker first, so a change made while it runs schedules the next one.

``documents_refresh`` makes the HTML of each of the scheme's documents, in each language
its people use, with the same functions as the downloads (so the same HTML and the same
key), and lays out, in the worker, every one whose PDF is not in the cache yet. A
document unchanged since its last run is a cache hit and costs only its HTML.

On a task backend that cannot run a task later (the immediate backend of the tests),
nothing is scheduled: downloads lay documents out as before.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django_tasks import task

from .models import OrganisationKind, Scheme, SchemeKind, TemplateKind, VisitReportItem

logger = logging.getLogger("mentoring.documents")


def _marker(scheme_id):
    return f"documents-refresh:{scheme_id}"


def documents_changed(scheme):
    """Call inside the transaction of a write that may change what one of ``scheme``'s
    documents prints (a scheme or its primary key; ``log_action`` does): its documents
    are laid out again in the background, once for the changes of
    ``DOCUMENT_REFRESH_DELAY_SECONDS``."""
    scheme_id = getattr(scheme, "pk", scheme)
    transaction.on_commit(lambda: _schedule(scheme_id))


def _schedule(scheme_id):
    if not documents_refresh.get_backend().supports_defer:
        return
    delay = settings.DOCUMENT_REFRESH_DELAY_SECONDS
    store = caches["documents"]
    # Forgotten after a while, so that a run lost on the way does not block the next.
    if not store.add(_marker(scheme_id), True, delay + settings.DOCUMENT_QUEUE_SECONDS):
        return
    try:
        documents_refresh.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(scheme_id)
    except Exception:
        # The write is saved; its documents are laid out at their next download instead.
        store.delete(_marker(scheme_id))
        logger.exception("documents of scheme %s not scheduled for rendering", scheme_id)


def languages(scheme):
    """The languages the scheme's people use (their preferred language, else the site's):
    its own people and the programme's."""
    people = get_user_model().objects.filter(
        Q(scheme_roles__scheme=scheme) | Q(programme_roles__programme_id=scheme.programme_id), is_active=True
    )
    known = {code for code, _name in settings.LANGUAGES}
    chosen = {language or settings.LANGUAGE_CODE for language in people.values_list("language", flat=True).distinct()}
    return sorted({language if language in known else settings.LANGUAGE_CODE for language in chosen} or {settings.LANGUAGE_CODE})


# The steps of the method, as the evidence pack's folders name them (``documents_by_step``
# and ``schemes.services.evidence``).
STEP_NEEDS = "needs"
STEP_ASSESSMENT = "assessment"
STEP_VISITS = "visits"
STEP_PLAN = "plan"
STEP_GROUP = "group"


def scheme_documents(scheme):
    """Each ``Document`` of the scheme, in the active language, made by the functions the
    downloads use: the action plan, each visit's agenda (and its report, once written), each
    city's needs analysis and strengths as filled, the self-assessment report, each city's local support group.
    (Good practices belong to the programme, not to a scheme.)"""
    for _step, document in documents_by_step(scheme):
        yield document


def documents_by_step(scheme):
    """(step of the method, ``Document``) for each document of ``scheme_documents``."""
    from .services.action_plans import plan_for, plans_of_cities
    from .views.action_plans import plan_document
    from .views.assessments import self_assessment_document
    from .views.questionnaires import OWNER_SIDES, filling_of, questionnaire_document
    from .views.support_groups import roster_document
    from .views.visit_reports import report_document
    from .views.visits import agenda_document

    plan = plan_for(scheme)
    if plan.pk is not None:
        yield STEP_PLAN, plan_document(scheme, plan)
    # A community of practice's cities' own plans, each with its city's name.
    for peer, city_plan in plans_of_cities(scheme) if scheme.kind == SchemeKind.COMMUNITY else []:
        if city_plan is not None:
            yield STEP_PLAN, plan_document(scheme, city_plan, peer)
    # Each visit's report too, once it has an item (read with the visits: one query).
    reported = Exists(VisitReportItem.objects.filter(visit=OuterRef("pk")))
    for visit in (
        scheme.visits.select_related("host").prefetch_related("visit_days").annotate(reported=reported).order_by("order")
    ):
        yield STEP_VISITS, agenda_document(scheme, visit)
        if visit.reported:
            yield STEP_VISITS, report_document(scheme, visit)
    parties = list(
        scheme.parties.filter(organisation__kind=OrganisationKind.CITY).select_related("organisation").order_by("side", "order")
    )
    filled = set(scheme.responses.values_list("organisation_id", "template__kind"))
    for kind in (TemplateKind.NEEDS_ANALYSIS, TemplateKind.STRENGTHS):
        for party in parties:
            if party.side in OWNER_SIDES[kind] and (party.organisation_id, kind) in filled:
                party.scheme = scheme
                yield STEP_NEEDS, questionnaire_document(scheme, filling_of(scheme, None, kind, party))
    if scheme.benchmark_id is not None:
        yield STEP_ASSESSMENT, self_assessment_document(scheme)
    for party in parties:
        yield STEP_GROUP, roster_document(scheme, party.organisation)


# Below a download's own document (``document_render``, priority 0): a worker free to
# choose takes the one someone is waiting for first.
REFRESH_PRIORITY = -10


@task(queue_name="documents", priority=REFRESH_PRIORITY)
def documents_refresh(scheme_id):
    """Lay out every document of the scheme, in each language of its people, whose PDF is
    not in the cache yet."""
    caches["documents"].delete(_marker(scheme_id))
    scheme = Scheme.objects.select_related("programme", "benchmark__benchmark").filter(pk=scheme_id).first()
    if scheme is None:
        return
    started = time.perf_counter()
    made = current = 0
    for language in languages(scheme):
        with translation.override(language):
            for document in scheme_documents(scheme):
                if document.render_here():
                    made += 1
                else:
                    current += 1
    logger.info(
        "documents of scheme %s refreshed in %.1f s: %s laid out, %s current or pending",
        scheme_id,
        time.perf_counter() - started,
        made,
        current,
    )
