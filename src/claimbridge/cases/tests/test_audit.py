"""The audit record cannot be rewritten from the database alone (issue 12, finding 8; B8): every event is linked by a
keyed HMAC under a key kept outside the database, the case's current rows (the case, its parties, their claims and
hand-offs) are sealed to the head of its chain after every change, an edit found when the next change begins is
recorded by that change, and signed checkpoints kept elsewhere catch a rewrite even by someone holding the key.

Every test here edits the record on purpose, so each opts out of the suite's after-test verification."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.factories import agreed_case, two_party_case, wudu_case

from claimbridge.cases.models import Case, CaseEvent, CaseParty, Claim, Handoff
from claimbridge.cases.services import audit, claims, join, quick_claim
from claimbridge.cases.services.handoffs import handoff
from claimbridge.cases.services.seal import case_seal
from claimbridge.core import hashchain
from claimbridge.core.crypto import audit_chain_keys
from claimbridge.organisations.models import ClaimsUnit, Insurer

pytestmark = [pytest.mark.django_db, pytest.mark.tampers_audit]

OLD_KEY, NEW_KEY = "old-audit-key-" + "o" * 32, "new-audit-key-" + "n" * 32


def _plain_link(previous: str, payload: dict) -> str:
    """The chain as it was before issue 12: plain SHA-256, recomputable by anyone who can read the database."""
    return hashlib.sha256(f"{previous}\n{hashchain.canonical(payload)}".encode()).hexdigest()


def _keyed_link(key: bytes):
    return lambda previous, payload: hmac.new(
        key, f"{previous}\n{hashchain.canonical(payload)}".encode(), hashlib.sha256
    ).hexdigest()


def _relink(case: Case, link) -> None:
    """What an intruder does after editing an event: recompute every link and the case's head."""
    previous = hashchain.GENESIS
    for event in CaseEvent.objects.filter(case_id=case.pk).order_by("sequence"):
        digest = link(previous, event.payload(case.number))
        CaseEvent.objects.filter(pk=event.pk).update(previous_hash=previous, hash=digest)
        previous = digest
    Case.objects.filter(pk=case.pk).update(last_event_hash=previous)


def _reseal(case: Case) -> None:
    """What someone holding the application's audit key can do on top: seal the edited rows to the recomputed head."""
    newest = CaseEvent.objects.filter(case_id=case.pk).order_by("-sequence")[0]
    key_id, key = next(iter(audit_chain_keys().items()))
    fresh = Case.objects.get(pk=case.pk)
    CaseEvent.objects.filter(pk=newest.pk).update(key_id=key_id, state_seal=case_seal(fresh, newest.hash, key))


def _problems_of(case: Case, **options) -> list[str]:
    return [problem for problem in audit.audit_verify(**options) if problem.startswith(f"{case.number}: ")]


def _to_police(case: Case, users) -> None:
    quick_claim.case_to_police(case=case, reason="staff", user=users["tianlong_unit1"])
    case.refresh_from_db()


def test_an_untouched_case_verifies(users):
    case = wudu_case(users["tianlong_adj1"])
    _to_police(case, users)
    assert _problems_of(case) == []


def test_an_edited_party_insurer_is_detected(users):
    """Issue 12 (B8): `UPDATE cases_caseparty SET insurer_id = …` used to pass `audit verify`."""
    case = wudu_case(users["tianlong_adj1"])
    CaseParty.objects.filter(case=case, label="A").update(insurer=Insurer.objects.get(code="fuxi"))
    assert _problems_of(case) == [f"{case.number}: the case's rows were edited (they do not match the seal of event 1)"]
    with pytest.raises(CommandError, match="were edited"):
        call_command("audit", "verify")


def test_an_edited_case_state_is_detected(users):
    """Issue 12 (B8): `UPDATE cases_case SET state = …` used to pass `audit verify`."""
    case = wudu_case(users["tianlong_adj1"])
    _to_police(case, users)
    Case.objects.filter(pk=case.pk).update(state="agreed")
    assert _problems_of(case) == [
        f"{case.number}: the case's rows were edited (they do not match the seal of event {case.events_count})"
    ]


