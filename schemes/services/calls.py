"""Calls for mentors and mentees (issue 23): opening and closing a call, a city's
application through the call's public page, and the coordinator's decision.

"...building mentoring pairs based on a call within a city network" (seed 000, §3);
"The application process for hosts and participants is crucial, as it can be
challenging to find the perfect match." (seed 004).

Applying creates no account and no organisation: only the application row. Accepting
one is where the city enters the programme:
- the city's record is found by name and country among the cities (or registered), and
  joins the programme's cities;
- a **mentee** city gets its scheme waiting for a mentor (a mentoring scheme with the
  city on the mentee side and no mentor city: what ``Scheme.objects.waiting_for_mentor``
  and matching's ``mentees()`` list), and its contact person is invited as the scheme's
  mentee city officer, to fill the needs analysis;
- a **mentor** city gets a *mentor candidacy* (the scheme of ``services.matching``'s
  docstring: the city on the mentor side and no mentee yet), so that it is one of the
  programme's cities matching ranks as candidates (``candidates_for``: the programme's
  cities not themselves waiting for a mentor) and its contact person, invited as that
  scheme's mentor city officer, can fill the strengths template (Annex 3) whose answers
  and self-assessment matching reads.
A contact person who already has an account is given the role at once (``role_grant``);
anyone else gets the invitation's one-time link, and the account is made when they
accept it (``services.invitations``). The city hears of the decision by e-mail, in the
language it applied in, with the coordinator's message.

Anonymous applications are limited per sender address and hour
(``CALL_APPLICATIONS_PER_HOUR``): the count is of the applications stored, so it holds
across every application server (a per-process cache would not).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from mentoring.access import MENTEE, MENTOR
from mentoring.activity import log_action

from ..models import (
    ApplicationSide,
    ApplicationStatus,
    Call,
    CallApplication,
    Organisation,
    OrganisationKind,
    Scheme,
    SchemeParty,
    SchemePhase,
    Side,
)
from .invitations import invitation_create, role_grant
from .matching import WAITING_TITLE
from .schemes import scheme_create
from .setup import form_save_with_history

logger = logging.getLogger("schemes.calls")

APPLICATIONS_PER_HOUR = 5


class ApplicationRefused(Exception):
    """An application that cannot be taken; ``message`` says why, for the applicant, and
    ``status`` is the page's HTTP status."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message = message
        self.status = status


class DecisionRefused(Exception):
    """A decision that cannot be made (decided meanwhile by someone else)."""


# -- E-mail ----------------------------------------------------------------------------


@task()
def call_email_send(*, subject, text, html, to):
    """Send one e-mail to a city's contact person (who has no account, so no preferences
    nor unsubscribe link: it answers what they asked for), text and HTML."""
    message = EmailMultiAlternatives(subject, text, None, to)
    message.attach_alternative(html, "text/html")
    message.send()


def _email(*, application, template, subject, context):
    """Write ``emails/<template>.txt`` and ``.html`` in the language the city applied in,
    and send them off the request."""
    with translation.override(application.language or translation.get_language()):
        context = {"application": application, "call": application.call, "site": settings.SITE_URL, **context}
        subject = " ".join(str(subject() if callable(subject) else subject).split())
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", {**context, "subject": subject})
    call_email_send.enqueue(subject=subject, text=text, html=html, to=[application.contact_email])


# -- Calls -----------------------------------------------------------------------------


@transaction.atomic
def call_open(*, form, programme, actor):
    form.instance.programme = programme
    form.instance.created_by = actor
    return form_save_with_history(form, actor=actor, action="call.opened", programme=programme, reason=gettext_lazy("Opened"))


@transaction.atomic
def call_change(*, form, actor):
    call = form.instance
    return form_save_with_history(form, actor=actor, action="call.changed", programme=call.programme)


@transaction.atomic
def call_close(*, call, actor):
    """Stop taking applications before the closing date (the applications received stay
    to be reviewed)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.closed_at is not None:
        return call
    call.closed_at = timezone.now()
    call._change_reason = gettext_lazy("Closed")
    call.save()
    log_action(actor=actor, action="call.closed", obj=call, programme=call.programme)
    return call


# -- Applying --------------------------------------------------------------------------


def sender_of(ip_address):
    """A keyed hash of the sender's address: enough to count, useless to anyone else."""
    return salted_hmac("schemes.calls.sender", ip_address or "unknown").hexdigest()


def closed_message(call):
    if call.closed_at is None and timezone.localdate() < call.opens:
        return _("This call is not open yet: it takes applications from %(date)s.") % {
            "date": date_format(call.opens, "DATE_FORMAT")
        }
    return _("This call is closed: it no longer takes applications.")


