"""Bad query values on the public directory page: a 400 page or the page's own "no such county", never a 500
(issue 12 finding 7)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["county=%00", "county=6212%00", "county=%1b", "county%00=621202"])
@pytest.mark.parametrize("htmx", [False, True])
def test_control_characters_in_the_directory_are_a_400_page(client, query, htmx):
    """Issue 12, finding 7: `/directory/?county=%00` was a 500 (anonymous)."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(f"/directory/?{query}", secure=True, **headers)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    assert "无法接受的字符" in response.content.decode()


@pytest.mark.parametrize("county", ["9" * 5000, "%ff%fe", "' OR 1=1 --", "<script>alert(1)</script>", "%F0%9F%9A%97"])
def test_an_odd_county_in_the_directory_is_no_such_county(client, county):
    """Issue 12, finding 7: the page says there is no such county; nothing of the value is echoed as markup."""
    response = client.get(f"/directory/?county={county}", secure=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "陇南、天水没有这个县区" in body
    assert "<script>alert(1)</script>" not in body
