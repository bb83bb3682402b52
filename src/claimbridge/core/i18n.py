"""Compile the zh-hans catalogue without GNU gettext, and check that it is complete.

`python -m claimbridge.core.i18n compile` writes django.mo next to django.po; `check` exits 1 when a message is
untranslated or fuzzy, or when the compiled file is out of date. Development-only: needs polib.
"""

from __future__ import annotations

import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def problems(po_path: Path) -> list[str]:
    import polib

    catalogue = polib.pofile(str(po_path))
    found = [f"untranslated: {entry.msgid!r}" for entry in catalogue.untranslated_entries()]
    found += [f"fuzzy: {entry.msgid!r}" for entry in catalogue.fuzzy_entries()]
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        found.append(f"missing compiled catalogue {mo_path.name}")
    else:
        compiled = polib.mofile(str(mo_path))
        expected = {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in catalogue.translated_entries()
        }
        actual = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in compiled}
        if {k: v for k, v in actual.items() if k[1]} != expected:
            found.append(f"{mo_path.name} is out of date: run `make messages`")
    return found


def compile_all() -> None:
    import polib

    for po_path in catalogues():
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


def main(argv: list[str]) -> int:
    if argv[:1] == ["compile"]:
        compile_all()
        return 0
    if argv[:1] == ["check"]:
        found = [f"{path}: {p}" for path in catalogues() for p in problems(path)]
        print("\n".join(found) or "catalogues complete")
        return 1 if found else 0
    print("usage: python -m claimbridge.core.i18n compile|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
