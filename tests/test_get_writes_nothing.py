"""Reading never writes. Every URL pattern opened with GET by every persona is watched for
writes by the URL x role matrix (``tests/test_url_matrix.py``), which makes those
requests anyway. Here: the case that once wrote, the action plan created by reading it.
"""


def test_reading_a_scheme_without_an_action_plan_creates_none(personas):
    """The plan is created by its first change (an action, a need, a frozen version): a
    reader, here an observer, opening the plan's pages and exports leaves no plan and no
    history row behind."""
    from schemes.models import ActionPlan

    scheme = personas.a
    base = f"/programmes/{scheme.programme.slug}/schemes/{scheme.number}/"
    pages = [
        base,
        f"{base}action-plan/",
        f"{base}action-plan/compare/",
        f"{base}action-plan/versions/1/",
        f"{base}action-plan/action-plan.pdf",
        f"{base}action-plan/actions.csv",
        f"{base}action-plan/actions.xlsx",
        f"{base}action-plan/needs/",
        f"{base}action-plan/actions/new/",
    ]
    for role in ("observer", "mentee", "facilitator"):
        client = personas.client(role)
        for url in pages:
            response = client.get(url, secure=True)
            assert response.status_code in (200, 403, 404), (role, url, response.status_code)
    assert ActionPlan.objects.count() == 0
    assert ActionPlan.history.count() == 0
