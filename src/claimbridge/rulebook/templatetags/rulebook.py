"""Labels for the kernel's codes, and its bilingual lines shown in the visitor's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

LIABILITY = {
    "full": _("full liability"),
    "primary": _("primary liability"),
    "equal": _("equal liability"),
    "secondary": _("secondary liability"),
    "none": _("no liability"),
    "undetermined": _("undetermined"),
}
COVERS = {"ctpl": _("交强险 (compulsory)"), "third_party": _("Commercial third-party"), "own_damage": _("Own damage")}
HEADS = {"property": _("Property"), "medical": _("Medical costs"), "death_disability": _("Death and disability")}


@register.filter
def liability_label(code: str) -> str:
    return str(LIABILITY.get(code, code))


@register.filter
def cover_label(code: str) -> str:
    return str(COVERS.get(code, code))


@register.filter
def head_label(code: str) -> str:
    return str(HEADS.get(code, code))
