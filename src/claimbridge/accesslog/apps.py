from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessLogConfig(AppConfig):
    name = "claimbridge.accesslog"
    label = "accesslog"
    verbose_name = _("Access log")
