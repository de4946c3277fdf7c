"""The rules table reads as the brief says: observers only read, mentors comment on the
mentee's needs analysis but cannot edit it, associations fill their part."""

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
    assert [role for role in ("coordinator", "facilitator", "mentor", "mentee", "association", "observer")
            if allowed({role}, "approve", "action_plan")] == ["mentee"]


def test_everyone_in_a_scheme_may_view_every_document():
    for document, actions in RULES.items():
        assert set(actions["view"]) == {"coordinator", "facilitator", "mentor", "mentee", "association", "observer"}, document


def test_unknown_rule_is_an_error_not_a_silent_no():
    with pytest.raises(ValueError, match="No rule for 'fly' on 'scheme'"):
        allowed({"coordinator"}, "fly", "scheme")


def test_require_refuses_with_403():
    require(Access(frozenset({"mentee"})), "submit", "needs_analysis")
    with pytest.raises(PermissionDenied):
        require(Access(frozenset({"observer"})), "edit", "needs_analysis")
