"""The names the application gives are said in each reader's language.

A self-assessment round it named ("Baseline", "Round 2") keeps no label: the pages say
its name in the reader's language (``SelfAssessment.name``). A plan version it named
("Draft after visit 1", "Final version", "Approved version 1 (approved on …)") keeps the
name as a message (``ActionPlanVersion.label_message``) beside the label in its
writer's language.

Rows written before: a label that is one of these names, in one of the application's
languages as its catalogues said them when this migration was written, is read as that
name (a dated name takes its date from the version: the day it was frozen, or approved);
any other label, a name someone gave, stays as it was written.
"""

import re

from django.db import migrations, models
from django.utils import timezone

# The catalogues' words, frozen here: a migration must not change with later catalogues.
BASELINE = [
    "Baseline",
    "Situation de départ",
    "Ausgangsbewertung",
    "Αρχική κατάσταση",
    "Situación de partida",
    "Situazione di partenza",
    "Sākotnējais novērtējums",
    "Nulmeting",
    "Ocena wyjściowa",
]
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
# What the rounds after the baseline were called until 6 December 2026: round 2 was
# "Re-assessment 1".
RE_ASSESSMENT = [
    "Re-assessment %(number)s",
    "Réévaluation %(number)s",
    "Erneute Bewertung %(number)s",
    "Επαναξιολόγηση %(number)s",
    "Nueva evaluación %(number)s",
    "Nuova valutazione %(number)s",
    "%(number)s. atkārtotais novērtējums",
    "Herevaluatie %(number)s",
    "Ponowna ocena %(number)s",
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
FINAL = [
    "Final version",
    "Version finale",
    "Endgültige Version",
    "Τελική έκδοση",
    "Versión final",
    "Versione definitiva",
    "Galīgā versija",
    "Definitieve versie",
    "Wersja ostateczna",
]
FINAL_DATED = [
    "Final version (%(date)s)",
    "Version finale (%(date)s)",
    "Endgültige Version (%(date)s)",
    "Τελική έκδοση (%(date)s)",
    "Versión final (%(date)s)",
    "Versione definitiva (%(date)s)",
    "Galīgā versija (%(date)s)",
    "Definitieve versie (%(date)s)",
    "Wersja ostateczna (%(date)s)",
]
APPROVED = [
    "Approved version %(number)s (approved on %(date)s)",
    "Version approuvée %(number)s (approuvée le %(date)s)",
    "Genehmigte Version %(number)s (genehmigt am %(date)s)",
    "Εγκεκριμένη έκδοση %(number)s (εγκρίθηκε στις %(date)s)",
    "Versión aprobada %(number)s (aprobada el %(date)s)",
    "Versione approvata %(number)s (approvata il %(date)s)",
    "Apstiprinātā %(number)s. versija (apstiprināta %(date)s)",
    "Goedgekeurde versie %(number)s (goedgekeurd op %(date)s)",
    "Zatwierdzona wersja %(number)s (zatwierdzona %(date)s)",
]
# The English messages (``VersionName``), and the words each is said in.
VERSION_NAMES = [
    ("Draft after visit %(number)s", AFTER_VISIT),
    ("Final version", FINAL),
    ("Final version (%(date)s)", FINAL_DATED),
    ("Approved version %(number)s (approved on %(date)s)", APPROVED),
]


def _pattern(words):
    """``words`` as a regular expression: the number and the date as groups, and the
    copy the application added when the plan had the name already (" (2)")."""
    pattern = re.escape(words).replace(re.escape("%(number)s"), r"(?P<number>\d+)")
    pattern = pattern.replace(re.escape("%(date)s"), r"(?P<date>.+?)")
    return re.compile(pattern + r"(?: \((?P<copy>\d+)\))?")


PATTERNS = [(text, _pattern(words)) for text, translations in VERSION_NAMES for words in translations]


def version_message(version):
    """The ``VersionName`` message of ``version``'s label, or None for a name someone gave."""
    for text, pattern in PATTERNS:
        matched = pattern.fullmatch(version.label)
        if matched is None:
            continue
        message = {"text": text}
        if matched.groupdict().get("number"):
            message["number"] = int(matched["number"])
        if matched.groupdict().get("date"):
            moment = version.approved_at if "approved" in text and version.approved_at else version.created_at
            message["date"] = timezone.localtime(moment).date().isoformat()
        if matched["copy"]:
            message["copy"] = int(matched["copy"])
        return message
    return None


def round_words(number):
    """What the application called round ``number``, in each language, then and now."""
    if number == 1:
        return BASELINE
    return [words % {"number": number} for words in ROUND] + [words % {"number": number - 1} for words in RE_ASSESSMENT]


def names_as_messages(apps, schema_editor):
    for model in (apps.get_model("schemes", "SelfAssessment"), apps.get_model("schemes", "HistoricalSelfAssessment")):
        for number in set(model.objects.exclude(label="").values_list("round", flat=True)):
            model.objects.filter(round=number, label__in=round_words(number)).update(label="")
    version_model = apps.get_model("schemes", "ActionPlanVersion")
    for version in version_model.objects.filter(label_message__isnull=True).only("pk", "label", "created_at", "approved_at"):
        message = version_message(version)
        if message is not None:
            version_model.objects.filter(pk=version.pk).update(label_message=message)


def labels_back(apps, schema_editor):
    """Back to stored names (in English): the code before this migration shows a blank
    label as the round's number."""
    for model in (apps.get_model("schemes", "SelfAssessment"), apps.get_model("schemes", "HistoricalSelfAssessment")):
        model.objects.filter(label="", round=1).update(label="Baseline")
        for number in set(model.objects.filter(label="", round__gt=1).values_list("round", flat=True)):
            model.objects.filter(label="", round=number).update(label=f"Round {number}")


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
