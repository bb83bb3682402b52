"""The installable app's shell (B7): what the service worker keeps on the phone so the field form opens with no
network. One list, here: the worker's precache, its version and the note's size figure all come from it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.templatetags.static import static

# Pages the phone keeps (network first, the kept copy when there is no signal).
SHELL_PAGES = ("/field/", "/field/offline/")  # not the manifest: it depends on who asks
# Static files the pages need, as named to `{% static %}` (cache first: their URLs change when they do in production).
SHELL_STATIC = (
    "claimbridge/app.css",
    "claimbridge/favicon.svg",
    "claimbridge/vendor/htmx-2.0.11.min.js",
    "field/field.css",
    "field/outbox.js",
    "field/field.js",
    "field/register.js",
    "field/icon-192.png",
    "field/icon-512.png",
)
CACHE_PREFIX = "claimbridge-field-"


@dataclass(frozen=True)
class Shell:
    version: str  # changes whenever a kept file or the list changes: the worker then replaces the old cache
    pages: tuple[str, ...]
    static_urls: tuple[str, ...]
    static_bytes: int  # the static part's size on disk (the pages are measured in the browser test)

    @property
    def cache_name(self) -> str:
        return f"{CACHE_PREFIX}{self.version}"


def _source(name: str) -> Path:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(f"static file {name} of the field shell is missing")
    return Path(found if isinstance(found, str) else found[0])


@lru_cache(maxsize=1)
def shell() -> Shell:
    digest = hashlib.sha256("\n".join(SHELL_PAGES + SHELL_STATIC).encode())
    size = 0
    for name in SHELL_STATIC:
        content = _source(name).read_bytes()
        digest.update(content)
        size += len(content)
    for template in ("field.html", "offline.html", "sw.js"):
        digest.update((Path(__file__).parent / "templates" / "field" / template).read_bytes())
    return Shell(version=digest.hexdigest()[:12], pages=SHELL_PAGES, static_urls=tuple(static(n) for n in SHELL_STATIC),
                 static_bytes=size)  # fmt: skip
