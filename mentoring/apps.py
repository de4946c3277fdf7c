from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Accounts and site")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_renewed_at_login

        user_logged_in.connect(session_renewed_at_login, dispatch_uid="mentoring.session_renewed_at_login")
