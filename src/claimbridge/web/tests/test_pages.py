"""The web shell: security headers, health, the public service directory, errors in the user's language."""

from __future__ import annotations

import pytest

from claimbridge.accounts.models import User

pytestmark = pytest.mark.django_db


def test_every_page_carries_security_headers(client):
    response = client.get("/", secure=True)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_plain_http_is_redirected_to_https_by_default(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200  # load balancers probe over plain HTTP


def test_health_check_reports_the_database(client):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_the_directory_lists_each_insurers_unit_for_a_county(client):
    body = client.get("/directory/?county=621202", secure=True).content.decode()
    for unit in (
        "天陇财险武都区理赔分部",
        "麦积山财险武都区理赔分部",
        "白龙江财险武都区理赔分部",
        "伏羲财险武都区理赔分部",
    ):
        assert unit in body


def test_the_directory_answers_htmx_with_the_results_only(client):
    response = client.get("/directory/?county=620503", secure=True, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert "天陇财险麦积区理赔分部" in body
    assert "白龙江" not in body  # Longnan only: nothing of it serves a Tianshui district


def test_an_unknown_county_gets_a_clear_error(client):
    body = client.get("/directory/?county=110101", secure=True).content.decode()
    assert "陇南、天水没有这个县区" in body


def test_a_missing_page_is_answered_in_the_users_language(client):
    assert "页面不存在" in client.get("/nowhere/", secure=True).content.decode()
    english = client.get("/nowhere/", secure=True, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Page not found" in english


def test_the_api_documentation_is_served(client):
    schema = client.get("/api/openapi.json", secure=True).json()
    assert schema["info"]["title"] == "ClaimBridge API"
    assert "/api/v1/organisations/directory/{county_code}" in schema["paths"]


def test_the_api_directory_for_an_unknown_county_is_a_bilingual_404(client):
    response = client.get("/api/v1/organisations/directory/999999", secure=True)
    assert response.status_code == 404
    assert response.json()["error"]["en"] == "Not found."


def test_the_stylesheet_and_htmx_are_served(client):
    assert client.get("/static/claimbridge/app.css", secure=True).status_code == 200
    assert client.get("/static/claimbridge/vendor/htmx-2.0.11.min.js", secure=True).status_code == 200


def test_api_answers_in_readable_utf8(client):
    response = client.get("/api/v1/geography/cities", secure=True)
    assert "陇南市".encode() in response.content
    cities = {city["code"]: city for city in response.json()}
    assert cities["621200"]["plate_prefix"] == "甘K"
    assert len(cities["620500"]["counties"]) == 7
    assert len(cities["621200"]["counties"]) == 9


def test_association_staff_manage_organisations_in_the_admin(client, users):
    client.force_login(users["ln_assoc"])
    assert client.get("/admin/organisations/insurer/", secure=True).status_code == 200
    assert client.get("/admin/organisations/claimsunit/add/", secure=True).status_code == 200
    assert client.get("/admin/accounts/user/", secure=True).status_code == 403  # accounts stay with platform admins


def test_an_adjuster_finds_the_work_card_in_the_menu(client, users):
    """Issue 13 (R8): the card an adjuster shows at the scene is one tap from every page, for adjusters only."""
    client.force_login(users["tianlong_adj1"])
    html = client.get("/", secure=True).content.decode()
    assert 'href="/credentials/card/"' in html
    client.force_login(users["maiji_unit1"])
    assert 'href="/credentials/card/"' not in client.get("/", secure=True).content.decode()


def test_the_home_page_starts_a_report_and_a_handler_finds_the_inbox(client, users):
    """Walk finding 4: the home page had no 报案 button (the 快处易赔 card linked nowhere); a handler's home had no
    way to the cases. Now the report is the first button for the public, and staff see their day's pages."""
    html = client.get("/", secure=True).content.decode()
    assert (
        'data-testid="home-report" href="/cases/start/"' in html
        or 'href="/cases/start/" data-testid="home-report"' in html
    )
    client.force_login(users["tianlong_unit1"])
    work = client.get("/", secure=True).content.decode().split('data-testid="home-work"')[1].split("</section>")[0]
    assert 'href="/cases/"' in work


def _home_work(client, user) -> str:
    client.force_login(user)
    html = client.get("/", secure=True, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    return html.split('data-testid="home-work"')[1].split("</section>")[0]


def test_r20_the_traffic_polices_home_leads_to_its_records_and_their_matches(client, users):
    """Issue 15: a traffic police login had no way from its home (nor its menu) to the pages of its records."""
    work = _home_work(client, users["police_ln"])
    assert 'href="/police/">交警记录</a>' in work
    assert 'href="/police/matches/">记录匹配</a>' in work
    assert "/police/signals/" not in work  # the signals are the committee's and the insurers'
    assert "/fraud/" not in work
    assert "陇南市公安局交通警察支队" in client.get("/", secure=True).content.decode()  # whose records they are


def test_r11_r20_a_committee_members_home_leads_to_the_clue_queue_and_the_police_signals(client):
    """Issue 15: the joint committee's member and a city committee's (the demo's `antifraud_ln`) both find the clues
    to work and the police signals on their home page, in Chinese."""
    from claimbridge.fraud.demo import load_demo_fraud

    load_demo_fraud()
    for username in ("antifraud", "antifraud_ln"):
        work = _home_work(client, User.objects.get(username=username))
        assert 'href="/fraud/">欺诈线索</a>' in work, username
        assert 'href="/police/signals/">交警记录差异</a>' in work, username
        assert 'href="/police/">' not in work  # loading records is the police's
    assert "陇南市保险反欺诈委员会" in client.get("/", secure=True).content.decode()
