from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FraudConfig(AppConfig):
    name = "claimbridge.fraud"
    label = "fraud"
    verbose_name = _("Anti-fraud")

    def ready(self) -> None:
        from claimbridge.fraud import linking

        linking.connect()  # every case change re-indexes its links and rescores it (issue 16)
