from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchemesConfig(AppConfig):
    name = "schemes"
    verbose_name = _("Programmes and schemes")

    def ready(self):
        from mentoring.history import version_restored

        from .models import Visit
        from .services.visits import day_contacts_restore

        # A visit restored to an earlier version gets its days' contacts of then back.
        version_restored.connect(day_contacts_restore, sender=Visit, dispatch_uid="schemes.day_contacts_restore")
