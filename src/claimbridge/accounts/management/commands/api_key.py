"""`claimbridge api_key create USERNAME NAME` prints a new key once; `revoke PREFIX`; `list [USERNAME]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claimbridge.accounts.api_keys import api_key_create, api_key_revoke
from claimbridge.accounts.models import ApiKey, User


class Command(BaseCommand):
    help = "Issue, revoke and list API keys for insurers' systems."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create")
        create.add_argument("username")
        create.add_argument("name")
        revoke = commands.add_parser("revoke")
        revoke.add_argument("prefix")
        listing = commands.add_parser("list")
        listing.add_argument("username", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"no user {options['username']}")
            _key, token = api_key_create(user=user, name=options["name"])
            self.stdout.write(token)
        elif options["action"] == "revoke":
            key = ApiKey.objects.filter(prefix=options["prefix"]).first()
            if key is None:
                raise CommandError(f"no key with prefix {options['prefix']}")
            api_key_revoke(key=key)
        else:
            keys = ApiKey.objects.select_related("user")
            if options["username"]:
                keys = keys.filter(user__username=options["username"])
            for key in keys:
                state = "revoked" if key.revoked_at else "active"
                self.stdout.write(f"cb_{key.prefix}_…  {key.user.username}  {key.name}  {state}")
