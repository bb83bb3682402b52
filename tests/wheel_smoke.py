"""`make test-wheel`'s check of the production wheel, run by the Python of a new venv where only that wheel and the
dependencies it declares are installed (issue 19 item 1; B8): never by pytest, never against the source tree.

    python -I tests/wheel_smoke.py setup.py

1. `claimbridge` comes from that venv's site-packages, and every kernel module setup.py compiles is a C extension;
2. the kernel decides (a settlement, in process and through the `claimbridge rules` command of the venv);
3. every module of the package imports with Django set up on the production settings (a dependency missing from
   pyproject.toml fails here), the migrations run on a new SQLite database and two pages render from the
   templates and translations the wheel carries.
Exit 0 with one line saying what was checked when all hold; an assertion error (exit 1) otherwise.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import pkgutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

SETTLE = {
    "accident_date": "2024-06-01",
    "vehicles": [
        {"id": "A", "liability": "full", "losses": {"vehicle": 0.1}},
        {"id": "B", "liability": "none", "losses": {"vehicle": 0.2}},
    ],
}
EXPECTED_PAYMENTS = {"A": "0.10", "B": "0.20"}


def compiled_modules(setup_py: Path) -> list[str]:
    """KERNEL_MODULES as setup.py names them (read, not imported: importing setup.py would run setup())."""
    for node in ast.parse(setup_py.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "KERNEL_MODULES" for t in node.targets):
            return [str(name) for name in ast.literal_eval(node.value)]
    raise AssertionError(f"no KERNEL_MODULES in {setup_py}")


def check_installed_and_compiled(modules: list[str]) -> None:
    import claimbridge

    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    package = Path(claimbridge.__file__).resolve()
    assert site in package.parents, f"claimbridge imported from {package}, not from the venv's {site}"
    for name in modules:
        module = importlib.import_module(f"claimbridge.rules.{name}")
        assert str(module.__file__).endswith(".so"), f"claimbridge.rules.{name} is not compiled: {module.__file__}"


def check_decision() -> None:
    from claimbridge.rules.settlement import settlement_from_document

    result = settlement_from_document(SETTLE)
    assert {p["payee"]: p["amount"] for p in result["payments"]} == EXPECTED_PAYMENTS, result
    command = Path(sys.executable).with_name("claimbridge")
    answer = subprocess.run(
        [str(command), "rules", "settle"], input=json.dumps(SETTLE), capture_output=True, text=True, check=True
    )
    payments = json.loads(answer.stdout)["payments"]
    assert {p["payee"]: p["amount"] for p in payments} == EXPECTED_PAYMENTS, answer.stdout


def check_django(var: Path) -> int:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "claimbridge.settings",
            "SECRET_KEY": "wheel-smoke-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ",
            "CLAIMBRIDGE_VAR_DIR": str(var),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
        }
    )
    (var / "static").mkdir()  # STATIC_ROOT, which WhiteNoise looks for
    import django

    django.setup()
    import claimbridge

    imported = 0
    for info in pkgutil.walk_packages(claimbridge.__path__, "claimbridge."):
        parts = info.name.split(".")
        if "tests" in parts or "migrations" in parts or info.name == "claimbridge.__main__":
            continue  # the tests need the dev extras; migrations are run below
        importlib.import_module(info.name)
        imported += 1
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0, interactive=False)
    call_command("check", fail_level="ERROR")
    client = Client()
    assert client.get("/healthz").status_code == 200
    page = client.get("/rules/settlement/", headers={"accept-language": "zh-hans"})
    assert page.status_code == 200, page.status_code
    assert "交强险" in page.content.decode(), "the settlement page rendered without its Chinese text"
    return imported


def main() -> None:
    setup_py = Path(sys.argv[1]).resolve()
    modules = compiled_modules(setup_py)
    check_installed_and_compiled(modules)
    check_decision()
    with tempfile.TemporaryDirectory(prefix="claimbridge-wheel-") as var:
        imported = check_django(Path(var))
    print(f"wheel fine: compiled {', '.join(modules)}; {imported} modules imported; migrations, check, pages")


if __name__ == "__main__":
    main()
