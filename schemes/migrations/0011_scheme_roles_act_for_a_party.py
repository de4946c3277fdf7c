"""City and association officers act for one party of their scheme: the documents of a
city are written only by the officers acting for it. Roles recorded before that was
checked, without a party, get the one party they can only mean (the side's only city, or
the scheme's only association); an ambiguous role keeps no party, and its holder reads
the scheme's documents until a coordinator gives the role again for one city."""

from django.db import migrations

SIDES = {"mentee": {"mentee", "peer"}, "mentor": {"mentor", "peer"}, "association": {"mentee", "mentor", "peer"}}


def assign_parties(apps, schema_editor):
    SchemeRole = apps.get_model("schemes", "SchemeRole")
    SchemeParty = apps.get_model("schemes", "SchemeParty")
    for role in SchemeRole.objects.filter(party__isnull=True, role__in=list(SIDES)):
        kind = "association" if role.role == "association" else "city"
        candidates = list(
            SchemeParty.objects.filter(scheme_id=role.scheme_id, side__in=SIDES[role.role], organisation__kind=kind)[:2]
        )
        if len(candidates) == 1:
            role.party = candidates[0]
            role.save(update_fields=["party"])


class Migration(migrations.Migration):
    dependencies = [("schemes", "0010_model_orderings_without_cascading_joins")]

    operations = [migrations.RunPython(assign_parties, migrations.RunPython.noop)]
