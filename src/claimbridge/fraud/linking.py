"""The link index and ring membership on the platform (issue 16; B5, R20): every write of a case's identifiers
re-indexes it, and a new case learns at once whether it joins a ring.

`case_index` is called inside the transaction of the change (a case event listener, `connect`): it replaces the
case's pseudonyms (fraud/pseudonyms.py) and joins the case to the rings of the cases it now shares a non-hub entity
with (union by size: the smaller rings' members move to the largest). What union cannot undo — a link removed, an
entity that has just become a hub, a key rotated — asks for a full rescan (`rings_rescan`, the same kernel code as
`claimbridge fraud rings`), run after the commit and also nightly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from claimbridge.cases.models import Case, CaseParty
from claimbridge.core import crypto
from claimbridge.core.fast_insert import insert_rows
from claimbridge.fraud import pseudonyms, rings
from claimbridge.fraud.analysis_models import CaseLink, Ring, RingMember

# The case events after which a case's identifiers may have changed.
INDEXED_EVENTS = ("created", "party_joined", "party_updated", "claim_assess", "claim_pay", "personal_data_erased")
DEVELOPMENT_VERSION = "dev"


@lru_cache(maxsize=4)
def _keys(configured: str, secret_key: str) -> pseudonyms.LinkKeys:
    if configured:
        try:
            return pseudonyms.LinkKeys.parse(configured)
        except pseudonyms.LinkKeyError as exc:
            raise ImproperlyConfigured(f"LINK_INDEX_KEYS: {exc}") from exc
    return pseudonyms.LinkKeys(((DEVELOPMENT_VERSION, crypto.development_key("link-index")),))


def link_keys() -> pseudonyms.LinkKeys:
    """The link keys (`LINK_INDEX_KEYS`, newest first), else one derived from SECRET_KEY for development."""
    return _keys(settings.LINK_INDEX_KEYS, settings.SECRET_KEY)


def max_degree() -> int:
    return int(settings.FRAUD_RING_MAX_DEGREE)


def case_identifiers(case: Case, parties: Iterable[CaseParty] | None = None) -> list[tuple[str, str, str]]:
    """(kind, raw value, party label) of every linking identifier the case holds: each party's ID number (a
    driving licence number is the holder's resident ID number), mobile, plate and VIN, the repair shop and the payee
    account of its claim, and the accident's place. Read decrypted in memory, never written anywhere but as links."""
    found: list[tuple[str, str, str]] = []
    given = parties  # parties in hand (the intake's): their claims are read only if already loaded
    if parties is None:
        parties = case.parties.select_related("claim").only(
            "label",
            "plate",
            "vin",
            "driver_licence",
            "driver_phone",
            "case_id",
            "claim__repair_shop_name",
            "claim__repair_shop_code",
            "claim__payee_account",
            "claim__party_id",
        )  # only what links: fewer decrypts
    for party in parties:
        label = party.label
        found += [("id_number", party.driver_licence or "", label), ("phone", party.driver_phone or "", label),
                  ("plate", party.plate, label), ("vin", party.vin, label)]  # fmt: skip
        claim = getattr(party, "claim", None) if given is None else party._state.fields_cache.get("claim")
        if claim is not None:
            found.append(("repair_shop", claim.repair_shop_code or claim.repair_shop_name, label))
            found.append(("bank_account", claim.payee_account or "", label))
    if case.latitude is not None and case.longitude is not None:
        found.append(("place", pseudonyms.geocell(case.latitude, case.longitude, crs=case.crs), ""))
    return [(kind, value, label) for kind, value, label in found if value]


def _wanted_links(case: Case, keys: pseudonyms.LinkKeys,
                  parties: list[CaseParty] | None = None) -> dict[tuple[str, str], tuple[pseudonyms.Link, str]]:  # fmt: skip
    wanted: dict[tuple[str, str], tuple[pseudonyms.Link, str]] = {}
    for kind, value, label in case_identifiers(case, parties):
        made = pseudonyms.link(kind, value, keys)
        if made is not None:
            wanted.setdefault((made.kind, made.pseudonym), (made, label))
    return wanted


@dataclass
class IndexResult:
    ring_id: int | None
    ring_size: int
    added: int
    removed: int
    rescan_needed: bool
    rescored: list[int] = field(default_factory=list)  # the cases whose ring changed
    grew: bool = False  # the case's ring is bigger than before: every member's ring reason changes


