"""Strings that other packages show in our pages but ship without a zh-hans translation.

Listing them here puts them in our catalogue, which Django consults before the packages' own.
"""

from django.utils.translation import gettext_lazy as _

THIRD_PARTY_STRINGS = (
    # Django 5.2 admin: screen-reader headers of the app list
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    # django-axes
    _("access failure"),
    _("access failures"),
    _("access attempt"),
    _("access attempts"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("access log"),
    _("access logs"),
    # django-tasks-db
    _("Task Result"),
    _("Task Results"),
)
