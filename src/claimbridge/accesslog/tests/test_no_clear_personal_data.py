"""Item 5 of issue 20 (B8, B9, R17, R19): exports and webhooks carry only what their receiver needs. Over the world of
real objects of two insurers (tests/world.py: cases with both drivers, claims, adjusters with names and mobiles,
police records with drivers and ID numbers, monthly reports), every webhook message in the outbox and the output of
every export is searched for any person's name, mobile, ID or licence number or bank account in clear, and for
anything shaped like a mainland mobile or resident ID number. Unmask one field anywhere and this fails."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client

from claimbridge.accesslog.models import AccessRecord, Action

pytestmark = pytest.mark.django_db

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def _people() -> set[str]:
    """Every personal value the platform holds, decrypted: what must never reach an export or a webhook in clear."""
    from claimbridge.accounts.models import User
    from claimbridge.cases.models import CaseParty, Claim
    from claimbridge.credentials.models import Adjuster
    from claimbridge.fraud.models import CluePerson
    from claimbridge.police.models import PoliceVehicle

    values: set[str] = set()
    for party in CaseParty.objects.all():
        values |= {party.driver_name, party.driver_phone, party.driver_licence, party.confirmed_name}
    values |= {claim.payee_account for claim in Claim.objects.all()}
    for adjuster in Adjuster.objects.all():
        values |= {adjuster.full_name, adjuster.id_number, adjuster.phone}
    for user in User.objects.all():
        values |= {user.full_name, user.phone}
    for vehicle in PoliceVehicle.objects.all():
        values |= {vehicle.driver_name, vehicle.driver_id_number}
    for person in CluePerson.objects.all():
        values |= {person.name, person.id_number, person.phone}
    return {value.strip() for value in values if value and len(value.strip()) >= 2}


def _leaks(text: str, people: set[str], *, shapes: bool = True) -> list[str]:
    found = sorted(value for value in people if value in text)
    if not shapes:
        return found
    found += [f"mobile-shaped {m}" for m in MOBILE.findall(text)]
    found += [f"ID-shaped {m}" for m in RESIDENT_ID.findall(text)]
    return found


def test_the_world_holds_the_people_searched_for(world):
    """The search has something to find: drivers, adjusters and police-record drivers with names and numbers."""
    people = _people()
    assert {"张三", "13700005555", "赵铁柱", "13911110001"} <= people
    assert any(RESIDENT_ID.fullmatch(value) for value in people)


def test_no_webhook_message_carries_personal_data_in_clear(world):
    """B9: every message of every event kind cut for each receiver (cases/events.py, docs/webhooks.md)."""
    from decimal import Decimal

    from tests.factories import agreed_case

    from claimbridge.cases.models import OutboxMessage
    from claimbridge.cases.services import claims, handoffs

    # One more case taken to payment into a bank account, with a hand-off: every claim step's message too.
    handler = world.users["maiji_unit1"]
    party = agreed_case().parties.get(label="A")
    claim = claims.claim_register(party=party, user=handler)
    claims.claim_contact(claim=claim, user=handler)
    claims.claim_assess(claim=claim, user=handler, losses={"A": Decimal("1500"), "B": Decimal("3000")},
                        repair_shop="武都区顺达汽车修理有限公司")  # fmt: skip
    claims.claim_settle(claim=claim, user=handler)
    claims.claim_approve(claim=claim, user=handler)
    claims.claim_pay(claim=claim, user=handler, amount=claim.payable, reference="BANK-XYZ",
                     payee_account="6222 0212 3456 7890 123")  # fmt: skip
    handoffs.handoff(party=party, to_unit=world.units["mj_ts"], reason="workload", user=handler)
    messages = list(OutboxMessage.objects.select_related("endpoint__insurer"))
    assert len(messages) > 10
    assert len({m.event_type for m in messages}) > 5
    people = _people()
    leaks = {(m.endpoint.insurer.code, m.event_type): _leaks(json.dumps(m.payload, ensure_ascii=False), people)
             for m in messages}  # fmt: skip
    assert {key: found for key, found in leaks.items() if found} == {}


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(" ".join("" if cell is None else str(cell) for cell in row)
                     for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))  # fmt: skip


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def _text(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response["Content-Type"]
    if "spreadsheetml" in kind:
        return _xlsx_text(content)
    if "pdf" in kind:
        return _pdf_text(content)
    return content.decode("utf-8-sig")


def _exports(world: Any) -> Iterator[tuple[str, str, str]]:
    """(name, the reader's username, path) of every export a reader may download."""
    from claimbridge.credentials.reports import month_compute

    this_month = [r for r in month_compute(month=date.today().replace(day=1)) if r.rows]
    reports = [*world.reports.values(), *this_month]
    assert any(report.rows for report in reports), "a monthly report with adjusters' lines"
    for report in reports:
        reader = "ln_assoc" if report.association.city.code == "621200" else "ts_assoc"
        for kind in ("pdf", "xlsx"):
            yield f"monthly feedback {report.pk}.{kind}", reader, f"/credentials/reports/{report.pk}.{kind}"
    for reader in ("maiji_hq", "tianlong_unit1", "ln_assoc", "regulator", "admin"):
        for kind in ("xlsx", "csv"):
            yield f"figures.{kind} for {reader}", reader, f"/reports/figures.{kind}"
    yield "policy template", "maiji_hq", "/policies/template.csv"


def test_no_export_carries_personal_data_in_clear_and_each_is_recorded(world):
    """B8, R19: the monthly feedback (adjusters by masked name), the dashboard's spreadsheets and CSV, the rows behind
    the figures, the policy template. Each download is one access record of its reader (item 4)."""
    from claimbridge.reports import row_exports
    from claimbridge.reports.tasks import run_export

    people = _people()
    leaks: dict[str, list[str]] = {}
    for name, reader, path in _exports(world):
        client = Client()
        client.force_login(world.users[reader])
        before = AccessRecord.objects.filter(actor=world.users[reader], action=Action.EXPORTED).count()
        response = client.get(path, secure=True)
        assert response.status_code == 200, (name, response.status_code)
        # The policy template's example rows hold a made-up mobile (13800001234): searched for real people only.
        leaks[name] = _leaks(_text(response), people, shapes="template" not in name)
        if "template" not in name:
            after = AccessRecord.objects.filter(actor=world.users[reader], action=Action.EXPORTED).count()
            assert after == before + 1, name
    for reader in ("maiji_hq", "admin"):
        user = world.users[reader]
        first = date.today().replace(day=1)
        job = row_exports.export_request(user=user, first=first.replace(year=first.year - 1), last=first)
        run_export.call(job_id=job.pk)
        content, _name = row_exports.export_open(user=user, job_id=job.pk)
        leaks[f"row export for {reader}"] = _leaks(_xlsx_text(content), people)
        record = AccessRecord.objects.filter(actor=user).latest("pk")
        assert (record.action, record.object_ref) == (Action.EXPORTED, f"reports.export:{job.pk}")
    assert {name: found for name, found in leaks.items() if found} == {}
