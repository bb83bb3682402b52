"""When `make test-kernel-compiled` runs the kernel's tests, they must exercise the compiled modules, not the sources."""

from __future__ import annotations

import os

import pytest

import claimbridge.rules.eligibility
import claimbridge.rules.settlement


@pytest.mark.skipif(os.environ.get("CLAIMBRIDGE_EXPECT_COMPILED_KERNEL") != "1", reason="only in the compiled pass")
def test_the_compiled_modules_are_the_ones_imported():
    assert claimbridge.rules.settlement.__file__.endswith(".so")
    assert claimbridge.rules.eligibility.__file__.endswith(".so")
