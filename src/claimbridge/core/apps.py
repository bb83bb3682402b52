from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    name = "claimbridge.core"
    label = "core"
    verbose_name = _("Platform")


class LoginSecurityConfig(AxesAppConfig):
    """django-axes under a name people understand, in their language."""

    verbose_name = _("Login security")


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")  # type: ignore[assignment]  # a lazy string is what Django expects
