"""People who use the application. A person logs in with an e-mail address."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
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
        _("private calendar address"), max_length=64, blank=True, db_index=True,
        help_text=_("The secret part of the addresses calendar applications subscribe to; renewing it ends the old ones."),
    )
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_("Demo accounts can only log in while the site runs with DEBUG on."),
    )

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
