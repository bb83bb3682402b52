"""The kernel is a library: importing it must not need Django."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
KERNELS = (PACKAGE / "rules", PACKAGE / "photos", PACKAGE / "stats")


def test_no_kernel_module_imports_django():
    offenders = []
    for path in (path for kernel in KERNELS for path in kernel.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in {"django", "ninja"}]
    assert offenders == []
