from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FraudConfig(AppConfig):
    name = "claimbridge.fraud"
    label = "fraud"
    verbose_name = _("Anti-fraud")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from claimbridge.evidence.models import ReuseMatch
        from claimbridge.fraud import linking, scoring

        linking.connect()  # every case change re-indexes its links and rescores it (issue 16)
        # A reused photo is found by the evidence task after the upload's commit: both cases' scores change.
        post_save.connect(scoring.on_reuse_match, sender=ReuseMatch, dispatch_uid="fraud-rescore-on-reuse")
