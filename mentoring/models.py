"""People who use the application (a person logs in with an e-mail address), the forms
they sent, and the activity log of what they did."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """A person: coordinator, facilitator, city or association officer, observer.

    Roles are not stored here: they belong to a programme or a scheme
    (``schemes.ProgrammeRole`` and ``schemes.SchemeRole``).
    """

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "schemes.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    language = models.CharField(_("preferred language"), max_length=10, blank=True)
    calendar_token = models.CharField(
        _("private calendar address"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("The secret part of the addresses calendar applications subscribe to; renewing it ends the old ones."),
    )
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_("Demo accounts can only log in while the site runs with DEBUG on."),
    )
    # Set when the person's personal data was replaced by a pseudonym (mentoring.erasure):
    # on their request, or when the retention period of their programmes ended.
    pseudonymised_at = models.DateTimeField(_("pseudonymised"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        name = self.get_full_name()
        return f"{name} <{self.email}>" if name else self.email

    @property
    def display_name(self):
        return self.get_full_name() or self.email


class Submission(models.Model):
    """A form that creates something, saved once: its one-time token, unique, recorded in
    the transaction that saved what it created, with the page that shows the result
    (``mentoring.submissions``). Kept a month, long enough for any reload."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    url = models.CharField(_("page of the result"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("form sent")
        verbose_name_plural = _("forms sent")
        indexes = [models.Index(fields=["user", "created_at"], name="submission_user_created")]

    def __str__(self):
        return self.token


class LogEntry(models.Model):
    """One thing someone did, written by the service that did it, in the same transaction
    (``mentoring.activity.log_action``, the pattern of pretix's ``LogEntry``): who
    (``actor``; none for the application itself, ``system``), what (``action``, a stable
    dotted code such as "visit.changed"), on which object (content type and id, with a
    short ``label`` that still reads after the object is gone), in which programme and
    scheme (none for programme-level and site-level events), when, and a little ``data``
    (which fields changed, how many answers...).

    It feeds a scheme's recent changes, and later notifications, digests and reports. The
    history tables (django-simple-history) stay for field-level history and restore."""

    time = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        User,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the indexes below start with it
    )
    # Without an actor: done by the application itself (a task, a command), when True; by
    # a person whose account was removed since, when False.
    system = models.BooleanField(_("done by the application"), default=False)
    action = models.CharField(_("what"), max_length=80)
    programme = models.ForeignKey(
        "schemes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    scheme = models.ForeignKey(
        "schemes.Scheme",
        verbose_name=_("scheme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("kind of object"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    object_id = models.PositiveBigIntegerField(_("object"), null=True, blank=True)
    object = GenericForeignKey("content_type", "object_id")
    label = models.CharField(_("name of the object"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")
        ordering = ["-time", "-id"]
        indexes = [
            # The latest N of a scheme, of a programme, of a person, of an object.
            models.Index(fields=["scheme", "-time"], name="logentry_scheme_time"),
            models.Index(fields=["programme", "-time"], name="logentry_programme_time"),
            models.Index(fields=["actor", "-time"], name="logentry_actor_time"),
            models.Index(fields=["content_type", "object_id", "-time"], name="logentry_object_time"),
        ]

    def __str__(self):
        return f"{self.action} {self.label}".strip()


class Notification(models.Model):
    """An entry of the activity log told to one person (``mentoring.notifications``):
    written with the entry, in the same transaction, for the people the entry concerns
    (never its actor); read, or not yet. Its scheme is the entry's, copied for grouping
    and for leaving out the schemes the person has left."""

    recipient = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    entry = models.ForeignKey(LogEntry, verbose_name=_("what happened"), on_delete=models.CASCADE, related_name="+")
    scheme = models.ForeignKey(
        "schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Which kind of event it is for this person (``mentoring.notifications.KINDS``): the
    # e-mail preference that applies ("mentions" when the entry names them).
    kind = models.CharField(_("kind"), max_length=20, default="other")
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # E-mailed (``mentoring.emails``): when, and in which sending (claimed by one sender,
    # so two at once never send it twice; released when the mail server refuses).
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_batch = models.CharField(_("e-mail sending"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "entry"], name="unique_notification_per_entry")]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-id"], name="notification_recipient_unread"),
            models.Index(fields=["emailed_at", "recipient"], name="notification_to_email"),
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.entry_id}"


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("At once")
    DAILY = "daily", _("In a daily summary")
    WEEKLY = "weekly", _("In a weekly summary")
    NEVER = "never", _("Never")


class EmailPreference(models.Model):
    """How a person wants to hear of one kind of event by e-mail (``mentoring.emails``);
    a kind without a row has its default (``notifications.KINDS``)."""

    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="email_preferences")
    kind = models.CharField(_("kind of event"), max_length=20)
    frequency = models.CharField(_("e-mail"), max_length=20, choices=EmailFrequency.choices)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="unique_email_preference_per_kind")]

    def __str__(self):
        return f"{self.user_id}: {self.kind} {self.frequency}"


