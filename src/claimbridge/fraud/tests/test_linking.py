"""The link index and rings on the platform (issue 16; B5, B8, R20): pseudonyms written at every change of a case's
identifiers, never a raw value; a new case learns at once that it joins a ring; a rescan rebuilds the same rings."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from tests.factories import linked_case as make_case

from claimbridge.cases.models import Case
from claimbridge.fraud import linking
from claimbridge.fraud.analysis_models import CaseLink, Ring, RingMember

pytestmark = pytest.mark.django_db

LICENCE = "62120219800101123X"


def ring_size(case: Case) -> int:
    member = RingMember.objects.filter(case=case).select_related("ring").first()
    return member.ring.size if member else 0


def test_b8_no_raw_identifier_is_stored_in_the_link_index() -> None:
    """Every column of every row of the link index, read as the database holds it, holds none of the case's
    identifiers in any normal form: not the ID number, the mobile, the plate, the VIN, the account or the shop."""
    from claimbridge.cases.models import Claim

    case = make_case("N1", [{"plate": "甘K·12345", "vin": "LSVAU2180N2183294", "driver_licence": LICENCE,
                             "driver_phone": "13912345678"}], latitude=33.395, longitude=104.93)  # fmt: skip
    Claim.objects.create(party=case.parties.get(), registered_by=_user(), repair_shop_name="武都区诚信汽车修理厂",
                         repair_shop_code="91621202MA74ABCD1X", payee_account="6222020200112233445")  # fmt: skip
    linking.case_index(case)
    kinds = set(CaseLink.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == {"id_number", "phone", "plate", "vin", "repair_shop", "bank_account", "place"}
    raw = ["62120219800101123X", "621202198001011", "19800101", "13912345678", "12345678", "甘K12345", "K12345",
           "LSVAU2180N2183294", "2183294", "6222020200112233445", "112233445", "诚信汽车", "91621202MA74ABCD1X",
           "MA74ABCD", "33.395", "104.93"]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {CaseLink._meta.db_table}")  # noqa: S608 - the model's own table name
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    for value in raw:
        assert value not in stored, value


def _user() -> Any:
    from claimbridge.accounts.models import Role, User

    return User.objects.get_or_create(username="linker", defaults={"role": Role.PLATFORM_ADMIN})[0]


def test_r20_a_new_case_learns_at_once_that_it_joins_a_ring() -> None:
    """Three cases chained by a shared mobile and then a shared plate: the third makes a ring of 3 at intake."""
    first = make_case("C1", [{"plate": "甘K11111", "driver_phone": "13900000001"}])
    assert ring_size(first) == 0
    second = make_case("C2", [{"plate": "甘K22222", "driver_phone": "139 0000 0001"}])  # the same mobile, typed apart
    assert ring_size(first) == ring_size(second) == 2
    third = make_case("C3", [{"plate": "甘K·22222", "driver_phone": "13900000003"}])  # the second's plate
    assert {ring_size(case) for case in (first, second, third)} == {3}
    assert Ring.objects.count() == 1
    stranger = make_case("C4", [{"plate": "甘K44444", "driver_phone": "13900000004"}])
    assert ring_size(stranger) == 0


def test_r20_two_rings_joined_by_a_case_become_one_of_their_sum() -> None:
    left = [make_case(f"L{i}", [{"driver_phone": "13911110000", "plate": f"甘K1000{i}"}]) for i in range(3)]
    right = [make_case(f"R{i}", [{"driver_phone": "13922220000", "plate": f"甘K2000{i}"}]) for i in range(2)]
    assert ring_size(left[0]) == 3
    assert ring_size(right[0]) == 2
    bridge = make_case("B", [{"driver_phone": "13911110000"}, {"driver_phone": "13922220000"}])
    assert {ring_size(case) for case in (*left, *right, bridge)} == {6}
    assert Ring.objects.count() == 1


def test_b5_a_hub_links_nothing(settings: Any) -> None:
    """Four cases at one repair shop when three make a hub: the shop links none of them (after the rescan the
    fourth case's arrival asked for)."""
    from claimbridge.cases.models import Claim

    settings.FRAUD_RING_MAX_DEGREE = 3
    cases = []
    for i in range(4):
        case = make_case(f"H{i}", [{"plate": f"甘K3000{i}"}])
        Claim.objects.create(party=case.parties.get(), registered_by=_user(), repair_shop_name="大型4S店")
        result = linking.case_index(case)
        cases.append(case)
    assert result.rescan_needed  # the fourth case made the shop a hub
    linking.rings_rescan()
    assert all(ring_size(case) == 0 for case in cases)
    assert not Ring.objects.exists()


def test_r20_the_rescan_rebuilds_the_rings_union_made_and_keeps_their_numbers() -> None:
    chain = [make_case(f"K{i}", [{"driver_phone": f"1390000{i:04d}"}, {"driver_phone": f"1390000{i + 1:04d}"}])
             for i in range(4)]  # fmt: skip
    ring_before = RingMember.objects.get(case=chain[0]).ring_id
    report = linking.rings_rescan()
    assert report.rings == 1
    assert report.changed == []
    assert RingMember.objects.get(case=chain[0]).ring_id == ring_before
    assert {ring_size(case) for case in chain} == {4}


def test_r20_a_corrected_plate_splits_the_ring_at_the_rescan() -> None:
    a = make_case("S1", [{"plate": "甘K55555"}])
    b = make_case("S2", [{"plate": "甘K55555", "driver_phone": "13955550000"}])
    c = make_case("S3", [{"driver_phone": "13955550000"}])
    assert ring_size(a) == 3
    party = a.parties.get()
    party.plate = "甘K55556"  # the handler corrected a typing mistake
    party.save()
    result = linking.case_index(a)
    assert result.rescan_needed
    assert result.removed == 1
    linking.rings_rescan()
    assert ring_size(a) == 0
    assert ring_size(b) == ring_size(c) == 2


def test_b8_a_rotated_key_remakes_every_pseudonym(settings: Any) -> None:
    settings.LINK_INDEX_KEYS = f"v1:{'a' * 32}"
    first = make_case("V1", [{"driver_phone": "13966660000"}])
    second = make_case("V2", [{"driver_phone": "13966660000"}])
    old = set(CaseLink.objects.values_list("key_version", "pseudonym"))
    assert {version for version, _ in old} == {"v1"}
    assert ring_size(first) == 2
    settings.LINK_INDEX_KEYS = f"v2:{'b' * 32},v1:{'a' * 32}"
    assert linking.links_rebuild() == 2
    new = set(CaseLink.objects.values_list("key_version", "pseudonym"))
    assert {version for version, _ in new} == {"v2"}
    assert not new & old
    assert ring_size(first) == ring_size(second) == 2


def test_the_same_identifiers_of_two_parties_are_one_link() -> None:
    case = make_case("D1", [{"driver_phone": "13977770000"}, {"driver_phone": "+86 139 7777 0000"}])
    assert CaseLink.objects.filter(case=case, kind="phone").count() == 1


def test_cli_and_platform_use_the_same_kernel() -> None:
    """The rescan's groups are the kernel's `rings` over the index's (case, pseudonym) pairs."""
    from claimbridge.fraud import rings

    for i in range(3):
        make_case(f"Q{i}", [{"driver_phone": "13988880000", "plate": f"甘K8000{i}"}])
    pairs: dict[int, list[str]] = {}
    for case_id, pseudonym in CaseLink.objects.values_list("case_id", "pseudonym"):
        pairs.setdefault(case_id, []).append(pseudonym)
    kernel = rings.rings(pairs.items())
    platform = [sorted(RingMember.objects.filter(ring=ring).values_list("case_id", flat=True))
                for ring in Ring.objects.filter(size__gte=3)]  # fmt: skip
    assert sorted(sorted(int(str(case)) for case in ring) for ring in kernel) == sorted(platform)
