"""Mutation testing of the tenancy rules and the kernel's decisions (issue 12), with mutmut. Not part of CI.

Each module in `[tool.claimbridge.mutation]` of pyproject.toml is mutated against its own tests, in a throw-away copy
of the project under var/mutation/<module>/, so the working tree is never touched: mutmut copies that copy once more
into mutants/, puts every mutant of a function behind a trampoline, learns which tests reach which function, then
runs, for each mutant, only those tests (`-x`) in a process forked from a warm one.

    make mutation                       every module (see docs/mutation.md for how long that takes)
    make mutation MODULE=settlement     one module (settlement, eligibility or scope)
    python bench/mutation.py --module scope --keep    keep var/mutation/scope/ to look at it with `mutmut browse`

The score per module goes to bench/results/mutation.json (a run of one module keeps the others' last scores) and
every mutant that was not killed, with its file, line and diff, to bench/results/mutation-survivors.txt.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import glob
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "mutation"
RESULTS = ROOT / "bench" / "results" / "mutation.json"
SURVIVORS = ROOT / "bench" / "results" / "mutation-survivors.txt"
COPIED = ("src", "tests", "conftest.py")  # what the tests need of the project: the package, the fixtures, settings
_NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.so", "browser")
KILLED = ("killed", "timeout")  # a mutant whose tests ran out of time did not pass them


def load_config() -> dict[str, Any]:
    document = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    config: dict[str, Any] = document["tool"]["claimbridge"]["mutation"]
    return config


def test_paths(patterns: list[str]) -> list[str]:
    """The configured tests, globs expanded (relative to the project); a pattern that matches nothing is an error."""
    paths: list[str] = []
    for pattern in patterns:
        found = sorted(glob.glob(pattern, root_dir=ROOT))
        if not found:
            raise SystemExit(f"mutation: no test file matches {pattern!r}")
        paths += [path for path in found if path not in paths]
    return paths


def _toml_list(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False)  # a JSON array of strings is a TOML array of basic strings


def prepare(module: str, settings: dict[str, Any], common: dict[str, Any]) -> Path:
    """A fresh copy of the project for one module, its pyproject.toml carrying mutmut's configuration."""
    work = WORK / module
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=_NOT_COPIED)
        else:
            shutil.copy2(source, work / name)
    pytest_args = [*common.get("pytest_args", []), *settings.get("pytest_args", [])]
    mutmut = "\n".join(
        [
            "",
            "[tool.mutmut]  # written by bench/mutation.py",
            'source_paths = ["src"]',
            f"only_mutate = {_toml_list([settings['source']])}",
            'also_copy = ["conftest.py"]',
            f"pytest_add_cli_args = {_toml_list(pytest_args)}",
            f"pytest_add_cli_args_test_selection = {_toml_list(test_paths(settings['tests']))}",
            "use_git_change_detection = false",
            f"timeout_constant = {float(settings.get('timeout_constant', 1.0))}",
            "",
        ]
    )
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (work / "pyproject.toml").write_text(pyproject + mutmut, encoding="utf-8")
    return work


@contextlib.contextmanager
def inside(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _function_lines(source: Path) -> dict[str, int]:
    """The line of each function and method, keyed as mutmut names them (`x_name`, `xǁClassǁmethod`)."""
    lines: dict[str, int] = {}
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef):
            lines[f"x_{node.name}"] = node.lineno
        elif isinstance(node, ast.ClassDef):
            for child in node.body:
                if isinstance(child, ast.FunctionDef):
                    lines[f"xǁ{node.name}ǁ{child.name}"] = child.lineno
    return lines


_HUNK = re.compile(r"^@@ -(\d+)")


def _changed_line(diff: str, function_line: int) -> int:
    """The line of the source that a mutant's diff (numbered from the function's `def`) changes first."""
    old = 0
    for line in diff.splitlines():
        hunk = _HUNK.match(line)
        if hunk:
            old = int(hunk.group(1))
        elif line.startswith("-") and not line.startswith("---"):
            return function_line + old - 1
        elif line.startswith(" "):
            old += 1
    return function_line