class Digest(models.Model):
    """One summary e-mail of a person's notifications for one period (the day, or the
    week starting on ``period``): a row per person, frequency and period, written before
    the e-mail leaves, so a summary is never sent twice (``mentoring.emails``)."""

    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(_("frequency"), max_length=20, choices=EmailFrequency.choices)
    period = models.DateField(_("period"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    notifications = models.PositiveIntegerField(_("notifications"), default=0)

    class Meta:
        verbose_name = _("summary e-mail")
        verbose_name_plural = _("summary e-mails")
        constraints = [models.UniqueConstraint(fields=["user", "frequency", "period"], name="unique_digest_per_period")]

    def __str__(self):
        return f"{self.user_id}: {self.frequency} {self.period}"


class DataExport(models.Model):
    """A person's "Download my data" (``mentoring.data_exports``): asked for on the account
    page, its ZIP built by a background task into the attachments' store (under
    ``data-exports/``, never served by the web server) and e-mailed as a link. The link's
    random token is kept only as its SHA-256 (``token_hash``): the database alone does not
    open a download. The file is deleted once ``expires_at`` has passed
    (``data_exports_purge``); the row stays a while, so that the old link answers “expired”
    rather than “not found”."""

    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="data_exports")
    requested_at = models.DateTimeField(_("asked for"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)
    token_hash = models.CharField(_("link token (SHA-256)"), max_length=64, blank=True, db_index=True)
    file = models.CharField(_("file in the store"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    files = models.JSONField(_("files in the ZIP"), default=list, blank=True)

    class Meta:
        verbose_name = _("data download")
        verbose_name_plural = _("data downloads")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.user_id}: {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()


class ErasureState(models.TextChoices):
    PENDING = "pending", _("Waiting for a coordinator")
    DONE = "done", _("Done: the account is erased")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ErasureRequest(models.Model):
    """A person's request to delete their account (issue 25): asked by the person
    themselves (never for someone else), confirmed by a coordinator of a programme they
    are in or by a site administrator, then carried out by
    ``mentoring.erasure.person_pseudonymise``: their personal data is replaced by a
    pseudonym everywhere, the cities' documents stay whole.

    No history table: the row holds no personal data once done (the reason is emptied),
    and who decided and when is its own record."""

    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="erasure_requests")
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True, max_length=1000)
    state = models.CharField(_("state"), max_length=20, choices=ErasureState.choices, default=ErasureState.PENDING)
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["asked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(state="pending"), name="one_pending_erasure_request_per_person"
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.state}"


class ApiToken(models.Model):
    """A person's personal key to the read-only API (``mentoring.api``, docs/api.md),
    created and revoked on their account page. The key is shown once, when it is made;
    only its first characters (``prefix``, to tell keys apart) and its SHA-256
    (``key_hash``) are kept, so the database alone opens nothing. A key reads exactly what
    its person reads on the pages, no more; revoked, or its person inactive, it opens
    nothing.

    No history table, like the other account records (data downloads, erasure requests):
    its creation and revocation go to the activity log, and the row keeps both dates."""

    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What the key is for, e.g. “Network website”."))
    prefix = models.CharField(_("key begins with"), max_length=8)
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self):
        return self.revoked_at is None
