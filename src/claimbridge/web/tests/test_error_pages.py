"""The 404 and 500 pages with DEBUG off (issue 20 walk: `make run` turns DEBUG on, and showed Django's debug page):
friendly, in both languages, styled like the site, with a way home; the 500 page needs no request, session or
database."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from claimbridge.web.views import server_error_page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "first", "second"), [("zh-hans", "页面不存在", "Page not found"),
                                                           ("en", "Page not found", "页面不存在")])  # fmt: skip
def test_a_missing_page_is_a_friendly_bilingual_404(settings, language, first, second):
    settings.DEBUG = False
    client = Client()
    client.cookies["django_language"] = language
    answer = client.get("/no/such/page/", secure=True)
    assert answer.status_code == 404
    page = answer.content.decode()
    assert 'data-testid="not-found"' in page
    assert page.index(first) < page.index(second)  # the reader's language first, the other under it
    assert 'href="/"' in page  # a way home
    assert "claimbridge/app.css" in page  # the site's look
    assert 'data-testid="footer-privacy"' in page
    assert "Traceback" not in page
    assert "DEBUG = True" not in page


def test_an_api_404_stays_json(settings):
    settings.DEBUG = False
    answer = Client().get("/api/v1/no-such-thing", secure=True)
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("application/json")


def test_the_500_page_is_bilingual_styled_and_needs_no_request_context(settings):
    settings.DEBUG = False
    request = RequestFactory().get("/cases/", secure=True)  # no session, no user: the page must not need them
    answer = server_error_page(request)
    assert answer.status_code == 500
    page = answer.content.decode()
    assert 'data-testid="server-error"' in page
    assert page.index("系统出错了") < page.index("Something went wrong")
    assert "请稍后再试" in page
    assert "Please try again in a moment" in page
    assert "claimbridge/app.css" in page
    assert 'href="/"' in page
