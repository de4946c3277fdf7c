"""The report after a visit (seed 002, "Planning for change: actions and activities"):

    "After exploring these issues, the mentor and facilitator look at all the evidence;
    identify key challenges and risks, and make recommendations to the partner authority
    about the way forward (including local stakeholders if appropriate)."

A visit's report is its items: each a challenge, a risk or a recommendation, written by
the mentor side and the facilitators, optionally tied to one of the scheme's benchmark
key factors and to one of the needs of its action plan. The mentee city answers each
item (``response``): the partner authority's word on the way forward. A recommendation
can become a draft action of the plan (``Action.from_recommendation``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The longest text of an item or a response (about 1,500 words): a report stays printable.
MAX_REPORT_TEXT = 10_000


class ReportItemKind(models.TextChoices):
    """In the order the report reads: what stands in the way, what could go wrong, what
    to do about it."""

    CHALLENGE = "challenge", _("Key challenge")
    RISK = "risk", _("Risk")
    RECOMMENDATION = "recommendation", _("Recommendation")


class VisitReportItem(models.Model):
    visit = models.ForeignKey("schemes.Visit", verbose_name=_("visit"), on_delete=models.CASCADE, related_name="report_items")
    kind = models.CharField(_("kind"), max_length=20, choices=ReportItemKind.choices)
    text = models.TextField(_("text"), max_length=MAX_REPORT_TEXT)
    key_factor = models.ForeignKey(
        "benchmarks.KeyFactor",
        verbose_name=_("key factor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The key factor of the scheme's benchmark this is about, if one."),
    )
    need = models.ForeignKey(
        "schemes.Need",
        verbose_name=_("need"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_items",
        help_text=_("The need of the action plan this is about, if one."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    # The mentee city's answer: written by its officers alone, on a form of its own.
    response = models.TextField(_("response of the mentee city"), max_length=MAX_REPORT_TEXT, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("response by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("response written"), null=True, blank=True)

    history = HistoricalRecords()
    # A restore by the item's writers puts back the item, never the mentee city's answer
    # (which only the mentee city writes).
    history_restore_keeps = ("response", "responded_by", "responded_at")

    class Meta:
        verbose_name = _("visit report item")
        verbose_name_plural = _("visit report items")
        ordering = ["visit_id", "created_at", "id"]

    def __str__(self):
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else text[:79] + "…"
