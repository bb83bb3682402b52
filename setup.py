"""Build hook. With CLAIMBRIDGE_COMPILE_KERNEL=1 the rules kernel is compiled to C with mypyc (part of mypy).

The compiled modules behave exactly like the Python ones (the kernel's tests run against both, see `make test`) and
decide three to four times faster. Without the variable the package is pure Python, which is what development uses.
Production: `pip install "mypy>=1.13" setuptools && CLAIMBRIDGE_COMPILE_KERNEL=1 pip install --no-build-isolation .`
"""

import os

from setuptools import setup

KERNEL_MODULES = ("common", "inputs", "identifiers", "circumstances", "eligibility", "ctpl", "settlement", "triage")

ext_modules = []
if os.environ.get("CLAIMBRIDGE_COMPILE_KERNEL") == "1":
    from mypyc.build import mypycify

    ext_modules = mypycify([f"src/claimbridge/rules/{name}.py" for name in KERNEL_MODULES], opt_level="3")

setup(ext_modules=ext_modules)
