"""Notifications from the activity log: who is told of what (mentoring.notifications),
the header's unread count, the notifications page, marking read, and what is no longer
shown (a scheme the person left, an object since deleted)."""

import re

import pytest
from django.db import transaction

from mentoring.activity import log_action
from mentoring.models import LogEntry, Notification
from schemes.models import Comment, SchemeRole

SECTION = "/programmes/test-programme/schemes/1/needs-analysis/{city}/sections/mentee-needs/"


@pytest.fixture
def commented(personas):
    """The mentor's comment on the mentee city's needs analysis."""
    section = SECTION.format(city=personas.mentee_city.pk)
    response = personas.client("mentor").post(section + "comments/", {"comment-text": "Which districts?"})
    assert response.status_code == 302
    return section, Comment.objects.get()


def header(client):
    """The header's notifications link, as read aloud (its text, without the tags)."""
    page = client.get("/").content.decode()
    link = re.search(r'<a class="nav-link text-white" href="/notifications/">(.*?)</a>', page, re.S)
    return re.sub(r"<[^>]+>", "", link.group(1)) if link else ""


def test_a_mentors_comment_tells_the_mentee_with_a_link_to_the_comment(personas, commented):
    section, comment = commented
    mentee = personas.client("mentee")
    assert "Notifications (1 unread)" in header(mentee)
    page = mentee.get("/notifications/").content.decode()
    assert "Scheme A" in page
    assert "Mentor Tester commented on" in page and "in Menteeville&#x27;s needs analysis" in page
    assert f'href="{section}#comment-{comment.pk}"' in page
    # The actor is not told of what they did; another scheme's people are told nothing.
    assert not Notification.objects.filter(recipient=personas.users["mentor"]).exists()
    assert not Notification.objects.filter(recipient=personas.users["b_mentee"]).exists()
    assert header(personas.client("mentor")) == "Notifications"
    assert "No notifications." in personas.client("b_mentee").get("/notifications/").content.decode()


def test_a_reply_tells_the_thread_and_the_documents_owners_but_not_the_replier(personas, commented):
    section, comment = commented
    base = section.rsplit("sections/", 1)[0]
    personas.client("mentee").post(f"{base}comments/{comment.pk}/reply/", {f"reply-{comment.pk}-text": "The north."})
    entry = LogEntry.objects.get(action="comment.replied")
    told = set(Notification.objects.filter(entry=entry).values_list("recipient__email", flat=True))
    assert told == {"mentor@test.example"}