def application_submit(*, call, data, sender, language=""):
    """Record a city's application (``data``: the application form's cleaned data, the
    answers as ``answer_<n>``). ``ApplicationRefused`` when the call is closed, the
    sender sent too many in the last hour, or the address or the city applied already."""
    with transaction.atomic():
        call = Call.objects.select_for_update().select_related("programme").get(pk=call.pk)
        if not call.is_open():
            raise ApplicationRefused(closed_message(call), 410)
        limit = getattr(settings, "CALL_APPLICATIONS_PER_HOUR", APPLICATIONS_PER_HOUR)
        recent = CallApplication.objects.filter(sender=sender, submitted_at__gte=timezone.now() - timedelta(hours=1))
        if recent.count() >= limit:
            logger.warning("call %s: too many applications from one sender", call.pk)
            raise ApplicationRefused(
                _("Too many applications were sent from your connection in the last hour. Please try again later."), 429
            )
        email = data["contact_email"].strip().lower()
        name = " ".join(data["city_name"].split())
        duplicate = call.applications.filter(Q(contact_email=email) | Q(city_name__iexact=name, country=data["country"])).exists()
        exists = _(
            "An application from this city or this e-mail address already exists for this call. "
            "If something in it must change, write to the programme's coordinators."
        )
        if duplicate:
            raise ApplicationRefused(exists, 409)
        sides = call.sides_offered()
        side = data.get("side") or sides[0]
        if side not in sides:
            raise ApplicationRefused(_("This call does not take applications for this side."), 400)
        answers = [
            {"question": question, "answer": data.get(f"answer_{number}", "")}
            for number, question in enumerate(call.question_list, start=1)
        ]
        try:
            with transaction.atomic():
                application = CallApplication(
                    call=call,
                    city_name=name,
                    country=data["country"],
                    contact_name=" ".join(data["contact_name"].split()),
                    contact_email=email,
                    side=side,
                    answers=answers,
                    sender=sender,
                    language=language,
                )
                application._change_reason = gettext_lazy("Received")
                application.save()
        except IntegrityError as error:  # the same application sent twice at the same instant
            raise ApplicationRefused(exists, 409) from error
        log_action(
            actor=None,
            action="call.applied",
            obj=application,
            programme=call.programme,
            label=str(application),
            data={"call": call.title, "side": side},
        )
    return application


# -- Deciding --------------------------------------------------------------------------


def _locked(application):
    application = CallApplication.objects.select_for_update().select_related("call__programme").get(pk=application.pk)
    if application.status != ApplicationStatus.RECEIVED:
        raise DecisionRefused(
            _("This application was decided meanwhile: it is %(status)s.") % {"status": application.get_status_display().lower()}
        )
    return application


def _city(application, actor):
    """The city's record: the city of that name and country if one is registered (any
    programme), else a new one."""
    city = (
        Organisation.objects.filter(kind=OrganisationKind.CITY, name__iexact=application.city_name, country=application.country)
        .order_by("pk")
        .first()
    )
    if city is None:
        city = Organisation(kind=OrganisationKind.CITY, name=application.city_name, country=application.country)
        city._change_reason = gettext_lazy("Registered from an application to a call")
        city.save()
        log_action(actor=actor, action="organisation.registered", obj=city, programme=application.call.programme)
    return city


def _scheme_for(application, city, actor):
    """The scheme the accepted city works in before pairing, and its party there: the one
    it has already in the programme (a mentee's scheme still waiting for a mentor; any
    running scheme it mentors in), else a new one."""
    programme, side = application.call.programme, application.side
    parties = SchemeParty.objects.filter(scheme__programme=programme, scheme__archived=False, organisation=city, side=side)
    if side == ApplicationSide.MENTEE:
        parties = parties.filter(scheme__in=Scheme.objects.waiting_for_mentor())
    party = parties.exclude(scheme__phase=SchemePhase.CLOSED).select_related("scheme").order_by("scheme__number").first()
    if party is not None:
        return party.scheme, party
    if side == ApplicationSide.MENTEE:
        title = str(WAITING_TITLE) % {"city": city.name}
    else:
        title = _("%(city)s – mentor candidacy") % {"city": city.name}
    scheme = scheme_create(
        programme=programme,
        title=title,
        theme=application.call.title[:300],
        parties=[(city, Side.MENTEE if side == ApplicationSide.MENTEE else Side.MENTOR)],
        actor=actor,
    )
    return scheme, scheme.parties.get(organisation=city)


@transaction.atomic
def application_accept(*, application, message, actor, build_url):
    """Accept the application: the city joins the programme with its scheme (see the
    module's docstring), its contact person is invited (or given the role), and the city
    is told by e-mail."""
    application = _locked(application)
    call, programme = application.call, application.call.programme
    city = _city(application, actor)
    programme.cities.add(city)
    scheme, party = _scheme_for(application, city, actor)
    role = MENTEE if application.side == ApplicationSide.MENTEE else MENTOR
    existing = get_user_model().objects.filter(email__iexact=application.contact_email, is_active=True).first()
    link = ""
    if existing is not None:
        role_grant(user=existing, programme=programme, scheme=scheme, role=role, party=party, actor=actor)
    else:
        sent = invitation_create(
            programme=programme,
            scheme=scheme,
            email=application.contact_email,
            role=role,
            invited_by=actor,
            build_url=build_url,
            organisation=city,
            party=party,
            first_name=application.contact_name[:150],
            message=message,
        )
        link = sent.link
    application.status = ApplicationStatus.ACCEPTED
    application.decided_at, application.decided_by = timezone.now(), actor
    application.decision_message = message
    application.organisation, application.scheme = city, scheme
    application._change_reason = gettext_lazy("Accepted")
    application.save()
    log_action(
        actor=actor,
        action="call.accepted",
        obj=application,
        programme=programme,
        label=str(application),
        data={"call": call.title, "side": application.side, "scheme": scheme.number},
    )
    _email(
        application=application,
        template="call_accepted",
        subject=lambda: _("Your application to “%(call)s” is accepted") % {"call": call.title},
        context={"message": message, "scheme": scheme, "has_account": existing is not None},
    )
    return application, link


@transaction.atomic
def application_decline(*, application, message, actor):
    """Decline the application and e-mail the coordinator's message to the city."""
    application = _locked(application)
    call = application.call
    application.status = ApplicationStatus.DECLINED
    application.decided_at, application.decided_by = timezone.now(), actor
    application.decision_message = message
    application._change_reason = gettext_lazy("Declined")
    application.save()
    log_action(
        actor=actor,
        action="call.declined",
        obj=application,
        programme=call.programme,
        label=str(application),
        data={"call": call.title, "side": application.side},
    )
    _email(
        application=application,
        template="call_declined",
        subject=lambda: _("Your application to “%(call)s”") % {"call": call.title},
        context={"message": message},
    )
    return application
