"""The register's bench and the intake bench own their data (issue 12 finding 11): `bench/policies.py` then
`bench/intake.py` on the one default database failed with DecryptionError, the demo load meeting rows sealed under
the other bench's key. Each now has a database of its own name, created fresh, and keys of its own.

The end-to-end proof is running the two in a row (see the bench lines of the README); these tests pin the parts."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from cryptography.fernet import Fernet, InvalidToken

BENCH = Path(__file__).resolve().parents[4] / "bench"


def bench_module(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture
def bench_database(monkeypatch):
    for name in ("BENCH_POLICIES_DATABASE_URL", "BENCH_INTAKE_DATABASE_URL", "BENCH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return bench_module("bench_database")


def test_each_bench_has_a_database_of_its_own(bench_database, monkeypatch):
    """Issue 12, finding 11."""
    policies, intake = bench_database.database_url("policies"), bench_database.database_url("intake")
    assert policies.endswith("/claimbridge_bench_policies")
    assert intake.endswith("/claimbridge_bench_intake")
    monkeypatch.setenv("BENCH_INTAKE_DATABASE_URL", "postgres://db:5432/other_bench")
    assert bench_database.database_url("intake") == "postgres://db:5432/other_bench"
    assert bench_database.database_url("policies") == policies


def test_each_bench_seals_personal_data_under_keys_of_its_own(bench_database):
    """Issue 12, finding 11: what one bench sealed, the other cannot open — so they must never share rows."""
    policies, intake = bench_database.keys("policies"), bench_database.keys("intake")
    assert policies["SECRET_KEY"] != intake["SECRET_KEY"]
    sealed = Fernet(intake["FIELD_ENCRYPTION_KEYS"]).encrypt(b"\xe5\xbc\xa0\xe4\xb8\x89")
    with pytest.raises(InvalidToken):
        Fernet(policies["FIELD_ENCRYPTION_KEYS"]).decrypt(sealed)
    assert bench_database.keys("intake") == intake  # fixed: a rerun reads what the last run wrote


def test_the_intake_server_runs_with_the_intake_benchs_keys(bench_database, monkeypatch):
    """Issue 12, finding 11: the server and the demo load it is measured against share one set of keys."""
    monkeypatch.setenv("SECRET_KEY", "someone-elses-key")
    intake = bench_module("intake")
    environment = intake.server_environment("postgres://postgres@127.0.0.1:5432/claimbridge_bench_intake")
    assert environment["SECRET_KEY"] == bench_database.keys("intake")["SECRET_KEY"]
    assert environment["FIELD_ENCRYPTION_KEYS"] == bench_database.keys("intake")["FIELD_ENCRYPTION_KEYS"]


def test_only_a_bench_database_is_ever_dropped(bench_database):
    """Issue 12, finding 11: the bench drops its database to start fresh; never a database not named for a bench."""
    with pytest.raises(SystemExit, match="refusing"):
        bench_database.recreate("postgres://postgres@127.0.0.1:5432/claimbridge")
