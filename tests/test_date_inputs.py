"""Every date and time input on every page carries an ISO value, in both languages (issue 13; B1, R10).

`<input type="date">` accepts only `2026-12-01` and `datetime-local` only `2026-12-01T09:30`; a localised value
(`2026/12/01`, as zh-hans formats dates) is dropped by the browser, the field looks empty and a default submit is
refused. This walks every web route (tests/routes.py) — with the real objects of the world (tests/world.py) where a
route needs one — as the actors who may open it, in Chinese and in English, and reads every such input.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

from tests.routes import concrete, site_routes

pytestmark = pytest.mark.django_db

ISO = {"date": re.compile(r"^\d{4}-\d{2}-\d{2}$"), "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")}
# One actor of each kind: the public, the phones of the agreed/confirming cases and of the draft, staff at each scope
# level of both insurers, an adjuster with a credential, the association, the committee, the regulator, the admin.
ACTORS = ("anonymous", "phone_a", "phone_stranger", "driver_ln", "tianlong_unit1", "tianlong_hq", "tianlong_adj1",
          "maiji_unit1", "maiji_adj1", "ln_assoc", "antifraud", "regulator", "admin")  # fmt: skip
# The pages whose forms set a date by default (today, the accident's time): each must be seen with a value.
PREFILLED = {"/rules/quick-claim/", "/rules/settlement/", "/cases/new/", "/credentials/stops/"}


class DateInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []  # (type, name, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        kind = attributes.get("type") or ""
        if tag == "input" and kind in ISO:
            self.found.append((kind, attributes.get("name") or "", attributes.get("value") or ""))


def _object_paths(world) -> set[str]:
    """The routes that show an object, with the world's real ones (the samples of tests/routes.py find nothing)."""
    paths = set()
    for case in (world.agreed, world.confirming, world.draft):
        paths |= {f"/cases/{case.number}/", f"/cases/{case.number}/me/"}
    paths |= {f"/evidence/{file.reference}/" for file in (world.evidence, world.confirming_evidence, world.fuxi_file)}
    paths |= {f"/policies/loads/{load.pk}/" for load in world.loads.values()}
    paths |= {f"/credentials/{entry.pk}/{suffix}" for entry in world.adjusters.values() for suffix in ("", "edit/")}
    paths |= {f"/credentials/rate/{stop.rating_token}/" for stop in world.stops.values()}
    return paths


def _paths(world) -> list[str]:
    paths = {concrete(route) for route in site_routes()} | {"/directory/?county=621202"} | _object_paths(world)
    return sorted(path for path in paths if not path.endswith((".pdf", ".xlsx", "/original/", "/preview/")))


def _inputs(response) -> list[tuple[str, str, str]]:
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return []
    parser = DateInputs()
    parser.feed(response.content.decode())
    return parser.found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_input_on_every_page_has_an_iso_value(world, language):
    """Issue 13 (B1, R10): no page, in either language, renders a date or time input with a value the browser
    drops; the pages that prefill a date are seen doing so."""
    wrong, prefilled, seen = [], set(), 0
    for actor in ACTORS:
        client = world.client(actor)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for path in _paths(world):
            for kind, name, value in _inputs(client.get(path, secure=True)):
                seen += 1
                if value and not ISO[kind].match(value):
                    wrong.append((actor, path, name, value))
                elif value:
                    prefilled.add(path.split("?")[0])
    assert wrong == []
    assert seen > 20, "the walk must reach the pages with date inputs"
    assert prefilled >= PREFILLED, f"pages that should prefill a date: {PREFILLED - prefilled}"


def test_the_walk_would_see_a_localised_date():
    """The check itself can fail: Django's own date widget in zh-hans renders `2026/12/01`, which the parser reads
    and the pattern refuses (issue 13: what the self-check did)."""
    from datetime import date

    from django import forms
    from django.utils import translation

    class Plain(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    with translation.override("zh-hans"):
        html = str(Plain(initial={"day": date(2026, 12, 1)})["day"])
    parser = DateInputs()
    parser.feed(html)
    assert parser.found == [("date", "day", "2026/12/01")]
    assert not ISO["date"].match(parser.found[0][2])
