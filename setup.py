"""Build hook. With CLAIMBRIDGE_COMPILE_KERNEL=1 the rules kernel is compiled to C with mypyc (part of mypy).

The compiled modules behave exactly like the Python ones (the kernel's tests run against both, see `make test`) and
decide three to four times faster. Without the variable the package is pure Python, which is what development uses.
Production: `pip install "mypy>=1.13" "setuptools>=77" && CLAIMBRIDGE_COMPILE_KERNEL=1 pip install --no-build-isolation .`
(setuptools named with its version: Python 3.11's venv comes with 65, which cannot read pyproject.toml's `license`).
mypy is given mypyc.ini, not pyproject.toml's [tool.mypy], whose Django plugin needs the whole development set-up;
`make test-wheel` builds the wheel this way from a copy of the checkout and imports its compiled modules in a new venv.
"""

import os
from pathlib import Path

from setuptools import setup

KERNEL_MODULES = ("common", "inputs", "identifiers", "circumstances", "eligibility", "ctpl", "settlement", "triage")

ext_modules = []
if os.environ.get("CLAIMBRIDGE_COMPILE_KERNEL") == "1":
    from mypyc.build import mypycify

    config = Path(__file__).resolve().parent / "mypyc.ini"
    if not config.is_file():  # never fall back on pyproject.toml's [tool.mypy], which fails far less clearly
        raise SystemExit(f"CLAIMBRIDGE_COMPILE_KERNEL=1: {config.name} is missing beside setup.py")
    paths = [f"src/claimbridge/rules/{name}.py" for name in KERNEL_MODULES]
    ext_modules = mypycify(["--config-file", str(config), *paths], opt_level="3")

setup(ext_modules=ext_modules)
