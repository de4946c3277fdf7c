"""Contributions without an account: a local support group member's personal link.

Sent (after a question) by the mentee city's officers and facilitators; with it the
member answers for the coming visits, comments on the draft actions and writes progress
notes on the actions they lead. What they write shows for the scheme's people, in the
history and the activity log, under their name and organisation. An altered, revoked or
expired link, or another scheme's visit or action, is a 404 and writes nothing."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentoring.activity import recent_changes
from mentoring.models import LogEntry, Notification
from schemes.models import (
    Action,
    ActionComment,
    ActionPlanStatus,
    ImplementationUpdate,
    LocalSupportGroup,
    LocalSupportGroupMember,
    MemberLink,
    VisitReply,
)
from schemes.services.action_plans import plan_get_or_create
from schemes.services.member_links import led_actions

GROUP = "/programmes/test-programme/schemes/1/support-groups/{city}/"
PLAN = "/programmes/test-programme/schemes/1/action-plan/"


def _member(scheme, city, name="Maria Lopez", organisation="Red Cross", email="maria@redcross.example"):
    group, _created = LocalSupportGroup.objects.get_or_create(scheme=scheme, city=city)
    return LocalSupportGroupMember.objects.create(
        group=group, name=name, organisation=organisation, stakeholder_type="ngo", email=email
    )


@pytest.fixture
def member(personas):
    return _member(personas.a, personas.mentee_city)


def send(client, city, member):
    return client.post(GROUP.format(city=city.pk) + f"members/{member.pk}/link/", {"confirmed": "1"})


def token_of(message):
    return re.search(r"https?://\S+/m/([^/\s]+)/", message.body).group(1)


@pytest.fixture
def token(personas, member):
    assert send(personas.client("facilitator"), personas.mentee_city, member).status_code == 302
    return token_of(mail.outbox[-1])


def written():
    """What a member could have written: counted before and after a refused request."""
    return (
        VisitReply.objects.count(),
        ActionComment.objects.count(),
        ImplementationUpdate.objects.count(),
        LogEntry.objects.exclude(action__startswith="member_link.").count(),
        Notification.objects.count(),
    )


def test_sending_asks_first_saying_what_the_member_may_do_and_until_when(personas, member):
    client = personas.client("mentee")
    url = GROUP.format(city=personas.mentee_city.pk) + f"members/{member.pk}/link/"
    question = client.post(url)
    assert question.status_code == 200
    text = " ".join(question.content.decode().split())
    expires = timezone.localdate() + timedelta(days=30)
    assert "Send Maria Lopez a personal link?" in text and "maria@redcross.example" in text
    assert "say whether they will attend the coming visits" in text and "progress notes" in text
    assert f"valid until {expires.day}" in text
    assert MemberLink.objects.count() == 0 and mail.outbox == []

    assert client.post(url, {"confirmed": "1"}).status_code == 302
    link = MemberLink.objects.get()
    assert link.member == member and link.scheme == personas.a and link.created_by == personas.users["mentee"]
    message = mail.outbox[0]
    assert message.to == ["maria@redcross.example"]
    assert "Dear Maria Lopez, Mentee Tester sends you a personal link" in " ".join(message.body.split())
    raw = token_of(message)
    assert link.token_hash != raw and raw not in link.token_hash  # only a hash is kept
    page = client.get(GROUP.format(city=personas.mentee_city.pk)).content.decode()
    assert "Valid: sent on" in page and "Not used yet." in page
    entry = LogEntry.objects.get(action="member_link.sent")
    assert entry.actor == personas.users["mentee"]
    lines = [change.text for change in recent_changes(personas.a)]
    assert "Mentee Tester sent a personal link to Maria Lopez of the local support group of Menteeville" in lines

    # A second link revokes the first.
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert MemberLink.objects.live().count() == 1
    assert personas.client("anonymous").get(f"/m/{raw}/").status_code == 404


def test_only_the_mentee_city_and_facilitators_send_and_revoke(personas, member, token):
    url = GROUP.format(city=personas.mentee_city.pk) + f"members/{member.pk}/link/"
    for role in ("mentor", "association", "observer", "coordinator"):
        assert personas.client(role).post(url, {"confirmed": "1"}).status_code == 403, role
        assert personas.client(role).post(url + "revoke/", {"confirmed": "1"}).status_code == 403, role
    for role in ("outsider", "b_mentee"):
        assert personas.client(role).post(url, {"confirmed": "1"}).status_code == 404, role
    assert "/accounts/login/" in personas.client("anonymous").post(url, {"confirmed": "1"})["Location"]
    # The mentor side's own group: the mentee city's officers send no link there.
    mentor_member = _member(personas.a, personas.mentor_city, name="Jan", email="jan@example.org")
    mentor_url = GROUP.format(city=personas.mentor_city.pk) + f"members/{mentor_member.pk}/link/"
    assert personas.client("mentee").post(mentor_url, {"confirmed": "1"}).status_code == 403
    assert MemberLink.objects.count() == 1
    # The link list is shown to those who send links only.
    assert "Personal link" not in personas.client("mentor").get(GROUP.format(city=personas.mentee_city.pk)).content.decode()


def test_revoking_asks_then_the_link_finds_nothing(personas, member, token):
    client = personas.client("facilitator")
    url = GROUP.format(city=personas.mentee_city.pk) + f"members/{member.pk}/link/revoke/"
    question = client.post(url)
    assert question.status_code == 200 and "Revoke the personal link of Maria Lopez?" in question.content.decode()
    assert personas.client("anonymous").get(f"/m/{token}/").status_code == 200
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert MemberLink.objects.get().revoked_at is not None
    before = written()
    anonymous = personas.client("anonymous")
    assert anonymous.get(f"/m/{token}/").status_code == 404
    visit = personas.a.visits.get(order=1)
    assert anonymous.post(f"/m/{token}/visits/{visit.pk}/reply/", {f"visit-{visit.pk}-attending": "yes"}).status_code == 404
    assert written() == before
    assert LogEntry.objects.filter(action="member_link.revoked", actor=personas.users["facilitator"]).exists()


def test_the_member_page_shows_only_the_scheme_and_the_member(personas, member, token):
    response = personas.client("anonymous").get(f"/m/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Scheme A" in html and "Maria Lopez" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in html
    # No address of the signed-in site: only the member's own forms (and the language).
    addresses = set(re.findall(r'(?:href|action)="([^"#]*)', html)) - {""}  # "": the skip link
    assert addresses and all(address.startswith((f"/m/{token}/", "/static/", "/i18n/", "/privacy/")) for address in addresses), (
        addresses
    )
    # Nothing of the other people of the group, nor of another scheme.
    _member(personas.a, personas.mentee_city, name="Other Person", email="other@example.org")
    assert "Other Person" not in personas.client("anonymous").get(f"/m/{token}/").content.decode()


def test_a_member_answers_for_a_visit_and_the_scheme_sees_it(personas, member, token):
    visit = personas.a.visits.get(order=1)
    anonymous = personas.client("anonymous")
    response = anonymous.post(f"/m/{token}/visits/{visit.pk}/reply/", {f"visit-{visit.pk}-attending": "yes"})
    assert response.status_code == 302 and response["Location"].startswith(f"/m/{token}/")
    assert "Your answer: you will attend." in anonymous.get(f"/m/{token}/").content.decode()
    # Changing one's mind replaces the answer.
    anonymous.post(f"/m/{token}/visits/{visit.pk}/reply/", {f"visit-{visit.pk}-attending": "no"})
    reply = VisitReply.objects.get()
    assert reply.member == member and reply.attending is False
    assert reply.history.count() == 2
    assert MemberLink.objects.get().last_used_at is not None

    page = personas.client("mentor").get(f"/programmes/test-programme/schemes/1/visits/{visit.order}/").content.decode()
    assert "Maria Lopez (Red Cross) will not attend" in page
    entry = LogEntry.objects.filter(action="visit.member_replied").latest("id")
    assert entry.actor is None and not entry.system
    assert entry.data["member_name"] == "Maria Lopez" and entry.data["member_organisation"] == "Red Cross"
    lines = [change.text for change in recent_changes(personas.a)]
    assert f"Maria Lopez (Red Cross), of the local support group, will not attend the visit “{visit.title}”" in lines
    told = set(Notification.objects.filter(entry=entry).values_list("recipient__email", flat=True))
    assert told == {"mentee@test.example", "facilitator@test.example"}
    notifications = personas.client("facilitator").get("/notifications/").content.decode()
    assert "Maria Lopez (Red Cross), of the local support group, will not attend" in notifications


def test_a_member_comments_on_a_draft_action(personas, member, token):
    plan = plan_get_or_create(scheme=personas.a)
    action = Action.objects.create(plan=plan, order=1, action="Open a welcome desk")
    anonymous = personas.client("anonymous")
    assert "Open a welcome desk" in anonymous.get(f"/m/{token}/").content.decode()
    hostile = "<script>alert('x')</script> Good idea, add evening hours."
    response = anonymous.post(f"/m/{token}/actions/{action.pk}/comment/", {f"comment-{action.pk}-text": hostile})
    assert response.status_code == 302
    comment = ActionComment.objects.get()
    assert comment.member == member and comment.author is None and comment.text == hostile
    assert comment.history.count() == 1

    page = personas.client("mentee").get(PLAN).content.decode()
    assert "Maria Lopez (Red Cross), local support group member" in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Good idea" in page and "<script>alert" not in page
    entry = LogEntry.objects.get(action="action.member_commented")
    lines = [change.text for change in recent_changes(personas.a)]
    assert "Maria Lopez (Red Cross), of the local support group, commented on the action “Open a welcome desk”" in lines
    told = set(Notification.objects.filter(entry=entry).values_list("recipient__email", flat=True))
    assert told == {"mentee@test.example", "facilitator@test.example"}

    # Once the plan is approved, its actions take no more comments from members.
    plan.status = ActionPlanStatus.APPROVED
    plan.save()
    before = written()
    assert anonymous.post(f"/m/{token}/actions/{action.pk}/comment/", {f"comment-{action.pk}-text": "Late"}).status_code == 404
    assert written() == before


def test_a_member_writes_a_progress_note_on_an_action_they_lead(personas, member, token):
    plan = plan_get_or_create(scheme=personas.a)
    led = Action.objects.create(plan=plan, order=1, action="Train volunteers", lead="City and maria  LOPEZ", progress=40)
    other = Action.objects.create(plan=plan, order=2, action="Open a welcome desk", lead="Social services")
    plan.status = ActionPlanStatus.APPROVED
    plan.save()
    anonymous = personas.client("anonymous")
    html = anonymous.get(f"/m/{token}/").content.decode()
    assert f'id="led-{led.pk}"' in html and f'id="led-{other.pk}"' not in html
    before = written()
    assert anonymous.post(f"/m/{token}/actions/{other.pk}/note/", {f"note-{other.pk}-text": "Done"}).status_code == 404
    assert written() == before
    # The lead names the member in whole words: Ana leads nothing of "Banana Growers".
    ana = _member(personas.a, personas.mentee_city, name="Ana", email="ana@example.org")
    Action.objects.create(plan=plan, order=3, action="Grow", lead="Banana Growers")
    assert led_actions(personas.a, ana) == []

    response = anonymous.post(f"/m/{token}/actions/{led.pk}/note/", {f"note-{led.pk}-text": "Twelve volunteers trained."})
    assert response.status_code == 302
    update = ImplementationUpdate.objects.get()
    assert update.member == member and update.author is None and update.progress == 40
    led.refresh_from_db()
    assert led.progress == 40  # a note tells; the city's officers set the progress
    page = personas.client("facilitator").get(PLAN).content.decode()
    assert "Twelve volunteers trained." in page and "Maria Lopez (Red Cross), local support group member" in page
    entry = LogEntry.objects.get(action="action.member_noted_progress")
    assert entry.data["member_organisation"] == "Red Cross"
    lines = [change.text for change in recent_changes(personas.a)]
    assert "Maria Lopez (Red Cross), of the local support group, wrote a progress note on the action “Train volunteers”" in lines
    assert Notification.objects.filter(entry=entry, recipient=personas.users["mentee"]).exists()


def test_bad_input_is_refused_with_the_error_summary_keeping_what_was_typed(personas, member, token):
    plan = plan_get_or_create(scheme=personas.a)
    action = Action.objects.create(plan=plan, order=1, action="Open a welcome desk")
    anonymous = personas.client("anonymous")
    before = written()
    empty = anonymous.post(f"/m/{token}/actions/{action.pk}/comment/", {f"comment-{action.pk}-text": ""})
    assert empty.status_code == 400 and "Write your comment before sending it." in empty.content.decode()
    assert "error-summary" in empty.content.decode()
    long_text = "Evening hours " * 200
    too_long = anonymous.post(f"/m/{token}/actions/{action.pk}/comment/", {f"comment-{action.pk}-text": long_text})
    html = too_long.content.decode()
    assert too_long.status_code == 400 and "at most 2000 characters" in html and long_text.strip() in html
    visit = personas.a.visits.get(order=1)
    bad = anonymous.post(f"/m/{token}/visits/{visit.pk}/reply/", {f"visit-{visit.pk}-attending": "maybe"})
    assert bad.status_code == 400 and "error-summary" in bad.content.decode()
    assert written() == before


@pytest.mark.parametrize("how", ["altered", "expired", "revoked", "archived"])
def test_an_altered_expired_or_revoked_link_or_an_archived_scheme_finds_nothing_and_writes_nothing(personas, member, token, how):
    plan = plan_get_or_create(scheme=personas.a)
    action = Action.objects.create(plan=plan, order=1, action="Open a welcome desk")
    visit = personas.a.visits.get(order=1)
    link = MemberLink.objects.get()
    if how == "altered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif how == "expired":
        link.expires_at = timezone.now() - timedelta(seconds=1)
        link.save()
    elif how == "revoked":
        link.revoked_at = timezone.now()
        link.save()
    else:  # an archived scheme is read-only for everyone
        personas.a.archived = True
        personas.a.save()
    before = written()
    anonymous = personas.client("anonymous")
    assert anonymous.get(f"/m/{token}/").status_code == 404
    assert anonymous.post(f"/m/{token}/visits/{visit.pk}/reply/", {f"visit-{visit.pk}-attending": "yes"}).status_code == 404
    assert anonymous.post(f"/m/{token}/actions/{action.pk}/comment/", {f"comment-{action.pk}-text": "Hi"}).status_code == 404
    assert anonymous.post(f"/m/{token}/actions/{action.pk}/note/", {f"note-{action.pk}-text": "Hi"}).status_code == 404
    assert written() == before
    assert MemberLink.objects.get().last_used_at is None


def test_another_schemes_visit_or_action_is_a_404_and_writes_nothing(personas, member, token):
    b_visit = personas.b.visits.get(order=1)
    b_plan = plan_get_or_create(scheme=personas.b)
    b_action = Action.objects.create(plan=b_plan, order=1, action="Elsewhere's action", lead="Maria Lopez")
    anonymous = personas.client("anonymous")
    before = written()
    assert anonymous.post(f"/m/{token}/visits/{b_visit.pk}/reply/", {f"visit-{b_visit.pk}-attending": "yes"}).status_code == 404
    assert anonymous.post(f"/m/{token}/visits/{b_visit.pk}/reply/", {}).status_code == 404
    assert anonymous.post(f"/m/{token}/actions/{b_action.pk}/comment/", {f"comment-{b_action.pk}-text": "Hi"}).status_code == 404
    assert anonymous.post(f"/m/{token}/actions/{b_action.pk}/comment/", {}).status_code == 404
    b_plan.status = ActionPlanStatus.APPROVED
    b_plan.save()
    assert anonymous.post(f"/m/{token}/actions/{b_action.pk}/note/", {f"note-{b_action.pk}-text": "Hi"}).status_code == 404
    assert written() == before
    # A held visit of the member's own scheme takes no answer either.
    visit = personas.a.visits.get(order=1)
    visit.status = "held"
    visit.save()
    assert anonymous.post(f"/m/{token}/visits/{visit.pk}/reply/", {f"visit-{visit.pk}-attending": "yes"}).status_code == 404
    assert written() == before


def test_the_member_page_keeps_its_query_count(personas, member, token, django_assert_max_num_queries):
    plan = plan_get_or_create(scheme=personas.a)
    anonymous = personas.client("anonymous")

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert anonymous.get(f"/m/{token}/").status_code == 200
        return len(queries)

    Action.objects.create(plan=plan, order=1, action="One", lead="Maria Lopez")
    few = count()
    for number in range(2, 12):
        Action.objects.create(plan=plan, order=number, action=f"Action {number}", lead="Maria Lopez")
    for order in range(4, 8):
        personas.a.visits.create(order=order, title=f"Visit {order}")
    assert count() == few
    plan.status = ActionPlanStatus.APPROVED
    plan.save()
    with django_assert_max_num_queries(8):
        assert anonymous.get(f"/m/{token}/").status_code == 200


def test_a_comment_or_note_sent_twice_at_once_is_saved_once(personas, member, token):
    plan = plan_get_or_create(scheme=personas.a)
    action = Action.objects.create(plan=plan, action="Open a welcome desk", lead="Maria Lopez")
    anonymous = personas.client("anonymous")
    for _twice in range(2):
        anonymous.post(f"/m/{token}/actions/{action.pk}/comment/", {f"comment-{action.pk}-text": "Count us in."})
    assert ActionComment.objects.filter(action=action, member=member).count() == 1
    plan.status = ActionPlanStatus.APPROVED
    plan.save()
    for _twice in range(2):
        anonymous.post(f"/m/{token}/actions/{action.pk}/note/", {f"note-{action.pk}-text": "Desk staffed."})
    assert ImplementationUpdate.objects.filter(action=action, member=member).count() == 1
