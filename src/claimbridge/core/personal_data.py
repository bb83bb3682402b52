"""The personal data the core keeps: one-time phone codes and the sign-in records (PIPL art. 17; B8); see
privacy/register.py. The sign-in records are django-axes' models, declared here because core configures them."""

from __future__ import annotations

from claimbridge.privacy.declarations import Declaration, Seen, Text

_SIGN_IN = Text(
    "防止暴力破解登录、安全审计（《网络安全法》第二十一条）",
    "stopping password guessing; security audit (Cybersecurity Law art. 21)",
)
_ADMIN = (Seen("platform_admin", "full"),)

DECLARATIONS = (
    Declaration("core.PhoneChallenge", "phone_index", Text("接收验证码的手机号（盲索引）", "mobile a code was sent to (blind index)"),
                Text("证明手机号属于本人", "proving the mobile is the person's"), "contract", (), "phone_code"),
    *(Declaration(f"axes.{model}", field, kind, _SIGN_IN, "legal_duty", _ADMIN, "access_log")
      for model in ("AccessAttempt", "AccessFailureLog", "AccessLog")
      for field, kind in (("ip_address", Text("登录 IP 地址", "sign-in IP address")),
                          ("username", Text("登录时输入的用户名", "user name typed to sign in")),
                          ("user_agent", Text("登录设备信息", "sign-in device")))),
)  # fmt: skip
