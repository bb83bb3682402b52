"""The rehearsal's two looks inside the platform (`make rehearse`), run with the rehearsal's settings:

    python deploy/rehearsal_django.py setup RECEIVER_URL   → JSON: API tokens per insurer, webhook secrets
    python deploy/rehearsal_django.py check CLIENT_LOG     → JSON: the promises, judged from the database, the
                                                             storage and what the client was answered

`setup` loads the demo world, gives each demo insurer's hotline unit and head office an API key, and points one
webhook endpoint per insurer at the rehearsal's receiver. `check` is read-only but for the orphan sweep's dry run.
"""

from __future__ import annotations

import json
import secrets
import sys
from collections import Counter
from datetime import timedelta
from typing import Any

import django

django.setup()

from django.db.models import Count  # noqa: E402

INSURERS = ("tianlong", "maiji", "fuxi", "bailong")


def setup(receiver: str) -> dict[str, Any]:
    from claimbridge.accounts.api_keys import api_key_create
    from claimbridge.accounts.models import User
    from claimbridge.cases.models import WebhookEndpoint
    from claimbridge.core.demo import load_demo
    from claimbridge.organisations.models import Insurer

    load_demo()
    tokens: dict[str, dict[str, str]] = {}
    hooks: dict[str, str] = {}
    for code in INSURERS:
        tokens[code] = {
            role: api_key_create(user=User.objects.get(username=f"{code}_{role}"), name="rehearsal")[1]
            for role in ("unit1", "hq")
        }
        insurer = Insurer.objects.get(code=code)
        WebhookEndpoint.objects.filter(insurer=insurer).update(active=False)
        secret = secrets.token_urlsafe(24)
        WebhookEndpoint.objects.create(insurer=insurer, url=f"{receiver}/hooks/{code}", secret=secret)
        hooks[code] = secret
    return {"tokens": tokens, "hooks": hooks}


def check(client_log: str) -> dict[str, Any]:
    from django.core.files.storage import default_storage

    from claimbridge.cases.models import Case, OutboxMessage
    from claimbridge.cases.services.audit import audit_verify
    from claimbridge.core.idempotency import IdempotentRequest
    from claimbridge.evidence.models import EvidenceItem
    from claimbridge.evidence.orphans import stored_orphans_sweep
    from claimbridge.evidence.services import stored_objects_verify
    from claimbridge.policies.models import Policy

    with open(client_log, encoding="utf-8") as handle:
        accepted = [json.loads(line) for line in handle if line.strip()]
    problems: list[str] = []

    # Lost: every create the client was answered 2xx for is there, whole.
    numbers = {entry["number"] for entry in accepted if entry["kind"] == "case"}
    found_cases = set(Case.objects.filter(number__in=numbers).values_list("number", flat=True))
    items = {entry["item"] for entry in accepted if entry["kind"] == "photo"}
    found_items = set(EvidenceItem.objects.filter(pk__in=items).values_list("pk", flat=True))
    policies = {
        (entry["insurer"], number) for entry in accepted if entry["kind"] == "policies" for number in entry["policies"]
    }
    found_policies = set(
        Policy.objects.filter(policy_number__in={number for _, number in policies}).values_list(
            "insurer__code", "policy_number"
        )
    )
    agreed = {entry["number"] for entry in accepted if entry["kind"] == "agreed"}
    found_agreed = set(
        Case.objects.filter(number__in=agreed, state="agreed")
        .exclude(agreement_name="")
        .values_list("number", flat=True)
    )
    lost = {
        "cases": sorted(numbers - found_cases)[:20], "photos": sorted(items - found_items)[:20],
        "policies": sorted(f"{i}:{n}" for i, n in policies - found_policies)[:20],
        "agreements": sorted(agreed - found_agreed)[:20],
    }  # fmt: skip
    lost_count = (
        len(numbers - found_cases)
        + len(items - found_items)
        + len(policies - found_policies)
        + len(agreed - found_agreed)
    )

    # Duplicated: one key, one case (the client's view: every answer to one key names one number); the hotline's
    # cases in the database are exactly those its keys were answered with; no photo stored twice in one file.
    by_key: dict[str, set[str]] = {}
    for entry in accepted:
        if entry["kind"] == "case":
            by_key.setdefault(entry["key"], set()).add(entry["number"])
    duplicated_keys = [key for key, found in by_key.items() if len(found) > 1]
    answered = set()
    for record in IdempotentRequest.objects.filter(scope__endswith=":cases.create").values_list("response", flat=True):
        if isinstance(record, dict) and record.get("number"):
            answered.add(record["number"])
    hotline_cases = set(
        Case.objects.filter(channel="hotline", created_by__username__endswith="_unit1").values_list("number", flat=True)
    )
    unkeyed = hotline_cases - answered
    twice = EvidenceItem.objects.values("file_id", "slot", "stored_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    duplicated = len(duplicated_keys) + len(unkeyed) + twice

    # Orphans: stored objects no row refers to, and rows without their object. A failed upload whose outcome the
    # database could not tell leaves its files to the sweep (cron, hourly, deploy/crontab): the sweep runs as there,
    # with no grace since nothing is in flight now, and then nothing may be left.
    swept = stored_orphans_sweep(grace=timedelta(0))
    sweep = stored_orphans_sweep(dry_run=True, grace=timedelta(0))
    orphans = len(sweep.orphans)
    if sweep.missing_originals:
        problems.append(f"originals missing ({len(sweep.missing_originals)}): {sweep.missing_originals[:5]}")

    # Webhooks: every message delivered; one message per event and endpoint.
    undelivered = OutboxMessage.objects.filter(delivered_at__isnull=True, endpoint__active=True).count()
    per_event = Counter(
        (message.endpoint_id, message.event_type, json.dumps(message.payload, sort_keys=True, default=str))
        for message in OutboxMessage.objects.filter(endpoint__active=True).only("endpoint_id", "event_type", "payload")
    )
    webhook_twice = sum(1 for n in per_event.values() if n > 1)
    delivered_ids = {
        (code, str(pk))
        for code, pk in OutboxMessage.objects.filter(delivered_at__isnull=False, endpoint__active=True).values_list(
            "endpoint__insurer__code", "pk"
        )
    }

    chain = audit_verify()
    changed = stored_objects_verify()
    if chain:
        problems.append(f"audit verify: {chain[:5]}")
    if changed:
        problems.append(f"evidence_verify: {changed[:5]}")
    return {
        "lost": lost_count, "lost_examples": lost, "duplicated": duplicated,
        "duplicated_detail": {"keys_with_two_cases": len(duplicated_keys), "cases_without_their_key": len(unkeyed),
                              "photos_twice_in_a_file": twice, "webhook_messages_twice": webhook_twice},
        "orphans": orphans, "orphans_too_recent": len(sweep.too_recent),
        "webhooks_undelivered": undelivered, "webhook_messages": sum(per_event.values()),
        "delivered": sorted(f"{code}:{pk}" for code, pk in delivered_ids),
        "audit_verify": "clean" if not chain else "FAILED", "evidence_verify": "clean" if not changed else "FAILED",
        "accepted": Counter(entry["kind"] for entry in accepted), "problems": problems,
        "storage": type(default_storage).__name__, "orphans_swept": len(swept.orphans),
        "originals_missing": len(sweep.missing_originals),
    }  # fmt: skip


if __name__ == "__main__":
    command, argument = sys.argv[1], sys.argv[2]
    result = setup(argument) if command == "setup" else check(argument)
    print(json.dumps(result, ensure_ascii=False, default=str))
