from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliceConfig(AppConfig):
    name = "claimbridge.police"
    verbose_name = _("traffic police records")
