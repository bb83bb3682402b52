import pytest


@pytest.fixture(autouse=True)
def _isolated(isolated_storage):
    """Every case test: files in memory, on-commit work done at once (tests/fixtures.py)."""
    return
