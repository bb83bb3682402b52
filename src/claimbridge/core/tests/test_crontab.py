"""docs/operations/crontab (issue 19 item 2; B8): the periodic jobs are real commands with real options, on valid
schedules, and each line runs as cron would run it (its environment variables, its % escapes, its lock, the shell)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from croniter import croniter
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[4]
CRONTAB = ROOT / "docs" / "operations" / "crontab"
# Commands that must be scheduled: every periodic job the platform has (the webhook loop is a service).
PERIODIC = {"recover", "reports", "fraud_links", "monthly_feedback", "evidence_uploads_sweep", "evidence_verify",
            "audit", "backup", "retention_sweep"}  # fmt: skip
ENTRY = re.compile(r"^(?P<when>(\S+\s+){5})(?P<user>\S+)\s+(?P<command>.+)$")


def _crontab() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The variables and the (schedule, command) entries of the file, commented-out entries left out."""
    variables: dict[str, str] = {}
    entries = []
    for line in CRONTAB.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.match(r"^[A-Z_]+=", line):
            name, value = line.split("=", 1)
            variables[name] = value
            continue
        match = ENTRY.match(line)
        assert match, f"not a /etc/cron.d entry: {line!r}"
        assert match["user"] == "claimbridge"
        entries.append((match["when"].strip(), match["command"]))
    return variables, entries


def _as_cron_runs(command: str) -> str:
    """Cron turns an unescaped % into a newline (the rest is standard input) and drops the backslash of \\%."""
    assert re.search(r"(?<!\\)%", command) is None, f"an unescaped % in {command!r}"
    return command.replace("\\%", "%")


def test_every_periodic_job_is_scheduled_with_real_commands_and_options():
    """B8: each entry is `claimbridge <command> <options>` that the command's own parser accepts, on a valid schedule,
    under a lock of its own; every periodic command of the platform is there."""
    variables, entries = _crontab()
    assert variables["CB"].endswith("exec /opt/claimbridge/venv/bin/claimbridge")
    commands = get_commands()
    scheduled = set()
    for when, command in entries:
        assert croniter.is_valid(when), when
        assert command.startswith("flock -n /run/lock/claimbridge-")
        inner = re.search(r'sh -c "\$CB (?P<args>[^"]+)"$', command)
        assert inner, command
        args = shlex.split(re.sub(r"\$\([^)]*\)", "2026-01-01", _as_cron_runs(inner["args"])))
        name = args[0]
        assert name in commands, f"{name} is no claimbridge command"
        parser = load_command_class(commands[name], name).create_parser("claimbridge", name)
        parser.parse_args(args[1:])  # CommandError on an unknown option or a bad value
        scheduled.add(name)
    assert scheduled >= PERIODIC, PERIODIC - scheduled


@pytest.mark.skipif(shutil.which("flock") is None, reason="flock (util-linux) is not installed here")
def test_each_line_runs_in_the_shell_as_cron_would(tmp_path):
    """The variables expand, the environment file is read, the dates are substituted, the lock is taken and the
    command gets exactly its arguments (the installed claimbridge replaced by a stand-in that prints them)."""
    variables, entries = _crontab()
    env_file = tmp_path / "env"
    env_file.write_text("SECRET_KEY=from-the-env-file\n", encoding="utf-8")
    stand_in = tmp_path / "claimbridge"
    stand_in.write_text('#!/bin/sh\nprintf "%s|" "$SECRET_KEY" "$@"\n', encoding="utf-8")
    stand_in.chmod(0o755)
    cb = variables["CB"].replace("/etc/claimbridge/env", str(env_file))
    cb = cb.replace("/opt/claimbridge/venv/bin/claimbridge", str(stand_in))
    for _when, command in entries:
        line = _as_cron_runs(command).replace("/run/lock/", f"{tmp_path}/")
        ran = subprocess.run(["/bin/sh", "-c", line], env={"PATH": "/usr/bin:/bin", "CB": cb},
                             capture_output=True, text=True, timeout=30)  # fmt: skip
        assert ran.returncode == 0, (line, ran.stderr)
        printed = ran.stdout.rstrip("|").split("|")
        assert printed[0] == "from-the-env-file"
        written = re.search(r'sh -c "\$CB (?P<args>[^"]+)"$', command)["args"]
        expected = shlex.split(re.sub(r"\$\([^)]*\)", "DAY", _as_cron_runs(written)))
        assert len(printed) == 1 + len(expected), (printed, expected)
        for got, want in zip(printed[1:], expected, strict=True):
            assert re.fullmatch(re.escape(want).replace("DAY", r"\d{4}-\d{2}-\d{2}"), got), (got, want)
