"""The names the application gives are said in each reader's language.

A self-assessment round it named ("Baseline", "Round 2") keeps no label: the pages say
its name in the reader's language (``SelfAssessment.name``). A plan version it named
("Draft after visit 1", "Final version") keeps the name as a message
(``ActionPlanVersion.label_message``) beside the label in its writer's language.

Rows written before: a label that is one of these names, in one of the application's
languages as its catalogues said them when this migration was written, is read as that
name; any other label (named by a person, or dated) stays as it was written.
"""

import re

from django.db import migrations, models

# The catalogues' words, frozen here: a migration must not change with later catalogues.
BASELINE = {
    "Baseline",
    "Situation de départ",
    "Ausgangsbewertung",
    "Αρχική κατάσταση",
    "Situación de partida",
    "Situazione di partenza",
    "Sākotnējais novērtējums",
    "Nulmeting",
    "Ocena wyjściowa",
}
ROUND = [
    "Round %(number)s",
    "Cycle %(number)s",
    "Runde %(number)s",
    "Γύρος %(number)s",
    "Ronda %(number)s",
    "Ciclo %(number)s",
    "%(number)s. kārta",
    "Ronde %(number)s",
    "Runda %(number)s",
]
AFTER_VISIT = [
    "Draft after visit %(number)s",
    "Brouillon après la visite %(number)s",
    "Entwurf nach Besuch %(number)s",
    "Προσχέδιο μετά την επίσκεψη %(number)s",
    "Borrador tras la visita %(number)s",
    "Bozza dopo la visita %(number)s",
    "Melnraksts pēc %(number)s. vizītes",
    "Concept na bezoek %(number)s",
    "Projekt po wizycie %(number)s",
]
FINAL = {
    "Final version",
    "Version finale",
    "Endgültige Version",
    "Τελική έκδοση",
    "Versión final",
    "Versione definitiva",
    "Galīgā versija",
    "Definitieve versie",
    "Wersja ostateczna",
}


def _number_in(label, patterns):
    for pattern in patterns:
        matched = re.fullmatch(re.escape(pattern).replace(re.escape("%(number)s"), r"(\d+)"), label)
        if matched:
            return int(matched.group(1))
    return None


def _named_by_the_application(label, round_number):
    return label in BASELINE if round_number == 1 else _number_in(label, ROUND) == round_number


def names_as_messages(apps, schema_editor):
    for model in (apps.get_model("schemes", "SelfAssessment"), apps.get_model("schemes", "HistoricalSelfAssessment")):
        named = [
            pk
            for pk, label, round_number in model.objects.exclude(label="").values_list("pk", "label", "round")
            if _named_by_the_application(label, round_number)
        ]
        model.objects.filter(pk__in=named).update(label="")
    version_model = apps.get_model("schemes", "ActionPlanVersion")
    for version in version_model.objects.filter(label_message__isnull=True).only("pk", "label"):
        if version.label in FINAL:
            message = {"text": "Final version"}
        elif (number := _number_in(version.label, AFTER_VISIT)) is not None:
            message = {"text": "Draft after visit %(number)s", "number": number}
        else:
            continue
        version_model.objects.filter(pk=version.pk).update(label_message=message)


def labels_back(apps, schema_editor):
    """Back to stored names (in English): the code before this migration shows a blank
    label as the round's number."""
    for model in (apps.get_model("schemes", "SelfAssessment"), apps.get_model("schemes", "HistoricalSelfAssessment")):
        model.objects.filter(label="", round=1).update(label="Baseline")
        for round_number in set(model.objects.filter(label="", round__gt=1).values_list("round", flat=True)):
            model.objects.filter(label="", round=round_number).update(label=f"Round {round_number}")


class Migration(migrations.Migration):
    dependencies = [
        ("schemes", "0035_field_names_translated"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionplanversion",
            name="label_message",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="name given by the application"),
        ),
        migrations.RunPython(names_as_messages, labels_back),
    ]
