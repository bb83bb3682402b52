"""The `claimbridge` command: Django's management commands with the platform's settings.

`claimbridge demo`, `claimbridge migrate`, `claimbridge runserver`… — one entry point for operators and scripts.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimbridge.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["claimbridge", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
