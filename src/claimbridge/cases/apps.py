from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "claimbridge.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from claimbridge.cases.models import WebhookEndpoint
        from claimbridge.cases.services import notifications
        from claimbridge.core.reference_cache import forget
        from claimbridge.organisations.models import ClaimsUnit, County, Insurer, ServiceArea

        for model in (County, Insurer, ServiceArea, ClaimsUnit, WebhookEndpoint):
            post_save.connect(forget, sender=model, dispatch_uid=f"reference-cache-{model.__name__}")
            post_delete.connect(forget, sender=model, dispatch_uid=f"reference-cache-delete-{model.__name__}")
        notifications.connect()
