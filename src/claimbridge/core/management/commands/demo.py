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
        from claimbridge.policies.demo import load_demo_policies

        self.stdout.write("Demo vehicles in the policy register (try them in 快处易赔):")
        for plate, note in load_demo_policies():
            self.stdout.write(f"  {plate}  {note}")
        from claimbridge.credentials.demo import load_demo_register

        issued = load_demo_register()
        if issued:
            self.stdout.write(f"Demo adjusters' credentials issued: {', '.join(issued)}")