def case_index(case: Case, *, rescan_after: bool = True, parties: list[CaseParty] | None = None,
               new: bool = False) -> IndexResult:  # fmt: skip
    """Re-index one case and join it to the rings it now links to (inside the caller's transaction). What union
    cannot undo asks for a rescan after the commit (unless the caller rescans anyway: `rescan_after=False`). A case
    just created (`new`, with the parties in hand) has no links yet: the intake path reads nothing it need not."""
    keys = link_keys()
    version = keys.current
    wanted = _wanted_links(case, keys, parties)
    rows = [] if new else list(CaseLink.objects.filter(case=case).values_list("pk", "kind", "pseudonym", "key_version"))
    existing = {(kind, pseudonym): pk for pk, kind, pseudonym, row_version in rows if row_version == version}
    removed = [pk for key, pk in existing.items() if key not in wanted]
    removed += [pk for pk, _kind, _pseudonym, row_version in rows if row_version != version]  # an older key's
    rescan = bool(removed)
    if removed:
        CaseLink.objects.filter(pk__in=removed).delete()
    added = [(link, label) for key, (link, label) in wanted.items() if key not in existing]
    linked: set[int] = set()
    if added:
        made = [CaseLink(case=case, kind=link.kind, pseudonym=link.pseudonym, key_version=version,
                         masked=link.masked[:40], party=label) for link, label in added]  # fmt: skip
        if new:
            insert_rows(made)  # the intake path's one statement (core/fast_insert.py)
        else:
            CaseLink.objects.bulk_create(made, ignore_conflicts=True)
        limit = max_degree()
        fresh = [link.pseudonym for link, _label in added]
        degree = degrees(version, fresh)
        # A hub links nothing; an entity this very case made a hub undoes, at the rescan, what it linked before.
        rescan = rescan or any(degree.get(pseudonym) == limit + 1 for pseudonym in fresh)
        linking = [pseudonym for pseudonym in fresh if 1 < degree.get(pseudonym, 0) <= limit]
        if linking:
            linked = set(CaseLink.objects.filter(key_version=version, pseudonym__in=linking).exclude(case=case)
                         .values_list("case_id", flat=True))  # fmt: skip
    if rescan and rescan_after:
        transaction.on_commit(_enqueue_rescan, robust=True)
    if not linked:
        if new:
            return IndexResult(None, 0, len(added), 0, rescan)
        member = RingMember.objects.filter(case=case).select_related("ring").first()
        return IndexResult(member.ring_id if member else None, member.ring.size if member else 0, len(added),
                           len(removed), rescan)  # fmt: skip
    before = RingMember.objects.filter(case=case).values_list("ring__size", flat=True).first()
    ring, moved = _join({case.pk, *linked})
    return IndexResult(ring.pk, ring.size, len(added), len(removed), rescan, moved, grew=ring.size != before)


def degrees(version: str, pseudonyms_: list[str]) -> dict[str, int]:
    """How many cases name each pseudonym: one plain statement (the intake path runs it for every new case)."""
    if not pseudonyms_:
        return {}
    table = connection.ops.quote_name(CaseLink._meta.db_table)
    marks = ", ".join(["%s"] * len(pseudonyms_))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pseudonym, COUNT(*) FROM {table} WHERE key_version = %s AND pseudonym IN ({marks}) "  # noqa: S608 - the model's own table; values are bound
                       "GROUP BY pseudonym", [version, *pseudonyms_])  # fmt: skip
        return {pseudonym: int(count) for pseudonym, count in cursor.fetchall()}


def _join(case_ids: set[int]) -> tuple[Ring, list[int]]:
    """Union by size: the cases and every ring they are in become the largest of those rings. Answers the ring and
    the cases that changed ring (the ring's other members learn its new size from the rescoring of the ring)."""
    memberships = dict(RingMember.objects.filter(case_id__in=case_ids).values_list("case_id", "ring_id"))
    absorbed: list[Ring] = []
    if memberships:
        found = list(Ring.objects.select_for_update().filter(pk__in=set(memberships.values())).order_by("pk"))
        ring = max(found, key=lambda candidate: (candidate.size, -candidate.pk))
        absorbed = [other for other in found if other.pk != ring.pk]
    else:
        ring = Ring.objects.create()
    moved: list[int] = []
    if absorbed:
        moved = list(RingMember.objects.filter(ring__in=absorbed).values_list("case_id", flat=True))
        RingMember.objects.filter(ring__in=absorbed).update(ring=ring)
        Ring.objects.filter(pk__in=[other.pk for other in absorbed]).delete()
    lonely = case_ids - set(memberships)
    RingMember.objects.bulk_create([RingMember(case_id=pk, ring=ring) for pk in lonely], ignore_conflicts=True)
    size = ring.size + sum(other.size for other in absorbed) + len(lonely)
    if size != ring.size:
        ring.size, ring.updated_at = size, timezone.now()
        ring.save(update_fields=["size", "updated_at"])
    return ring, sorted(set(moved) | lonely)


