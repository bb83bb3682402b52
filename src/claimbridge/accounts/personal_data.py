"""The personal data of platform accounts (PIPL art. 17; B8); see privacy/register.py."""

from __future__ import annotations

from claimbridge.privacy.declarations import Declaration, Seen, Text

_ACCOUNT = Text(
    "登录平台、按角色和所属机构授权、联系用户", "signing in, authorising by role and organisation, reaching the user"
)
_SEEN = (Seen("subject", "full"), Seen("insurer_staff", "masked", Text("同一机构的同事", "colleagues of the same organisation")),
         Seen("platform_admin", "masked"))  # fmt: skip


def _user(field: str, kind: Text, seen: tuple[Seen, ...] = _SEEN) -> Declaration:
    return Declaration("accounts.User", field, kind, _ACCOUNT, "hr", seen, "account")


DECLARATIONS = (
    _user("username", Text("用户名", "user name"), (Seen("subject", "full"), Seen("platform_admin", "full"))),
    _user("full_name", Text("用户姓名", "user's full name")),
    _user("phone", Text("用户手机号", "user's mobile")),
    _user("phone_index", Text("手机号盲索引", "blind index of the mobile"), ()),
    _user("email", Text("电子邮箱", "email"), (Seen("subject", "full"), Seen("platform_admin", "masked"))),
)