def test_mark_read_and_mark_all_read(personas, commented):
    mentee = personas.client("mentee")
    with transaction.atomic():
        log_action(actor=personas.users["facilitator"], action="action_plan.reopened", obj=personas.a, scheme=personas.a)
    assert "Notifications (2 unread)" in header(mentee)
    first = Notification.objects.filter(recipient=personas.users["mentee"]).order_by("id").first()
    response = mentee.post(f"/notifications/{first.pk}/read/", {"next": "/notifications/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/notifications/"
    assert "Marked as read." in response.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None
    assert "Notifications (1 unread)" in header(mentee)
    response = mentee.post("/notifications/read/", {"next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"  # never away from the site
    assert not Notification.objects.filter(recipient=personas.users["mentee"], read_at=None).exists()
    assert header(mentee) == "Notifications"


def test_marking_read_is_post_only_and_only_ones_own(personas, commented):
    mentee, mentor = personas.client("mentee"), personas.client("mentor")
    notification = Notification.objects.get(recipient=personas.users["mentee"])
    assert mentee.get(f"/notifications/{notification.pk}/read/").status_code == 405
    assert mentee.get("/notifications/read/").status_code == 405
    assert mentor.post(f"/notifications/{notification.pk}/read/").status_code == 404
    assert mentee.post("/notifications/999999/read/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    assert personas.client("anonymous").get("/notifications/").status_code == 302


def test_a_scheme_the_person_left_is_not_shown(personas, commented):
    mentee = personas.client("mentee")
    SchemeRole.objects.filter(user=personas.users["mentee"]).delete()
    assert header(mentee) == "Notifications"
    page = mentee.get("/notifications/")
    assert page.status_code == 200 and "Which" not in page.content.decode() and "No notifications." in page.content.decode()


def test_a_deleted_objects_notification_is_not_shown(personas, commented):
    _section, comment = commented
    mentee = personas.client("mentee")
    assert header(mentee) == "Notifications (1 unread)"
    comment.delete()
    assert header(mentee) == "Notifications"
    page = mentee.get("/notifications/")
    assert page.status_code == 200 and "No notifications." in page.content.decode()


def test_an_object_deleted_with_what_holds_it_leaves_no_count_and_no_e_mail(personas, commented):
    # The comment goes with the needs analysis it is on (a cascade, not a call of its own).
    _section, comment = commented
    comment.response.delete()
    assert not Comment.objects.exists()
    assert header(personas.client("mentee")) == "Notifications"
    notification = Notification.objects.get(recipient=personas.users["mentee"])
    assert notification.read_at is not None and notification.emailed_at is None


def test_a_removed_session_is_told_without_a_link(personas):
    from schemes.models import AgendaItem

    visit = personas.a.visits.get(order=1)
    visit.start_date = visit.end_date = "2027-03-10"
    visit.save()
    session = AgendaItem.objects.create(
        visit=visit, day="2027-03-10", start_time="09:00", end_time="10:00", session_type="recap", title="Recap"
    )
    from schemes.services.visits import session_remove

    session_remove(session=session, visit=visit, actor=personas.users["facilitator"])
    mentee = personas.client("mentee")
    # The session is gone, the news that it was removed is not: counted and shown.
    assert header(mentee) == "Notifications (1 unread)"
    page = mentee.get("/notifications/").content.decode()
    assert "removed the session “Recap”" in page


def told(entry):
    return set(Notification.objects.filter(entry=entry).values_list("recipient__email", flat=True))


def everyone_of_a_but(*keys):
    return {f"{key}@test.example" for key in ("facilitator", "mentor", "mentee", "association") if key not in keys}


def test_the_rules_of_who_is_told(personas):
    users, a = personas.users, personas.a
    from schemes.models import ProgrammeRole

    with transaction.atomic():
        submitted = log_action(actor=users["mentee"], action="action_plan.submitted", obj=a, scheme=a)
        dates = log_action(actor=users["facilitator"], action="visit.changed", obj=a, scheme=a, data={"fields": ["start_date"]})
        aim = log_action(actor=users["facilitator"], action="visit.changed", obj=a, scheme=a, data={"fields": ["aim"]})
        role = ProgrammeRole.objects.get(user=users["observer"])
        given = log_action(
            actor=users["coordinator"],
            action="role.given",
            obj=role,
            programme=personas.programme,
            label=users["observer"].display_name,
            data={"role": "observer", "user": users["observer"].pk},
        )
        accepted = log_action(
            actor=users["observer"],
            action="invitation.accepted",
            obj=role,
            programme=personas.programme,
            data={"role": "observer", "invited_by": users["coordinator"].pk},
        )
        other = log_action(actor=users["mentee"], action="scheme.changed", obj=a, scheme=a)
    assert told(submitted) == everyone_of_a_but("mentee")
    assert told(dates) == everyone_of_a_but("facilitator")
    assert told(aim) == set()
    assert told(given) == {"observer@test.example"}
    assert told(accepted) == {"coordinator@test.example"}
    assert told(other) == set()
    # The programme-level role links to the programme's people.
    page = personas.client("observer").get("/notifications/").content.decode()
    assert 'href="/programmes/test-programme/people/"' in page and "gave Observer Tester the role of" in page


def many(personas, count):
    """``count`` more notifications of the mentor's comment for the mentee, half unread."""
    template = LogEntry.objects.filter(action="comment.added").order_by("id").first()
    fields = {
        name: getattr(template, name)
        for name in ("actor_id", "action", "programme_id", "scheme_id", "content_type_id", "object_id", "label", "data")
    }
    entries = LogEntry.objects.bulk_create([LogEntry(**fields) for _ in range(count)])
    if entries[0].pk is None:  # a database that does not return the ids
        entries = list(LogEntry.objects.order_by("-id")[:count])
    Notification.objects.bulk_create(
        [
            Notification(recipient=personas.users["mentee"], entry=entry, scheme_id=entry.scheme_id, read_at=None)
            for entry in entries
        ]
    )


def test_header_and_page_cost_the_same_for_ten_or_ten_thousand(personas, commented, django_assert_max_num_queries):
    mentee = personas.client("mentee")
    mentee.get("/")  # the session's first request
    many(personas, 9)
    with django_assert_max_num_queries(15) as small_home:
        assert "Notifications (10 unread)" in header(mentee)
    with django_assert_max_num_queries(6) as small_page:
        assert mentee.get("/notifications/").status_code == 200
    many(personas, 10_000 - 10)
    with django_assert_max_num_queries(len(small_home.captured_queries)):
        assert "Notifications (99+ unread)" in header(mentee)
    with django_assert_max_num_queries(len(small_page.captured_queries)):
        page = mentee.get("/notifications/")
    assert page.content.decode().count('id="notification-') == 50
    assert "Page 1 of 200" in page.content.decode()
    print(
        f"\nqueries: home page {len(small_home.captured_queries)}, notifications page {len(small_page.captured_queries)} "
        "(for 10 and for 10,000 notifications)"
    )


def test_a_comment_on_an_action_tells_the_mentee_side_and_earlier_commenters(personas):
    from schemes.models import Action, ActionComment
    from schemes.services.action_plans import plan_get_or_create

    plan = plan_get_or_create(scheme=personas.a)
    action = Action.objects.create(plan=plan, order=1, action="Open a welcome desk")
    ActionComment.objects.create(action=action, author=personas.users["facilitator"], text="Earlier note")

    class Form:  # what action_comment_add needs of its form
        def save(self, commit):
            return ActionComment(text="How is it going?")

    from schemes.services.action_plans import action_comment_add

    with transaction.atomic():
        action_comment_add(form=Form(), action=action, user=personas.users["mentor"])
    assert told(LogEntry.objects.get(action="action.commented")) == {"mentee@test.example", "facilitator@test.example"}
    page = personas.client("mentee").get("/notifications/").content.decode()
    assert f'href="/programmes/test-programme/schemes/1/action-plan/#action-{action.pk}"' in page


def test_a_visits_new_dates_link_to_the_visit(personas):
    visit = personas.a.visits.get(order=1)
    with transaction.atomic():
        log_action(
            actor=personas.users["facilitator"],
            action="visit.changed",
            obj=visit,
            scheme=personas.a,
            data={"fields": ["location"]},
        )
    page = personas.client("association").get("/notifications/").content.decode()
    assert 'href="/programmes/test-programme/schemes/1/visits/1/"' in page and "changed the plan of the visit" in page


# -- Mentions ---------------------------------------------------------------------------


def test_a_mention_tells_that_person_at_once_and_offers_only_the_schemes_people(personas):
    section = SECTION.format(city=personas.mentee_city.pk)
    mentor = personas.client("mentor")
    page = mentor.get(section).content.decode()
    # The picker offers the scheme's people, and nobody else.
    assert 'id="mention-people"' in page and "Facilitator Tester" in page
    assert "B_Mentee Tester" not in page and "Outsider Tester" not in page
    facilitator = personas.users["facilitator"]
    response = mentor.post(
        section + "comments/", {"comment-text": "See @association tester's note.", "comment-mentions": [facilitator.pk]}
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get(action="comment.added")
    kinds = dict(Notification.objects.filter(entry=entry).values_list("recipient__email", "kind"))
    # Ticked (the facilitator) and typed (the association officer) are told as mentions;
    # the document's owner as a comment.
    assert kinds == {
        "facilitator@test.example": "mentions",
        "association@test.example": "mentions",
        "mentee@test.example": "comments",
    }


def test_a_mention_of_someone_outside_the_scheme_is_refused_or_tells_nobody(personas):
    section = SECTION.format(city=personas.mentee_city.pk)
    mentor = personas.client("mentor")
    outsider = personas.users["b_mentee"]
    response = mentor.post(section + "comments/", {"comment-text": "Ask them", "comment-mentions": [outsider.pk]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page and "Select a valid choice" in page and "Ask them" in page
    assert not Comment.objects.exists()
    # Typed by hand: plain text, nobody outside the scheme is told.
    mentor.post(section + "comments/", {"comment-text": "Ask @B_Mentee Tester"})
    assert not Notification.objects.filter(recipient=outsider).exists()
