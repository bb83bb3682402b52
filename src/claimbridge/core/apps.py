from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    default = True  # the module holds three configs; without this Django used a bare one and never ran ready()
    name = "claimbridge.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django_tasks.signals import task_finished, task_started

        from claimbridge.core import logging as log_setup
        from claimbridge.core.metrics import count_finished_task

        # Every process that runs tasks (the database worker, RQ's, the immediate backend's) counts their outcomes,
        # and the lines a task writes carry its id: here, not in the database backend's app, which RQ does not need.
        task_finished.connect(count_finished_task, dispatch_uid="claimbridge.core.metrics.count_finished_task")
        task_started.connect(log_setup.task_started, dispatch_uid="claimbridge.core.logging.task_started")
        task_finished.connect(log_setup.task_finished, dispatch_uid="claimbridge.core.logging.task_finished")


class LoginSecurityConfig(AxesAppConfig):
    """django-axes under a name people understand, in their language."""

    verbose_name = _("Login security")


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")  # type: ignore[assignment]  # a lazy string is what Django expects
