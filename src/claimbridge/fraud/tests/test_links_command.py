"""`claimbridge fraud_links` (issue 16, R20): the nightly rescan and the key rotation from the command line."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from tests.factories import linked_case as make_case

from claimbridge.fraud.analysis_models import CaseLink, CaseScore, Ring

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("fraud_links", *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_r20_rescan_rebuild_and_rescore(settings: Any) -> None:
    settings.LINK_INDEX_KEYS = f"v1:{'a' * 32}"
    for i in range(3):
        make_case(f"M{i}", [{"driver_phone": "13912340000", "plate": f"甘K7000{i}"}])
    rescan = run("rescan")
    assert (rescan["cases_with_links"], rescan["rings"], rescan["hubs"]) == (3, 1, 0)
    assert Ring.objects.get().size == 3
    settings.LINK_INDEX_KEYS = f"v2:{'b' * 32},v1:{'a' * 32}"
    rebuilt = run("rebuild")
    assert rebuilt["key_version"] == "v2"
    assert set(CaseLink.objects.values_list("key_version", flat=True)) == {"v2"}
    assert Ring.objects.get().size == 3
    assert run("rescore")["rescored"] >= 3
    assert CaseScore.objects.filter(case__number__startswith="M", linked_cases=2).count() == 3
