"""Nothing in the zh-hans catalogue is left untranslated, and the compiled catalogue matches it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claimbridge.core import i18n


def test_the_catalogue_is_complete_and_compiled():
    found = [problem for path in i18n.catalogues() for problem in i18n.problems(path)]
    assert found == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Run makemessages on a copy of the package: it must find no message the catalogue lacks."""
    package = Path(i18n.__file__).resolve().parent.parent
    copy = tmp_path / "claimbridge"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": ":".join(sys.path),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--add-location",
            "file",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    import polib

    catalogue = polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