def _enqueue_rescan() -> None:
    from claimbridge.fraud.tasks import rescan_rings

    rescan_rings.enqueue()


@dataclass(frozen=True)
class RescanReport:
    cases: int
    links: int
    hubs: int
    rings: int  # groups of two or more cases
    changed: list[int]  # cases whose ring changed


def rings_rescan() -> RescanReport:
    """Rebuild every ring from the link index with the kernel's full scan; a rebuilt group keeps the number of the
    old ring most of its cases were in (so the committee's ring numbers survive a rescan where they can)."""
    version = link_keys().current
    limit = max_degree()
    with transaction.atomic():
        rows = np.array(CaseLink.objects.filter(key_version=version).values_list("case_id", "pseudonym")
                        .order_by(), dtype=object)  # fmt: skip
        if rows.size:
            case_ids, case_of_link = np.unique(rows[:, 0].astype(np.int64), return_inverse=True)
            _pseudonyms, entity_of_link = np.unique(rows[:, 1].astype(str), return_inverse=True)
            labels = rings.ring_labels(case_of_link, entity_of_link, case_ids.size, _pseudonyms.size,
                                       max_degree=limit)  # fmt: skip
            groups = [case_ids[group].tolist() for group in rings.rings_of_labels(labels, min_size=2)]
            degrees = np.bincount(np.unique(np.c_[case_of_link, entity_of_link], axis=0)[:, 1],
                                  minlength=_pseudonyms.size)  # fmt: skip
            hubs = int((degrees > limit).sum())
        else:
            case_ids, groups, hubs = np.array([], dtype=np.int64), [], 0
        old = dict(RingMember.objects.values_list("case_id", "ring_id"))
        list(Ring.objects.select_for_update().order_by("pk").values_list("pk", flat=True))  # one rescan at a time
        kept: set[int] = set()
        new: dict[int, int | None] = {}
        plan: list[tuple[list[int], int | None]] = []
        for group in groups:
            votes = Counter(old[pk] for pk in group if pk in old and old[pk] not in kept)
            reuse = votes.most_common(1)[0][0] if votes else None
            if reuse is not None:
                kept.add(reuse)
            plan.append((group, reuse))
        RingMember.objects.all().delete()
        Ring.objects.exclude(pk__in=kept).delete()
        now = timezone.now()
        members: list[RingMember] = []
        for group, reuse in plan:
            ring_id = reuse if reuse is not None else Ring.objects.create(size=len(group), updated_at=now).pk
            new.update(dict.fromkeys(group, ring_id))
            members += [RingMember(case_id=pk, ring_id=ring_id) for pk in group]
        # A case an intake joined to a ring while this rescan ran keeps that membership until the next rescan.
        RingMember.objects.bulk_create(members, batch_size=2000, ignore_conflicts=True)
        for ring_id, size in RingMember.objects.values_list("ring_id").annotate(n=Count("pk")).order_by():
            Ring.objects.filter(pk=ring_id).exclude(size=size).update(size=size, updated_at=now)
        changed = sorted(pk for pk in set(old) | set(new) if old.get(pk) != new.get(pk))
    return RescanReport(int(case_ids.size), int(rows.shape[0]) if rows.size else 0, hubs, len(groups), changed)


def links_rebuild() -> int:
    """Re-make every case's links with the newest key (after a key rotation), then rescan: answers the cases done."""
    done = 0
    for case in Case.objects.order_by("pk").iterator(chunk_size=500):
        with transaction.atomic():
            case_index(case, rescan_after=False)
        done += 1
    rings_rescan()
    return done


def on_case_event(*, case: Case, event: Any) -> None:
    """A case event listener: re-index when the identifiers may have changed, then rescore after the commit."""
    from claimbridge.fraud.scoring import rescore_after_commit

    if event.kind == "created":  # the intake path: the parties are in hand, nothing is indexed yet
        result: IndexResult | None = case_index(case, parties=getattr(case, "created_parties", None), new=True)
        if result is not None and result.ring_id is None:
            return  # linked to nothing: scored at its next change or by the nightly sweep (intake stays fast)
    else:
        result = case_index(case) if event.kind in INDEXED_EVENTS else None
    if result is None:
        rescore_after_commit([case.pk])
        return
    rings = [result.ring_id] if result.grew and result.ring_id is not None else []
    rescore_after_commit([case.pk, *result.rescored], rings)


def connect() -> None:
    from claimbridge.cases.events import EVENT_TYPES, subscribe

    subscribe(tuple(EVENT_TYPES), on_case_event)
