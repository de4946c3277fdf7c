from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Accounts and site")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete
        from simple_history.signals import pre_create_historical_record

        from . import lookups  # noqa: F401 (registers ``in`` on integer fields: mentoring/lookups.py)
        from .history import reason_kept_as_message
        from .middleware import session_renewed_at_login
        from .notifications import forget_deleted_object, linked_models

        user_logged_in.connect(session_renewed_at_login, dispatch_uid="mentoring.session_renewed_at_login")
        pre_create_historical_record.connect(reason_kept_as_message, dispatch_uid="mentoring.reason_kept_as_message")
        # The header's unread count agrees with the notifications page (mentoring.notifications).
        for model in linked_models():
            post_delete.connect(
                forget_deleted_object, sender=model, dispatch_uid=f"mentoring.forget_deleted_{model._meta.label_lower}"
            )
