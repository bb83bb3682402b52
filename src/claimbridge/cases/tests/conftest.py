import pytest


@pytest.fixture(autouse=True)
def _isolated(isolated_storage):
    """Every case test: files in memory, on-commit work done at once (tests/fixtures.py)."""
    return


@pytest.fixture(autouse=True)
def _audit_record_verifies(request):
    """After every case test that used the database, `audit verify` finds nothing wrong (issue 12, finding 8): a
    service that changes an audited row without an event, or seals it wrongly, fails CI here. Tests that edit the
    record on purpose say so with `@pytest.mark.tampers_audit`."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or bool({"db", "transactional_db"} & set(request.fixturenames))
    if not uses_db or request.node.get_closest_marker("tampers_audit"):
        yield
        return
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")  # set up first, so torn down after this
    yield
    from claimbridge.cases.services.audit import audit_verify

    problems = audit_verify()
    assert not problems, "the audit record does not verify after this test:\n" + "\n".join(problems)
