"""The synthetic network: the sizes asked for, the same network from the same seed, and
pages that work on it."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from schemes.models import Action, ImplementationUpdate, Programme, ProgrammeRole, Response, Scheme, SelfAssessment, Visit
from schemes.services.network import SIZES, generate_network


class Undo(Exception):
    pass


def fingerprint():
    return (
        # Every row in one order (a scheme's parties too): the database may return ties either way.
        list(
            Scheme.objects.filter(programme__slug__startswith="network-")
            .order_by("programme__slug", "number", "parties__organisation__name")
            .values_list("programme__slug", "number", "title", "theme", "phase", "parties__organisation__name")
        ),
        list(Visit.objects.order_by("scheme__programme__slug", "scheme__number", "order").values_list("start_date", "status")),
        list(
            Action.objects.order_by("plan__scheme__programme__slug", "plan__scheme__number", "order").values_list(
                "progress", "due_date"
            )
        ),
    )


def test_the_same_seed_gives_the_same_network(db):
    prints = []
    for _ in range(2):
        try:
            with transaction.atomic():
                counts = generate_network("small", seed=7, say=lambda line: None)
                prints.append(fingerprint())
                raise Undo
        except Undo:
            pass
    assert prints[0] == prints[1] and prints[0][0]
    with transaction.atomic():
        generate_network("small", seed=8, say=lambda line: None)
        assert fingerprint() != prints[0]
    size = SIZES["small"]
    schemes = size.programmes * size.schemes_per_programme
    assert counts["Scheme"] == schemes and counts["Visit"] == 3 * schemes
    assert counts["Action"] == counts["ImplementationUpdate"] == schemes * size.actions_per_scheme
    assert counts["User"] == size.people and counts["Response"] == 2 * schemes and counts["SelfAssessment"] == 2 * schemes
    assert counts["history of Answer"] == counts["Answer"] > 0  # every row with its history record, as a save leaves it


def test_the_command_writes_a_network_once_and_its_pages_work(db, client):
    call_command("generate_network", "--size=small", "--seed=3", stdout=StringIO())
    assert Programme.objects.filter(slug__startswith="network-3-").count() == 2
    assert ImplementationUpdate.objects.count() == Action.objects.count() > 0
    assert Response.objects.filter(answers__isnull=False).distinct().count() == Response.objects.count()
    assert SelfAssessment.objects.filter(key_factors__level__isnull=False).distinct().count() == SelfAssessment.objects.count()
    with pytest.raises(CommandError, match="already there"):
        call_command("generate_network", "--size=small")
    role = ProgrammeRole.objects.filter(role="coordinator").select_related("programme").first()
    client.force_login(role.user)
    slug = role.programme.slug
    for url in [
        f"/programmes/{slug}/",
        f"/programmes/{slug}/dashboard/",
        f"/programmes/{slug}/schemes/1/",
        f"/programmes/{slug}/schemes/1/action-plan/",
        f"/programmes/{slug}/schemes/1/visits/1/",
        "/",
    ]:
        assert client.get(url).status_code == 200, url
