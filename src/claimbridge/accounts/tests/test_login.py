"""Password login with Argon2, lock-out after repeated failures, logout and the language switch (B8)."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings

from claimbridge import settings as production_settings
from claimbridge.accounts.models import User

pytestmark = pytest.mark.django_db


def login(client, username, password, language="zh-hans"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        secure=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_production_hashes_passwords_with_argon2(users, demo_password):
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        user = users["driver_ts"]
        user.set_password(demo_password)
        user.save()
        assert identify_hasher(User.objects.get(pk=user.pk).password).algorithm == "argon2"


def test_a_good_password_logs_in_and_lands_on_the_home_page(client, demo_password):
    response = login(client, "tianlong_hq", demo_password)
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/", secure=True).content.decode()
    assert "退出登录" in home
    assert "您代表整个公司" in home


def test_a_wrong_password_gets_a_message_in_the_users_language(client):
    zh = login(client, "tianlong_hq", "wrong-password").content.decode()
    assert "请输入一个正确的" in zh
    en = login(client, "tianlong_hq", "wrong-password", language="en").content.decode()
    assert "Please enter a correct username and password" in en


def test_repeated_failures_lock_the_account_even_against_the_right_password(client, demo_password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "maiji_hq", "not-the-password")
    locked = login(client, "maiji_hq", demo_password)
    assert locked.status_code == 429
    assert "尝试次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock(client, demo_password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "fuxi_hq", "not-the-password")
    assert login(client, "fuxi_hq", demo_password).status_code == 302


def test_logout_is_a_post_and_ends_the_session(client, users):
    client.force_login(users["regulator"])
    response = client.post("/accounts/logout/", secure=True)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/staff/", secure=True).status_code == 302


def test_switching_to_english_and_back(client):
    assert "服务网点查询" in client.get("/", secure=True).content.decode()  # zh-hans is the default
    client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
    assert "Service directory" in client.get("/", secure=True).content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, secure=True)
    assert "服务网点查询" in client.get("/", secure=True).content.decode()


def test_changing_the_password(client, users, demo_password):
    client.force_login(users["driver_ln"])
    response = client.post(
        "/accounts/password/",
        {
            "old_password": demo_password,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
        secure=True,
    )
    assert response.status_code == 302
    assert User.objects.get(username="driver_ln").check_password("a-new-long-passphrase")
