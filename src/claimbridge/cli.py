"""The `claimbridge` command: Django's management commands with the platform's settings.

`claimbridge demo`, `claimbridge migrate`, `claimbridge runserver`… — one entry point for operators and scripts.
`claimbridge rules …`, `claimbridge geo …`, `claimbridge validate …`, `claimbridge photos …` and `claimbridge fraud …`
go straight to the framework-free kernels.
"""

from __future__ import annotations

import os
import sys

KERNEL_COMMANDS = (
    "rules",
    "geo",
    "validate",
    "photos",
    "fraud",
)  # the kernels answer these themselves: no settings, no database


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "fraud":
        from claimbridge.fraud.cli import main as fraud_main

        fraud_main(args[1:])
        return
    if args and args[0] in KERNEL_COMMANDS:
        from claimbridge.rules.cli import main as kernel_main

        kernel_main(args)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimbridge.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["claimbridge", *args])


if __name__ == "__main__":
    main()
