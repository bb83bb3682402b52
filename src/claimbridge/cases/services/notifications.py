"""Text messages to the drivers at the moments that matter (issue 13, "my cases"; B1, R12): the other driver joined,
confirmed or changed something, a confirmation was voided, the agreement is ready, the insurer registered the claim
(立案), the claim was paid.

The case's event registry calls `on_case_event` for each appended event of these kinds (`cases.events.subscribe`),
inside the change's transaction: the notice rows (`DriverNotice`, the case's 通知记录) exist exactly when the change
does. Sending happens after the commit, in a task (`cases.tasks.send_driver_notices`), never inside the request's
transaction; a refused or failed send is recorded on its row, never raised. Each text is written in the language the
driver used (`CaseParty.language`) and holds no personal data; the number is read from the party when sending.
Only a party whose mobile was proved (it has a phone index) is written to. Texts are rate-limited per phone
(`core.throttle`); "the other driver changed something" is coalesced: it is not sent within CHANGED_EVERY_SECONDS of
the last text that told the driver of a change (recorded as not sent); a notice superseded within the same change
(confirmed → agreed, changed → confirmation voided) is rewritten rather than sent twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from claimbridge.cases.events import subscribe
from claimbridge.cases.models import Case, CaseEvent, CaseParty, DriverNotice
from claimbridge.core.masking import redact_text
from claimbridge.core.sms import send_sms
from claimbridge.core.throttle import hit

logger = logging.getLogger("claimbridge.notices")

# Case event kind → the notice it calls for.
NOTICE_OF_EVENT = {
    "party_joined": "joined",
    "party_confirmed": "confirmed",
    "party_updated": "changed",
    "facts_updated": "changed",
    "circumstances_chosen": "changed",
    "confirmations_cleared": "voided",
    "agreement_made": "agreed",
    "claim_registered": "registered",
    "claim_pay": "paid",
}
# A notice still waiting from the same change that the newer one says better (so that one text goes, not two).
SUPERSEDES = {"voided": {"changed"}, "agreed": {"confirmed", "changed"}}
SAME_CHANGE_EVENTS = 4  # how far back "the same change" reaches in the case's events

PER_PHONE_PER_HOUR = 10  # texts to one mobile, whatever the case
CHANGED_EVERY_SECONDS = 15 * 60  # "the other driver changed something": at most once in this long per driver
CHANGE_KINDS = ("changed", "voided")  # the texts that tell a driver the case changed
LANGUAGES = ("zh-hans", "en")


def connect() -> None:
    """Subscribe to the case events that call for a text (from `CasesConfig.ready`)."""
    subscribe(NOTICE_OF_EVENT, on_case_event)


def language_code(language: str | None) -> str:
    """One of the platform's languages: English when the driver read English, Chinese otherwise."""
    return "en" if (language or "").lower().startswith("en") else "zh-hans"


def party_language_remember(
    *, language: str | None, number: str = "", label: str = "", party_ids: list[int] | None = None
) -> None:
    """The language the driver used on their phone (starting, joining, proving the mobile again): their texts are
    written in it. A preference, not a fact of the case: no event, and the case's seal leaves it out."""
    code = language_code(language)
    parties = CaseParty.objects.filter(pk__in=party_ids) if party_ids is not None else \
        CaseParty.objects.filter(case__number=number[:24], label=label[:2])  # fmt: skip
    with transaction.atomic():
        parties.exclude(language=code).update(language=code)


def _link() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/me/"


def yuan(amount: Any) -> str:
    """1500 → "1,500.00": the amount as the driver reads it (texts and 我的案件), as the timeline writes it."""
    from claimbridge.cases.timeline_words import yuan as written

    return written(amount or 0)


def notice_text(kind: str, *, number: str, unit: Any = None, amount: Any = None) -> str:
    """The text of a notice in the active language (call under `translation.override`); no personal data."""
    link = _link()
    unit_name = unit.display_name if unit is not None else gettext("your insurer")
    unit_phone = unit.phone if unit is not None and unit.phone else ""
    texts = {
        "joined": gettext("[ClaimBridge] The other driver joined case %(number)s. Continue at %(link)s"),
        "confirmed": gettext("[ClaimBridge] The other driver confirmed case %(number)s. See %(link)s"),
        "changed": gettext("[ClaimBridge] Case %(number)s was changed: please check it at %(link)s"),
        "voided": gettext(
            "[ClaimBridge] Case %(number)s was changed, so your confirmation is void: please check it "
            "and confirm again at %(link)s"
        ),
        "agreed": gettext("[ClaimBridge] Both drivers confirmed case %(number)s: your agreement is ready at %(link)s"),
        "registered": gettext("[ClaimBridge] %(unit)s registered your claim for case %(number)s.")
        + (" " + gettext("Questions: call %(phone)s.") if unit_phone else ""),
        "paid": gettext("[ClaimBridge] %(unit)s paid %(amount)s yuan on your claim for case %(number)s."),
    }
    return texts[kind] % {"number": number, "link": link, "unit": unit_name, "phone": unit_phone,
                          "amount": yuan(amount)}  # fmt: skip


def _changed_by(case: Case, event: CaseEvent) -> str | None:
    """The party whose change voided the confirmations (the event just before, in the same transaction)."""
    before = CaseEvent.objects.filter(case_id=case.pk, sequence=event.sequence - 1).values_list("data", flat=True)
    data = before.first() or {}
    party = data.get("party") if isinstance(data, dict) else None
    return party if isinstance(party, str) else None


