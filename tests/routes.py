"""The routes that exist, as the access matrices list them (issue 12, B8): web routes from the URLconf, API operations
from the OpenAPI document. A matrix compares these with its own entries, so that a route cannot be added without
someone deciding who may open it (tests/test_access_matrix.py) and who may change something through it
(tests/test_write_matrix.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

WRITE_METHODS = ("post", "put", "patch", "delete")


def site_routes(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    """Every web route as its pattern reads (`/cases/<str:number>/`), the admin and the API left out: the admin is
    Django's own (its writes are listed model by model), the API is listed from its OpenAPI document."""
    routes: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route in ("admin/", "api/"):
                continue
            routes |= site_routes(entry, route)
        elif isinstance(entry, URLPattern):
            routes.add("/" + route.lstrip("^").rstrip("$"))
    return routes


def api_operations() -> set[tuple[str, str]]:
    """(method, path) of every operation in the OpenAPI document, methods in lower case."""
    from claimbridge.api import api

    return {
        (method.lower(), path)
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
    }


def api_write_operations() -> set[tuple[str, str]]:
    return {(method, path) for method, path in api_operations() if method in WRITE_METHODS}


# Path parameters of web routes, filled with values no object has: enough to reach a view and see which methods it
# takes (a view that does not take a method answers 405 before it looks anything up).
WEB_SAMPLES = {"<str:reference>": "EV19990101NONE", "<int:item_id>": "999999", "<str:number>": "000000-19990101-00000",
               "<int:pk>": "999999", "<str:token>": "nothing-here", "<str:kind>": "pdf", "<str:label>": "A",
               "<str:action>": "register", "<int:load_id>": "999999", "<int:match_id>": "999999",
               "<int:number>": "999999", "<int:job_id>": "999999", "<int:version>": "1"}  # fmt: skip


def concrete(path: str) -> str:
    for pattern, sample in WEB_SAMPLES.items():
        path = path.replace(pattern, sample)
    return path
