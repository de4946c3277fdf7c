"""Files attached to a scheme's documents: a visit and its sessions, a political
commitment, the action plan's approval, an implementation update, a questionnaire's
answer, a comment, a self-assessment's key factor; and to a programme's good practices
(docs/user-guide, "Attachments").

Every row has its ``programme``; ``scheme`` is empty for a file of the programme's own
(a good practice), which counts towards the programme's total instead of a scheme's.

The file lives in the ``attachments`` storage (not served by the web server: downloads
go through ``schemes.views.attachments``, under the scheme's access rules), under a name
made of the scheme's id and a random uuid, never the person's file name. A removal is
soft: the row keeps ``removed_at`` and the file stays, so that the object's earlier
state can be restored with it for the retention period (docs/architecture.md).
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AttachmentStorage(Storage):
    """The ``attachments`` storage of ``settings.STORAGES``, looked up at each call: a
    FileField resolves its storage once, when the model is defined, and this keeps the
    alias (whatever backend it names, and a test's temporary directory) authoritative."""


def _forward(name):
    def method(self, *args, **kwargs):
        return getattr(storages["attachments"], name)(*args, **kwargs)

    method.__name__ = name
    return method


for _method in (
    "open",
    "save",
    "get_valid_name",
    "get_alternative_name",
    "get_available_name",
    "generate_filename",
    "path",
    "delete",
    "exists",
    "listdir",
    "size",
    "url",
    "get_accessed_time",
    "get_created_time",
    "get_modified_time",
):
    setattr(AttachmentStorage, _method, _forward(_method))


def attachment_storage():
    return AttachmentStorage()


def attachment_path(instance, filename):
    """``<scheme id>/<uuid>`` (``p<programme id>/<uuid>`` for a programme's own file):
    nothing of the name the person gave the file."""
    if instance.scheme_id is None:
        return f"p{instance.programme_id}/{uuid.uuid4().hex}"
    return f"{instance.scheme_id}/{uuid.uuid4().hex}"


class AttachmentQuerySet(models.QuerySet):
    def present(self):
        return self.filter(removed_at__isnull=True)

    def of(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Attachment(models.Model):
    scheme = models.ForeignKey(
        "schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="attachments", null=True, blank=True
    )
    programme = models.ForeignKey(
        "schemes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="attachments",
        null=True,
        blank=True,
    )
    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of object"), on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), storage=attachment_storage, upload_to=attachment_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    mime = models.CharField(_("type"), max_length=120)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["added_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_target")]
        constraints = [
            # The same file twice on one object (a double click, two tabs at once): the
            # second is refused, by the database when both arrive at the same instant.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "sha256"],
                condition=models.Q(removed_at__isnull=True),
                name="unique_present_attachment_file",
            ),
            models.CheckConstraint(
                condition=models.Q(scheme__isnull=False) | models.Q(programme__isnull=False),
                name="attachment_scheme_or_programme",
            ),
        ]

    def __str__(self):
        return self.name
