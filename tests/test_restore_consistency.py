"""Restoring an earlier version never brings back a state whose fields contradict each
other: the sides' agreements to the focus are given for the focus key factors, which the
history rows do not hold, so a restore leaves the agreements as they are."""

SCHEME = "/programmes/test-programme/schemes/1/"
FOCUS = f"{SCHEME}focus/"


def save_focus(client, key_factors):
    seen = client.get(FOCUS).context["form"]["seen_version"].value()
    response = client.post(FOCUS, {"save": "1", "focus_key_factors": [kf.pk for kf in key_factors], "seen_version": seen})
    assert response.status_code == 302


def test_restoring_a_version_agreed_by_both_sides_does_not_agree_a_later_focus(personas):
    p = personas
    mentee, mentor, coordinator = p.client("mentee"), p.client("mentor"), p.client("coordinator")
    key_factors = list(p.a.benchmark.key_factors.order_by("order")[:2])

    save_focus(mentee, key_factors)  # the mentee side proposes, and agrees
    assert mentor.post(FOCUS, {"agree": "1"}).status_code == 302
    agreed_by_both = p.a.history.latest("history_id")
    assert agreed_by_both.focus_agreed_by_mentee and agreed_by_both.focus_agreed_by_mentor

    save_focus(mentor, key_factors[:1])  # another focus: the mentee side's agreement is withdrawn
    p.a.refresh_from_db()
    mentor_agreed = p.a.focus_agreed_by_mentor
    assert p.a.focus_agreed_by_mentee is None

    response = coordinator.post(f"{SCHEME}history/{agreed_by_both.history_id}/restore/")
    assert response.status_code == 302
    p.a.refresh_from_db()
    assert list(p.a.focus_key_factors.all()) == key_factors[:1]
    assert p.a.focus_agreed_by_mentee is None, "the restore forged the mentee side's agreement to a focus it never saw"
    assert p.a.focus_agreed_by_mentor == mentor_agreed
    assert "Mentee side: agreement awaited" in coordinator.get(SCHEME).content.decode()


def test_a_restore_still_puts_back_the_other_fields_and_keeps_the_agreements(personas):
    p = personas
    coordinator = p.client("coordinator")
    save_focus(p.client("mentee"), list(p.a.benchmark.key_factors.order_by("order")[:1]))
    p.client("mentor").post(FOCUS, {"agree": "1"})
    before_agreement = p.a.history.earliest("history_id")
    p.a.refresh_from_db()
    agreed = (p.a.focus_agreed_by_mentee, p.a.focus_agreed_by_mentor)
    p.a.title = "A later title"
    p.a.save()

    coordinator.post(f"{SCHEME}history/{before_agreement.history_id}/restore/")
    p.a.refresh_from_db()
    assert p.a.title == "Scheme A"
    # The agreements stand: they were given for the focus key factors, which did not change.
    assert (p.a.focus_agreed_by_mentee, p.a.focus_agreed_by_mentor) == agreed