def _paid_claim(users, *, repair_shop: str = "", repair_shop_code: str = "", payee_account: str = "") -> Claim:
    case = agreed_case()
    a = case.parties.get(label="A")
    handler = users[f"{a.insurer.code}_unit1"]
    claim = claims.claim_register(party=a, user=handler)
    claims.claim_assess(claim=claim, user=handler, losses={"A": Decimal("1500"), "B": Decimal("3000")},
                        repair_shop=repair_shop, repair_shop_code=repair_shop_code)  # fmt: skip
    claims.claim_settle(claim=claim, user=handler)
    claims.claim_approve(claim=claim, user=handler)
    claims.claim_pay(claim=claim, user=handler, amount=claim.payable, reference="BANK-001", payee_account=payee_account)
    return claim


def test_an_edited_paid_amount_is_detected(users):
    """Issue 12 (B8): a claim's money is sealed with the case."""
    claim = _paid_claim(users)
    case = claim.party.case
    assert _problems_of(case) == []
    Claim.objects.filter(pk=claim.pk).update(paid_amount=Decimal("30000.00"))
    problems = _problems_of(case)
    assert len(problems) == 1
    assert "were edited" in problems[0]


def test_the_repair_shop_and_the_payee_account_are_sealed_once_given_without_re_sealing_older_cases(users):
    """Issue 16: a payee's account redirected by a direct edit is what a fraud would do. A claim that never held
    them seals as before the fields existed (no case needs re-sealing); once given, editing or clearing one is
    detected."""
    from claimbridge.cases.services.seal import case_snapshot, sealed_rows

    fields = {"repair_shop_name", "repair_shop_code", "payee_account"}
    plain = _paid_claim(users).party.case
    assert not fields & set(case_snapshot(plain, sealed_rows([plain.pk])[plain.pk])["parties"]["A"]["claim"])
    claim = _paid_claim(users, repair_shop="武都区某汽修厂", repair_shop_code="91110000802100433B",
                        payee_account="6222 0212 3456 7890 123")  # fmt: skip
    case = claim.party.case
    assert fields <= set(case_snapshot(case, sealed_rows([case.pk])[case.pk])["parties"]["A"]["claim"])
    assert _problems_of(case) == []
    held = Claim.objects.filter(pk=claim.pk).values(*fields).get()
    for change in ({"payee_account": "6222021234567899999"}, {"payee_account": ""}, {"repair_shop_code": ""},
                   {"repair_shop_name": "别家汽修厂"}):  # fmt: skip
        Claim.objects.filter(pk=claim.pk).update(**change)
        assert len(_problems_of(case)) == 1, change
        Claim.objects.filter(pk=claim.pk).update(**{name: held[name] for name in change})
        assert _problems_of(case) == [], change


def test_an_edited_hand_off_is_detected(users):
    case = wudu_case(users["tianlong_adj1"])
    b = case.parties.get(label="B")
    other = ClaimsUnit.objects.filter(branch__insurer=b.insurer).exclude(pk=b.claims_unit_id).first()
    handoff(party=b, to_unit=other, reason="workload", user=users["tianlong_hq"])
    assert _problems_of(case) == []
    Handoff.objects.filter(party=b).update(reason="customer_asked")
    assert "were edited" in _problems_of(case)[0]


def test_an_edited_event_with_its_chain_recomputed_by_plain_sha256_is_detected(users):
    """Issue 12 (B8): the chain's plain SHA-256 hashes could be recomputed by anyone with database access."""
    case = wudu_case(users["tianlong_adj1"])
    _to_police(case, users)
    event = CaseEvent.objects.get(case=case, sequence=2)
    CaseEvent.objects.filter(pk=event.pk).update(data={**event.data, "reason": "the parties agreed"})
    _relink(case, _plain_link)
    assert f"{case.number}: event 1 was altered" in _problems_of(case)