def _recipients(kind: str, case: Case, event: CaseEvent, parties: list[CaseParty]) -> list[CaseParty]:
    about = event.data.get("party")
    if kind in ("registered", "paid"):  # the party whose claim it is
        return [party for party in parties if party.label == about]
    if kind == "voided":  # those whose confirmation was voided, not the one whose change voided it
        changed_by = _changed_by(case, event)
        voided = set(event.data.get("parties") or ())
        return [party for party in parties if party.label in voided and party.label != changed_by]
    if kind == "agreed":
        return parties
    return [party for party in parties if party.label != about]  # what another party did


def on_case_event(*, case: Case, event: CaseEvent) -> None:
    """The notices an event calls for, written now (inside the change's transaction), sent after the commit."""
    kind = NOTICE_OF_EVENT[event.kind]
    parties = list(CaseParty.objects.filter(case_id=case.pk).exclude(phone_index="").order_by("label"))
    recipients = _recipients(kind, case, event, parties)
    if not recipients:
        return
    unit, amount = None, None
    if kind in ("registered", "paid"):
        unit = recipients[0].claims_unit
        amount = event.data.get("amount")
    created: list[int] = []
    for party in recipients:
        with translation.override(party.language or "zh-hans"):
            text = notice_text(kind, number=case.number, unit=unit, amount=amount)[:300]
        waiting = DriverNotice.objects.filter(party=party, status=DriverNotice.Status.QUEUED,
                                              kind__in=SUPERSEDES.get(kind, ()),
                                              event_sequence__gte=event.sequence - SAME_CHANGE_EVENTS)  # fmt: skip
        if waiting.update(kind=kind, text=text, event_sequence=event.sequence):
            continue  # already on its way after the commit, now with the better text
        status = DriverNotice.Status.QUEUED if _within_limits(kind, party) else DriverNotice.Status.LIMITED
        notice = DriverNotice.objects.create(party=party, kind=kind, event_sequence=event.sequence, text=text,
                                             language=party.language or "zh-hans", status=status,
                                             created_at=timezone.now())  # fmt: skip
        if status == DriverNotice.Status.QUEUED:
            created.append(notice.pk)
    if created:
        from claimbridge.cases.tasks import send_driver_notices

        transaction.on_commit(lambda: send_driver_notices.enqueue(ids=created), robust=True)


def _within_limits(kind: str, party: CaseParty) -> bool:
    if kind == "changed" and _told_recently(party):
        return False
    return hit(f"notice:phone:{party.phone_index[:32]}", limit=PER_PHONE_PER_HOUR, window_seconds=3600)


def _told_recently(party: CaseParty) -> bool:
    """Whether this driver was texted that the case changed (or that a change voided their confirmation) in the last
    CHANGED_EVERY_SECONDS (issue 13: two drivers side by side got "case changed" twice in 20 seconds, a fixed window
    having turned over between the two). The window slides from that text: a change within it is coalesced into it
    (recorded as not sent). Changes are written under the case's lock, so two of them never both find nothing."""
    since = timezone.now() - timedelta(seconds=CHANGED_EVERY_SECONDS)
    told = (DriverNotice.Status.QUEUED, DriverNotice.Status.SENDING, DriverNotice.Status.SENT)
    return DriverNotice.objects.filter(
        party=party, kind__in=CHANGE_KINDS, status__in=told, created_at__gt=since
    ).exists()


def notices_send(*, ids: list[int]) -> dict[str, int]:
    """Send the waiting notices among `ids` (after the commit, from the task): each is taken once (waiting → being
    sent), then marked sent, or failed with the reason (the number masked) — a failure is recorded, never raised."""
    counts = {"sent": 0, "failed": 0}
    for notice in DriverNotice.objects.filter(pk__in=ids, status=DriverNotice.Status.QUEUED).select_related("party"):
        taken = DriverNotice.objects.filter(pk=notice.pk, status=DriverNotice.Status.QUEUED)
        if not taken.update(status=DriverNotice.Status.SENDING):
            continue  # another worker has it
        try:
            send_sms(notice.party.driver_phone, notice.text)
        except Exception as failure:
            error = redact_text(f"{type(failure).__name__}: {failure}")[:200]
            DriverNotice.objects.filter(pk=notice.pk).update(status=DriverNotice.Status.FAILED, error=error)
            logger.warning("text to party %s not sent: %s", notice.party_id, error)
            counts["failed"] += 1
        else:
            DriverNotice.objects.filter(pk=notice.pk).update(status=DriverNotice.Status.SENT, sent_at=timezone.now())
            counts["sent"] += 1
    return counts


def notices_send_stale(*, older_than: timedelta = timedelta(minutes=5)) -> dict[str, int]:
    """Notices left waiting (the task queue was down at the commit): sent now. For `deliver_webhooks --loop`-like
    callers and operators."""
    ids = list(DriverNotice.objects.filter(status=DriverNotice.Status.QUEUED,
                                           created_at__lt=timezone.now() - older_than).values_list("pk", flat=True)[:500])  # fmt: skip
    return notices_send(ids=ids)


__all__ = ["connect", "notice_text", "notices_send", "on_case_event", "party_language_remember"]
