from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "claimbridge.reports"
    label = "reports"
    verbose_name = _("Statistics and publication")

    def ready(self) -> None:
        from claimbridge.reports import rollups

        rollups.connect()  # every case, stop and clue change reaches the roll-ups (issue 17)