def test_an_edited_event_with_its_chain_recomputed_under_a_wrong_key_is_detected(users):
    case = wudu_case(users["tianlong_adj1"])
    _to_police(case, users)
    CaseEvent.objects.filter(case=case, sequence=2).update(data={"from": "draft", "to": "agreed", "action": "x",
                                                                 "reason": ""})  # fmt: skip
    _relink(case, _keyed_link(b"a guessed key"))
    assert f"{case.number}: event 1 was altered" in _problems_of(case)


def test_deleting_the_newest_event_is_detected_even_with_the_head_rolled_back(users):
    """Deleting the newest event and setting the case's count and head back to the one before: the rows still show
    what the deleted event did, and the older seal does not cover them."""
    case = wudu_case(users["tianlong_adj1"])
    _to_police(case, users)
    newest = CaseEvent.objects.get(case=case, sequence=case.events_count)
    before = CaseEvent.objects.get(case=case, sequence=case.events_count - 1)
    newest.delete()
    assert f"{case.number}: events after {case.events_count - 1} were removed" in _problems_of(case)
    Case.objects.filter(pk=case.pk).update(events_count=before.sequence, last_event_hash=before.hash)
    assert _problems_of(case) == [
        f"{case.number}: the case's rows were edited (they do not match the seal of event {before.sequence})"
    ]


def test_an_edit_stays_reported_after_the_next_legitimate_change(users):
    """A legitimate change after a direct edit must not bless the edit: the change finds the rows unsealed when it
    begins and its event says so, under the key."""
    case = wudu_case(users["tianlong_adj1"])
    CaseParty.objects.filter(case=case, label="A").update(insurer=Insurer.objects.get(code="fuxi"))
    join.case_join_code_issue(case=case)
    assert _problems_of(case) == [f"{case.number}: the case's rows were edited before event 2"]
    assert CaseEvent.objects.get(case=case, sequence=2).found_edited
    join.case_join_code_issue(case=case)  # later changes find the rows as sealed
    assert not CaseEvent.objects.get(case=case, sequence=3).found_edited
    assert _problems_of(case) == [f"{case.number}: the case's rows were edited before event 2"]


def test_a_case_made_outside_the_services_is_never_sealed_as_genuine(db):
    from claimbridge.organisations.models import County

    county = County.objects.get(code="621202")
    case = Case.objects.create(number="621200-20240301-00001", channel="hotline", city=county.city, county=county)
    assert _problems_of(case) == [f"{case.number}: the case has no events"]
    join.case_join_code_issue(case=case)
    assert _problems_of(case) == [f"{case.number}: the case's rows were edited before event 1"]


def test_clearing_the_edited_mark_breaks_the_chain(users):
    case = wudu_case(users["tianlong_adj1"])
    Case.objects.filter(pk=case.pk).update(state="police")
    join.case_join_code_issue(case=case)
    CaseEvent.objects.filter(case=case, sequence=2).update(found_edited=False)
    assert f"{case.number}: event 2 was altered" in _problems_of(case)


def test_the_evidence_file_is_attached_with_an_event_and_sealed(db):
    """The case's evidence file used to be attached with no event; now it is recorded, and swapping it is noticed."""
    case = two_party_case()
    assert case.events.filter(kind="evidence_opened").count() == 1
    assert _problems_of(case) == []
    Case.objects.filter(pk=case.pk).update(evidence=None)
    assert "were edited" in _problems_of(case)[0]


def test_rotation_old_events_verify_under_the_old_key_new_ones_use_the_new(users, settings):
    settings.AUDIT_CHAIN_KEYS = [OLD_KEY]
    case = wudu_case(users["tianlong_adj1"])
    settings.AUDIT_CHAIN_KEYS = [NEW_KEY, OLD_KEY]
    _to_police(case, users)
    assert _problems_of(case) == []
    keys = list(case.events.order_by("sequence").values_list("key_id", flat=True))
    old_id, new_id = hashchain.key_id(OLD_KEY.encode()), hashchain.key_id(NEW_KEY.encode())
    assert old_id != new_id
    assert (keys[0], keys[-1]) == (old_id, new_id)
    settings.AUDIT_CHAIN_KEYS = [NEW_KEY]  # the old key dropped too early
    assert f"{case.number}: event 1 is keyed with {old_id}, which is not configured" in _problems_of(case)


