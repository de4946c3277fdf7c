"""The rules table (``RULES`` in mentoring/access.py) reads as docs/method.md §2 says:
observers only read, mentors comment on the mentee's needs analysis but cannot edit it,
associations fill their part."""

import pytest
from django.core.exceptions import PermissionDenied

from mentoring.access import RULES, Access, allowed, require


def test_observers_only_read_and_export():
    for document, actions in RULES.items():
        for action, roles in actions.items():
            if "observer" in roles:
                assert action in {"view", "dashboard", "export"}, (document, action)


def test_mentor_comments_on_but_never_edits_the_needs_analysis():
    assert allowed({"mentor"}, "comment", "needs_analysis")
    assert not allowed({"mentor"}, "edit", "needs_analysis")
    assert not allowed({"mentor"}, "submit", "needs_analysis")


def test_association_edits_the_needs_analysis_but_does_not_submit_it():
    assert allowed({"association"}, "edit", "needs_analysis")
    assert not allowed({"association"}, "submit", "needs_analysis")


def test_only_the_mentee_approves_the_action_plan():
    assert [
        role
        for role in ("coordinator", "facilitator", "mentor", "mentee", "association", "partner", "observer")
        if allowed({role}, "approve", "action_plan")
    ] == ["mentee"]


def test_everyone_in_a_scheme_may_view_every_document():
    for document, actions in RULES.items():
        assert set(actions["view"]) == {
            "coordinator",
            "facilitator",
            "mentor",
            "mentee",
            "association",
            "partner",
            "observer",
        }, document


def test_unknown_rule_is_an_error_not_a_silent_no():
    with pytest.raises(ValueError, match="No rule for 'fly' on 'scheme'"):
        allowed({"coordinator"}, "fly", "scheme")


def test_require_refuses_with_403():
    require(Access(frozenset({"mentee"})), "submit", "needs_analysis")
    with pytest.raises(PermissionDenied):
        require(Access(frozenset({"observer"})), "edit", "needs_analysis")


@pytest.mark.django_db
def test_who_may_create_a_programme_is_who_has_the_role_or_the_permission(personas):
    """The home page's "New programme" button: coordinators, superusers, and whoever the
    admin gave the add-programme permission, directly or through a group; nobody else."""
    from django.contrib.auth.models import Group, Permission

    from mentoring.access import may_create_programme

    users = personas.users
    assert may_create_programme(users["coordinator"])
    for key in ("mentor", "mentee", "facilitator", "observer", "outsider"):
        assert not may_create_programme(users[key]), key
    permission = Permission.objects.get(content_type__app_label="schemes", codename="add_programme")
    users["mentor"].user_permissions.add(permission)
    group = Group.objects.create(name="Programme makers")
    group.permissions.add(permission)
    users["observer"].groups.add(group)
    assert may_create_programme(users["mentor"]) and may_create_programme(users["observer"])
    assert not may_create_programme(users["mentee"])
    # The home page shows the button to those people only.
    assert "New programme" in personas.client("observer").get("/").content.decode()
    assert "New programme" not in personas.client("mentee").get("/").content.decode()
    # As Django's own permission check: an inactive account has no permission.
    users["mentor"].is_active = False
    users["mentor"].save()
    assert not may_create_programme(users["mentor"]) and not users["mentor"].has_perm("schemes.add_programme")
