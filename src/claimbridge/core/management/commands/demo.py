from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from claimbridge.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Create or refresh the demo organisations and users (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo login uses the password: {DEMO_PASSWORD}"))
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.role:<18}  {login.description}")