def test_a_rewrite_by_someone_holding_the_key_is_caught_by_a_checkpoint(users, tmp_path):
    """Checkpoints signed with Ed25519 and kept off the database server: a chain rewritten and resealed with the
    application's own key still differs from what the checkpoint saw."""
    case = wudu_case(users["tianlong_adj1"])
    _to_police(case, users)
    checkpoint = tmp_path / "checkpoint.json"
    call_command("audit", "checkpoint", "--output", str(checkpoint))
    call_command("audit", "verify", "--checkpoint", str(checkpoint))
    CaseEvent.objects.filter(case=case, sequence=2).update(data={"from": "draft", "to": "reported", "action": "report",
                                                                 "reason": "complete"})  # fmt: skip
    _relink(case, _keyed_link(next(iter(audit_chain_keys().values()))))
    _reseal(case)
    assert _problems_of(case) == []  # the limit of a key: whoever holds it can forge
    document = json.loads(checkpoint.read_text())
    assert _problems_of(case, checkpoint=document) == [
        f"{case.number}: event {case.events_count} differs from the checkpoint of {document['made_at']}"
    ]
    with pytest.raises(CommandError, match="differs from the checkpoint"):
        call_command("audit", "verify", "--checkpoint", str(checkpoint))


def test_a_checkpoint_catches_a_truncated_chain_and_a_deleted_case(users):
    case = wudu_case(users["tianlong_adj1"])
    _to_police(case, users)
    gone = wudu_case(users["tianlong_adj1"])
    document = audit.audit_checkpoint()
    before = CaseEvent.objects.get(case=case, sequence=case.events_count - 1)
    CaseEvent.objects.filter(case=case, sequence=case.events_count).delete()
    Case.objects.filter(pk=case.pk).update(events_count=before.sequence, last_event_hash=before.hash, state="reported")
    _reseal(case)
    assert _problems_of(case) == []
    CaseEvent.objects.filter(case=gone).delete()
    gone.delete()
    problems = audit.audit_verify(checkpoint=document)
    assert (
        f"{case.number}: {before.sequence} events, the checkpoint of {document['made_at']} saw {case.events_count}"
        in problems
    )
    assert f"{gone.number}: the case is gone since the checkpoint of {document['made_at']}" in problems


def test_an_edited_checkpoint_is_refused(users):
    wudu_case(users["tianlong_adj1"])
    document = audit.audit_checkpoint()
    document["cases"][0][1] += 1
    assert audit.audit_verify(checkpoint=document) == ["checkpoint: the signature does not verify"]


def test_intake_seals_the_case_with_no_extra_statement(users, monkeypatch):
    """Decision 0010: intake writes the case, its first event (now with the case's seal) and its parties in three
    inserts, after drawing the number; sealing adds no statement. (The second case has the first's vehicles, so the
    fraud link index joins them into one ring: its rescoring waits for the commit, outside the request's work.)"""
    from django.db import transaction

    wudu_case(users["tianlong_adj1"])
    after_commit: list = []
    monkeypatch.setattr(
        transaction, "on_commit", lambda callback, using=None, robust=False: after_commit.append(callback)
    )
    with CaptureQueriesContext(connection) as queries:
        case = wudu_case(users["tianlong_adj1"])
    assert after_commit  # the rescoring of the two linked cases, sent after the commit
    sqls = [query["sql"] for query in queries]
    writes = [sql.split(" (")[0] for sql in sqls if sql.startswith(("INSERT", "UPDATE")) and "cases_" in sql]
    assert [sql for sql in writes if "casenumbersequence" not in sql] == [
        'INSERT INTO "cases_case"',
        'INSERT INTO "cases_caseevent"',
        'INSERT INTO "cases_caseparty"',
    ]
    tables = ('"cases_caseevent"', '"cases_caseparty"', '"cases_claim"', '"cases_handoff"')
    assert [sql for sql in sqls if sql.startswith("SELECT") and any(table in sql for table in tables)] == []
    assert CaseEvent.objects.get(case=case).state_seal
    assert _problems_of(case) == []