def collect(work: Path, source: str) -> dict[str, Any]:
    """Counts by status, and every mutant that was not killed with its line and diff, from mutmut's own records."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    meta = json.loads((work / "mutants" / f"{source}.meta").read_text(encoding="utf-8"))
    statuses = {name: status_by_exit_code[code] for name, code in meta["exit_code_by_key"].items()}
    counts: dict[str, int] = {}
    for status in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    functions = _function_lines(ROOT / source)
    remaining = []
    with inside(work):
        for name, status in sorted(statuses.items()):
            if status in KILLED:
                continue
            diff = get_diff_for_mutant(name, path=source)
            function = name.rpartition(".")[2].rpartition("__mutmut_")[0]
            line = _changed_line(diff, functions.get(function, 1))
            remaining.append({"mutant": name, "status": status, "line": line, "diff": diff})
    remaining.sort(key=lambda item: (item["line"], item["mutant"]))
    total = len(statuses)
    killed = counts.get("killed", 0)
    timeout = counts.get("timeout", 0)
    return {
        "killed": killed,
        "survived": counts.get("survived", 0),
        "timeout": timeout,
        "no_tests": counts.get("no tests", 0),
        "other": total - killed - timeout - counts.get("survived", 0) - counts.get("no tests", 0),
        "total": total,
        "percent": round(100 * (killed + timeout) / total, 1) if total else 0.0,
        "not_killed": remaining,
    }


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_module(module: str, config: dict[str, Any], max_children: int, keep: bool) -> dict[str, Any]:
    settings = config["modules"][module]
    source = settings["source"]
    before = _digest(ROOT / source)
    work = prepare(module, settings, config)
    log = work / "mutmut.log"
    print(f"=== mutation: {source} against {', '.join(test_paths(settings['tests']))} (log: {log}) ===", flush=True)
    environment = {**os.environ, "DATABASE_URL": ""}  # SQLite, in memory: each mutant's run builds its own world
    mutmut = Path(sys.executable).with_name("mutmut")
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as output:
        finished = subprocess.run(  # noqa: S603 - our own venv's mutmut, arguments built here
            [str(mutmut), "run", "--max-children", str(max_children)],
            cwd=work,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = round(time.monotonic() - started, 1)
    if finished.returncode != 0:
        print(log.read_text(encoding="utf-8", errors="replace")[-4000:])
        raise SystemExit(f"mutation: mutmut failed on {module} (exit {finished.returncode}); see {log}")
    result = {
        "source": source,
        "tests": test_paths(settings["tests"]),
        **collect(work, source),
        "seconds": seconds,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workers": max_children,
        "mutmut": _mutmut_version(),
    }
    if _digest(ROOT / source) != before:
        raise SystemExit(f"mutation: {source} changed during the run")  # never expected: mutmut works on copies
    if not keep:
        shutil.rmtree(work)
    print(
        f"{module}: {result['killed']} killed, {result['timeout']} timeout, {result['survived']} survived, "
        f"{result['no_tests']} without tests, {result['total']} in all: {result['percent']} % in {seconds} s",
        flush=True,
    )
    return result


def _mutmut_version() -> str:
    from importlib.metadata import version

    return version("mutmut")


def survivors_text(modules: dict[str, Any]) -> str:
    parts = ["Mutants not killed by `make mutation` (bench/mutation.py); why each is harmless: docs/mutation.md.", ""]
    for module, result in modules.items():
        parts.append(
            f"## {module}: {result['source']} — {result['percent']} % killed "
            f"({result['killed']} killed, {result['timeout']} timeout, {result['survived']} survived, "
            f"{result['no_tests']} without tests, {result['total']} in all; {result['seconds']} s)"
        )
        parts.append("")
        for item in result["not_killed"]:
            parts.append(f"{result['source']}:{item['line']}  {item['mutant']}  ({item['status']})")
            parts.append(item["diff"])
            parts.append("")
    return "\n".join(parts) + "\n"


def main() -> None:
    config = load_config()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--module", default="all", choices=["all", *config["modules"]])
    parser.add_argument("--max-children", type=int, default=2, help="mutants run at once (default 2: the cores here)")
    parser.add_argument("--keep", action="store_true", help="keep var/mutation/<module>/ for `mutmut browse`")
    args = parser.parse_args()
    modules = list(config["modules"]) if args.module == "all" else [args.module]

    results = {module: run_module(module, config, args.max_children, args.keep) for module in modules}
    previous: dict[str, Any] = {}  # read only now: another module's run may have finished meanwhile
    if RESULTS.exists():
        with contextlib.suppress(ValueError, KeyError):
            previous = json.loads(RESULTS.read_text(encoding="utf-8"))["modules"]
    results = {**{name: previous[name] for name in config["modules"] if name in previous}, **results}
    ordered = {name: results[name] for name in config["modules"] if name in results}
    SURVIVORS.parent.mkdir(parents=True, exist_ok=True)
    SURVIVORS.write_text(survivors_text(ordered), encoding="utf-8")
    document = {
        "tool": "mutmut",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "modules": ordered,
    }
    RESULTS.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, result in ordered.items():
        print(f"{name:12} {result['percent']:5} %  ({result['killed'] + result['timeout']}/{result['total']} killed)")
    print(f"scores: {RESULTS.relative_to(ROOT)}")
    print(f"surviving mutants: {SURVIVORS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