def _relink_migration():
    return importlib.import_module("claimbridge.cases.migrations.0010_keyed_audit_chain")


def test_the_upgrade_relinks_intact_plain_chains_and_leaves_broken_ones_broken(users):
    """Existing databases verify after upgrading: the migration re-links every chain that verifies under the old plain
    SHA-256 rule with the current key and seals the case's rows; a chain already broken stays broken."""
    from django.apps import apps

    intact, broken = wudu_case(users["tianlong_adj1"]), wudu_case(users["tianlong_adj1"])
    _to_police(intact, users)
    _to_police(broken, users)
    for case in (intact, broken):
        CaseEvent.objects.filter(case=case).update(key_id="", state_seal="")
        _relink(case, _plain_link)
    CaseEvent.objects.filter(case=broken, sequence=2).update(data={"from": "x", "to": "y", "action": "z", "reason": ""})
    assert _problems_of(intact)
    assert _problems_of(broken)
    _relink_migration().relink_chains(apps, None)
    assert _problems_of(intact) == []
    assert f"{broken.number}: event 2 was altered" in _problems_of(broken)


@pytest.mark.parametrize(
    ("model", "role"), [(Case, "case"), (CaseParty, "party"), (Claim, "claim"), (Handoff, "handoff")]
)
def test_every_field_of_the_audited_rows_is_sealed_or_left_out_with_a_reason(model, role):
    """A field added to a case, a party, a claim or a hand-off is decided on: sealed (with a new snapshot version and
    a re-sealing migration), sealed while it holds a value (no re-sealing), or left out with a reason."""
    from claimbridge.cases.services.seal import NOT_SEALED, SEALED, SEALED_WHEN_SET

    names = {field.name for field in model._meta.concrete_fields}
    lists = (set(SEALED[role]), set(SEALED_WHEN_SET[role]), set(NOT_SEALED[role]))
    assert set.union(*lists) == names
    assert sum(len(names) for names in lists) == len(names)  # each field in one list only
    assert all(reason.strip() for reason in NOT_SEALED[role].values())


def test_a_change_without_case_lock_is_refused(users):
    case = wudu_case(users["tianlong_adj1"])
    from claimbridge.cases.services.record import event_append

    with pytest.raises(RuntimeError, match="case_lock"):
        event_append(case=Case.objects.get(pk=case.pk), kind="join_code_issued", actor=None, data={})


def test_a_short_audit_key_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.AUDIT_CHAIN_KEYS = ["short"]
    with pytest.raises(ImproperlyConfigured, match="AUDIT_CHAIN_KEYS"):
        audit_chain_keys()


def test_a_checkpoint_signed_by_another_key_is_refused(users, tmp_path, settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    wudu_case(users["tianlong_adj1"])
    checkpoint, pem = tmp_path / "checkpoint.json", tmp_path / "key.pem"
    call_command("audit", "checkpoint", "--output", str(checkpoint))
    printed = io.StringIO()
    call_command("audit", "public-key", stdout=printed)
    pem.write_text(printed.getvalue())
    call_command("audit", "verify", "--checkpoint", str(checkpoint), "--public-key", str(pem))
    other = Ed25519PrivateKey.generate().public_key()
    pem.write_bytes(other.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    with pytest.raises(CommandError, match="signature does not verify"):
        call_command("audit", "verify", "--checkpoint", str(checkpoint), "--public-key", str(pem))


def test_a_record_that_does_not_verify_is_not_signed(users, tmp_path):
    case = wudu_case(users["tianlong_adj1"])
    Case.objects.filter(pk=case.pk).update(state="police")
    with pytest.raises(CommandError, match="not signing"):
        call_command("audit", "checkpoint", "--output", str(tmp_path / "checkpoint.json"))
    assert not (tmp_path / "checkpoint.json").exists()
