"""The scope, asked directly (issue 12, "measure it by mutation"; B8, R4, R6, R8, R15, R16, R20).

The access matrices (tests/test_access_matrix.py, tests/test_write_matrix.py) send every route as every actor; this
module asks `accounts/scope.py` itself, on the same world of real objects of two insurers (tests/world.py), what
each actor may see and change, and compares the answer with what the rules say for that world, written out by hand
per actor. Where a rule has an edge the world does not reach (a credential's first and last day, a scope whose
organisation is missing, a party not yet routed), the edge is built here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone
from tests.world import ACTORS, PHONES, World

from claimbridge.accounts.models import Role, User
from claimbridge.accounts.scope import ANONYMOUS_SCOPE, Scope, scope_for

pytestmark = pytest.mark.django_db

USERS = [actor for actor in ACTORS if actor not in PHONES and actor != "anonymous"]
LONGNAN, TIANSHUI = "621200", "620500"


def _scope(world: World, actor: str) -> Scope:
    return scope_for(world.users[actor]) if actor != "anonymous" else ANONYMOUS_SCOPE


def _named(objects: dict[str, Any], queryset: Any) -> set[str]:
    """The names of the world's objects among those a queryset finds."""
    found = set(queryset.values_list("pk", flat=True))
    return {name for name, obj in objects.items() if obj.pk in found}


# --- who the user is ------------------------------------------------------------------------------------------------
def test_no_user_an_anonymous_one_or_an_inactive_one_has_the_empty_scope(world):
    """B8: nobody signed in, or an account switched off, acts for no organisation."""
    from django.contrib.auth.models import AnonymousUser

    active = world.users["tianlong_hq"]
    assert scope_for(active) != ANONYMOUS_SCOPE
    assert scope_for(None) == ANONYMOUS_SCOPE
    assert scope_for(AnonymousUser()) == ANONYMOUS_SCOPE
    inactive = User.objects.get(pk=active.pk)
    inactive.is_active = False
    assert scope_for(inactive) == ANONYMOUS_SCOPE
    assert ANONYMOUS_SCOPE.is_anonymous
    assert not scope_for(active).is_anonymous


def test_a_scope_carries_only_the_organisation_of_the_users_role(world):
    """B8: an account's stray organisation fields (left from an earlier role, or set by mistake in the admin) give it
    nothing: a driver with an insurer is not that insurer's, an adjuster has no branch, only association staff have a
    city and only committee members a committee."""
    tianlong = world.users["tianlong_hq"]
    ln_assoc, antifraud, unit = world.users["ln_assoc"], world.users["antifraud"], world.users["tianlong_unit1"]

    def stray(role: str) -> User:
        user = User(username=f"stray_{role}", role=role, pk=10_000_000)
        user.insurer_id, user.branch_id = tianlong.insurer_id, world.users["tianlong_branch"].branch_id
        user.claims_unit_id, user.association_id = unit.claims_unit_id, ln_assoc.association_id
        user.committee_id = antifraud.committee_id
        return user

    city = ln_assoc.association.city_id
    assert scope_for(stray(Role.DRIVER)) == Scope(role=Role.DRIVER, user_id=10_000_000)
    assert scope_for(stray(Role.REGULATOR)) == Scope(role=Role.REGULATOR, user_id=10_000_000)
    assert scope_for(stray(Role.ADJUSTER)) == Scope(role=Role.ADJUSTER, user_id=10_000_000,
                                                    insurer_id=tianlong.insurer_id,
                                                    claims_unit_id=unit.claims_unit_id)  # fmt: skip
    assert scope_for(stray(Role.INSURER_STAFF)) == Scope(
        role=Role.INSURER_STAFF, user_id=10_000_000, insurer_id=tianlong.insurer_id,
        branch_id=world.users["tianlong_branch"].branch_id, claims_unit_id=unit.claims_unit_id,
    )  # fmt: skip
    assert scope_for(stray(Role.ASSOCIATION_STAFF)) == Scope(role=Role.ASSOCIATION_STAFF, user_id=10_000_000,
                                                             city_id=city)  # fmt: skip
    assert scope_for(stray(Role.ANTIFRAUD_MEMBER)) == Scope(role=Role.ANTIFRAUD_MEMBER, user_id=10_000_000,
                                                            committee_id=antifraud.committee_id)  # fmt: skip
    no_association = stray(Role.ASSOCIATION_STAFF)
    no_association.association_id = None
    assert scope_for(no_association).city_id is None


LEVELS = {"tianlong_hq": "company", "tianlong_branch": "branch", "tianlong_wudu": "branch",
          "tianlong_unit1": "claims_unit", "tianlong_adj1": "claims_unit", "ln_assoc": "company"}  # fmt: skip


@pytest.mark.parametrize("actor", sorted(LEVELS))
def test_the_level_of_insurer_staff(world, actor):
    assert _scope(world, actor).level == LEVELS[actor]


# --- what each actor may see ----------------------------------------------------------------------------------------
# Claims units (internal data: staff, workload) of the world's named units; unnamed actors: none.
CLAIMS_UNITS = {
    "admin": {"tl_wudu", "tl_ln2", "tl_ts", "mj_wudu", "mj_ts"},
    "tianlong_hq": {"tl_wudu", "tl_ln2", "tl_ts"},
    "tianlong_branch": {"tl_wudu", "tl_ln2"},  # its Longnan city branch: the units under its sub-branches
    "tianlong_wudu": {"tl_wudu"},  # the 武都 sub-branch: its own unit
    "tianlong_branch_ts": {"tl_ts"},
    "tianlong_unit1": {"tl_wudu"}, "tianlong_unit_ln2": {"tl_ln2"}, "tianlong_unit2": {"tl_ts"},
    "tianlong_adj1": {"tl_wudu"}, "tianlong_adj2": {"tl_ts"},
    "maiji_hq": {"mj_wudu", "mj_ts"}, "maiji_branch": {"mj_wudu"}, "maiji_branch_ts": {"mj_ts"},
    "maiji_unit1": {"mj_wudu"}, "maiji_unit2": {"mj_ts"}, "maiji_adj1": {"mj_wudu"}, "maiji_adj2": {"mj_ts"},
    "ln_assoc": {"tl_wudu", "tl_ln2", "mj_wudu"}, "ts_assoc": {"tl_ts", "mj_ts"},
}  # fmt: skip


@pytest.mark.parametrize("actor", USERS)
def test_claims_units_each_actor_sees(world, actor):
    """B8, R16: a company its own units at its level; an association its city's; nobody else any."""
    from claimbridge.organisations.models import ClaimsUnit

    scope = _scope(world, actor)
    assert _named(world.units, ClaimsUnit.objects.filter(scope.claims_units_q())) == CLAIMS_UNITS.get(actor, set())
    assert _named(world.units, scope.filter_claims_units(ClaimsUnit.objects.all())) == CLAIMS_UNITS.get(actor, set())


# Accounts of a sample the directories may show (people's names and phones), per actor.
SAMPLE = {"tianlong_hq", "tianlong_branch", "tianlong_wudu", "tianlong_unit1", "tianlong_unit_ln2",
          "tianlong_branch_ts", "tianlong_unit2", "tianlong_adj1", "tianlong_adj2", "maiji_hq", "maiji_unit2",
          "maiji_adj2", "ln_assoc", "ts_assoc", "antifraud", "driver_ln", "regulator", "admin"}  # fmt: skip
TIANLONG_LONGNAN = {"tianlong_branch", "tianlong_wudu", "tianlong_unit1", "tianlong_unit_ln2", "tianlong_adj1"}
TIANLONG_TIANSHUI = {"tianlong_branch_ts", "tianlong_unit2", "tianlong_adj2"}
DIRECTORY = {
    "admin": SAMPLE,
    "tianlong_hq": {"tianlong_hq"} | TIANLONG_LONGNAN | TIANLONG_TIANSHUI,
    "tianlong_branch": TIANLONG_LONGNAN - {"tianlong_wudu"},  # the branch itself, and staff of units under it
    "tianlong_wudu": {"tianlong_wudu", "tianlong_unit1", "tianlong_adj1"},
    "tianlong_branch_ts": TIANLONG_TIANSHUI,
    "tianlong_unit1": {"tianlong_unit1", "tianlong_adj1"}, "tianlong_unit2": {"tianlong_unit2", "tianlong_adj2"},
    "tianlong_unit_ln2": {"tianlong_unit_ln2"},
    "maiji_hq": {"maiji_hq", "maiji_unit2", "maiji_adj2"}, "maiji_branch_ts": {"maiji_unit2", "maiji_adj2"},
    "maiji_unit2": {"maiji_unit2", "maiji_adj2"},
    "ln_assoc": {"ln_assoc"} | TIANLONG_LONGNAN,  # the association's own staff, and insurers' people in its city
    "ts_assoc": {"ts_assoc", "maiji_unit2", "maiji_adj2"} | TIANLONG_TIANSHUI,
    # everybody else: only themselves
    "antifraud": {"antifraud"}, "regulator": {"regulator"}, "driver_ln": {"driver_ln"},
    "tianlong_adj1": {"tianlong_adj1"}, "tianlong_adj2": {"tianlong_adj2"}, "maiji_adj2": {"maiji_adj2"},
}  # fmt: skip


@pytest.mark.parametrize("actor", USERS)
def test_accounts_each_actor_sees_in_directories(world, actor):
    """B8: a company's staff its own people at their level, an association its city's, everyone else themselves."""
    scope = _scope(world, actor)
    seen = set(scope.filter_users(User.objects.filter(username__in=SAMPLE)).values_list("username", flat=True))
    assert seen == DIRECTORY.get(actor, set())


def test_committee_members_see_their_committee(world):
    """B8: the anti-fraud committee's members see each other (their own committee only)."""
    antifraud = world.users["antifraud"]
    colleague = User.objects.create(username="antifraud_2", role=Role.ANTIFRAUD_MEMBER, committee=antifraud.committee)
    seen = set(User.objects.filter(_scope(world, "antifraud").users_q()).values_list("username", flat=True))
    assert {"antifraud", "antifraud_2"} <= seen
    assert "ln_assoc" not in seen
    assert set(User.objects.filter(scope_for(colleague).users_q()).values_list("username", flat=True)) == seen


INSURERS = {  # insurers whose internal organisation the actor oversees
    "admin": {"tianlong", "maiji", "fuxi", "bailong"},
    "ln_assoc": {"tianlong", "maiji", "fuxi", "bailong"},  # every company with a Longnan city branch
    "ts_assoc": {"tianlong", "maiji", "fuxi"},  # 白龙 works in Longnan only
    **{actor: {"tianlong"} for actor in ("tianlong_hq", "tianlong_branch", "tianlong_unit1", "tianlong_unit2")},
    "maiji_unit2": {"maiji"}, "fuxi_hq": {"fuxi"}, "bailong_hq": {"bailong"},
}  # fmt: skip


@pytest.mark.parametrize("actor", USERS)
def test_insurers_each_actor_oversees(world, actor):
    from claimbridge.organisations.models import Insurer

    if actor in INSURERS:
        assert (
            set(Insurer.objects.filter(_scope(world, actor).insurers_q()).values_list("code", flat=True))
            == (INSURERS[actor])
        )
    elif world.users[actor].role != Role.INSURER_STAFF:
        assert not Insurer.objects.filter(_scope(world, actor).insurers_q()).exists()


FILES = {  # evidence files: agreed (both insurers' parties), confirming (same), fuxi (伏羲's adjuster's own)
    "admin": {"agreed", "confirming", "fuxi"}, "antifraud": {"agreed", "confirming", "fuxi"},
    **{actor: {"agreed", "confirming"} for actor in ("tianlong_hq", "tianlong_unit2", "tianlong_adj2",
                                                     "maiji_hq", "maiji_adj1", "maiji_unit2")},
    "fuxi_hq": {"fuxi"}, "fuxi_unit1": {"fuxi"}, "fuxi_adj1": {"fuxi"},  # the adjuster started it
    "bailong_hq": set(), "bailong_adj1": set(), "ln_assoc": set(), "ts_assoc": set(), "regulator": set(),
    "driver_ln": set(),
}  # fmt: skip
CASES = {
    "admin": {"agreed", "confirming", "draft"}, "antifraud": {"agreed", "confirming", "draft"},
    "tianlong_hq": {"agreed", "confirming"}, "tianlong_unit2": {"agreed", "confirming"},
    "tianlong_adj1": {"agreed", "confirming", "draft"},  # it reported the draft, whose only party is 麦积's
    "tianlong_adj2": {"agreed", "confirming"},
    "maiji_hq": {"agreed", "confirming", "draft"}, "maiji_adj1": {"agreed", "confirming", "draft"},
    "fuxi_hq": set(), "fuxi_adj1": set(), "bailong_hq": set(), "ln_assoc": set(), "ts_assoc": set(),
    "regulator": set(), "driver_ln": set(),
}  # fmt: skip


@pytest.mark.parametrize("actor", sorted(FILES))
def test_evidence_files_each_actor_may_open(world, actor):
    """B8, R20: files of accidents the company is in, and files one started; the committee every file."""
    from claimbridge.evidence.models import EvidenceFile

    files = {"agreed": world.evidence, "confirming": world.confirming_evidence, "fuxi": world.fuxi_file}
    assert _named(files, EvidenceFile.objects.filter(_scope(world, actor).evidence_files_q())) == FILES[actor]


@pytest.mark.parametrize("actor", sorted(CASES))
def test_cases_each_actor_may_open(world, actor):
    """B8: cases where the company covers a party, and cases one reported; the committee every case."""
    from claimbridge.cases.models import Case

    cases = {name: world.case_of(name) for name in ("agreed", "confirming", "draft")}
    assert _named(cases, Case.objects.filter(_scope(world, actor).cases_q())) == CASES[actor]


def test_a_driver_opens_the_cases_and_files_they_started(world):
    """B8: a driver's own report and evidence, and nobody else's."""
    from claimbridge.cases.models import Case
    from claimbridge.evidence.models import EvidenceFile

    driver = world.users["driver_ln"]
    Case.objects.filter(pk=world.draft.pk).update(created_by=driver)
    EvidenceFile.objects.filter(pk=world.fuxi_file.pk).update(created_by=driver)
    scope = _scope(world, "driver_ln")
    assert set(Case.objects.filter(scope.cases_q()).values_list("pk", flat=True)) == {world.draft.pk}
    assert set(EvidenceFile.objects.filter(scope.evidence_files_q()).values_list("pk", flat=True)) == {
        world.fuxi_file.pk
    }


POLICIES = {"admin": {"tianlong", "maiji", "fuxi", "bailong"}, "tianlong_hq": {"tianlong"},
            "tianlong_adj2": {"tianlong"}, "maiji_unit2": {"maiji"}, "fuxi_adj1": {"fuxi"}}  # fmt: skip


@pytest.mark.parametrize("actor", USERS)
def test_policies_each_actor_reads_in_full(world, actor):
    """B8: an insurer's people read their own company's policies in full; the admin all; nobody else any."""
    from claimbridge.policies.models import Policy, PolicyVersion

    scope = _scope(world, actor)
    expected = POLICIES.get(actor, set() if world.users[actor].insurer_id is None else None)
    if expected is None:
        expected = {world.users[actor].insurer.code}
    assert set(Policy.objects.filter(scope.policies_q()).values_list("insurer__code", flat=True)) == expected
    full = PolicyVersion.objects.filter(scope.cover_in_full_q())
    assert set(full.values_list("policy__insurer__code", flat=True)) == (expected if scope.may_look_up_cover else set())
    if actor == "admin":  # every version, also when or-ed with another condition (an empty Q() would vanish)
        assert full.count() == PolicyVersion.objects.count() > 0
        assert PolicyVersion.objects.filter(scope.cover_in_full_q() | Q(pk__in=[])).count() == full.count()


# What the 协议书 shows of other companies' vehicles: only 交强险, only for a plate on a case the actor may open
# (A and B of the agreed and confirming cases); "other" is a vehicle of the register in no case of the world.
CASE_PLATES_ONLY = {("maiji", "A"), ("tianlong", "B")}
EVERY_PLATE = CASE_PLATES_ONLY | {("tianlong", "other"), ("fuxi", "other"), ("bailong", "other")}


def _agreement_cover(world: World, actor: str) -> set[tuple[str, str]]:
    from claimbridge.policies.models import PolicyVersion

    plates = {party.plate: party.label for party in world.confirming.parties.all()}
    rows = PolicyVersion.objects.filter(_scope(world, actor).cover_on_agreement_q())
    assert set(rows.values_list("policy__cover_type", flat=True)) <= {"ctpl"}
    return {(code, plates.get(plate, "other")) for code, plate in rows.values_list("policy__insurer__code", "plate")}


AGREEMENT_COVER = {"admin": EVERY_PLATE, "antifraud": EVERY_PLATE,
                   **{actor: CASE_PLATES_ONLY for actor in ("tianlong_hq", "tianlong_adj1", "tianlong_unit_ln2",
                                                            "maiji_hq", "maiji_adj2")},
                   **{actor: set() for actor in ("fuxi_hq", "fuxi_adj1", "bailong_hq", "ln_assoc", "ts_assoc",
                                                 "regulator", "driver_ln")}}  # fmt: skip


@pytest.mark.parametrize("actor", sorted(AGREEMENT_COVER))
def test_other_companies_cover_as_the_agreement_shows_it(world, actor):
    """B8, R20: the insurer and the 交强险 number of a party's plate on a case one may open; the committee (and the
    admin) any plate; drivers, associations and the regulator none."""
    assert _agreement_cover(world, actor) == AGREEMENT_COVER[actor]


ADMINISTERS = {"admin": {LONGNAN, TIANSHUI}, "ln_assoc": {LONGNAN}, "ts_assoc": {TIANSHUI}}


@pytest.mark.parametrize("actor", USERS)
def test_organisation_data_each_actor_may_change_in_the_back_office(world, actor):
    """B8, R16: the admin all; an association its own city's branches and claims units; nobody else any."""
    from claimbridge.organisations.models import Branch, ClaimsUnit

    scope = _scope(world, actor)
    branches = Branch.objects.filter(scope.administers_q("city_id"))
    units = ClaimsUnit.objects.filter(scope.administers_q("branch__city_id"))
    assert set(branches.values_list("city__code", flat=True)) == ADMINISTERS.get(actor, set())
    assert set(units.values_list("branch__city__code", flat=True)) == ADMINISTERS.get(actor, set())


REGISTER = {  # register entries (tl_*/mj_* of tests/world.py) each actor reads
    "admin": {"tl_ln", "tl_ts", "tl_ln_fix", "mj_ln", "mj_ts", "mj_ts_fix", "mj_ln_new"},
    "ln_assoc": {"tl_ln", "tl_ln_fix", "mj_ln", "mj_ln_new"}, "ts_assoc": {"tl_ts", "mj_ts", "mj_ts_fix"},
    **{actor: {"tl_ln", "tl_ts", "tl_ln_fix"} for actor in ("tianlong_hq", "tianlong_branch_ts", "tianlong_unit1")},
    "maiji_unit2": {"mj_ln", "mj_ts", "mj_ts_fix", "mj_ln_new"},
}  # fmt: skip
REPORTS = {"admin": {LONGNAN, TIANSHUI}, "ln_assoc": {LONGNAN}, "ts_assoc": {TIANSHUI}}


@pytest.mark.parametrize("actor", USERS)
def test_register_rows_each_actor_reads(world, actor):
    """R4, R15, B8: a company's staff its own company's entries and monthly reports, an association its city's, the
    admin all; adjusters, drivers, the committee and the regulator none."""
    from claimbridge.credentials.models import Adjuster, MonthlyReport

    scope, user = _scope(world, actor), world.users[actor]
    entries = _named(world.adjusters, Adjuster.objects.filter(scope.register_q()))
    reports = MonthlyReport.objects.filter(scope.register_q())
    if actor in REGISTER or user.role != Role.INSURER_STAFF:
        assert entries == REGISTER.get(actor, set())
    if user.role == Role.INSURER_STAFF:
        assert set(reports.values_list("insurer__code", flat=True)) == {user.insurer.code}
    else:
        assert set(reports.values_list("association__city__code", flat=True)) == REPORTS.get(actor, set())


# --- what each actor may change -------------------------------------------------------------------------------------
PARTIES = ("agreed.A", "agreed.B", "confirming.A", "confirming.B", "draft.A", "draft.B")
HANDLES = {  # claim lines each actor may work (the party's insurer's staff whose scope covers the serving unit)
    "tianlong_hq": {"agreed.B", "confirming.B"}, "tianlong_branch": {"agreed.B", "confirming.B"},
    "tianlong_wudu": {"agreed.B", "confirming.B"}, "tianlong_unit1": {"agreed.B", "confirming.B"},
    "maiji_hq": {"agreed.A", "confirming.A", "draft.A"}, "maiji_branch": {"confirming.A", "draft.A"},
    "maiji_unit1": {"confirming.A", "draft.A"},
    "maiji_branch_ts": {"agreed.A"}, "maiji_unit2": {"agreed.A"},  # A's claim was handed to 麦积's Tianshui unit
}  # fmt: skip


def _party(world: World, name: str) -> Any:
    case, label = name.split(".")
    return world.party(case, label)


@pytest.mark.parametrize("actor", USERS)
def test_claim_lines_each_actor_may_handle(world, actor):
    """B8, R1: only the party's own insurer, at a level covering the unit serving it; the other party's insurer,
    the committee, the admin and the reporter see the case but do not act on it."""
    scope = _scope(world, actor)
    assert {name for name in PARTIES if scope.may_handle_party(_party(world, name))} == HANDLES.get(actor, set())
    acts = {
        case for case in ("agreed", "confirming", "draft") if scope.may_act_on_case(world.case_of(case).parties.all())
    }
    assert acts == {name.split(".")[0] for name in HANDLES.get(actor, set())}


JOIN_CODES = {actor: {name.split(".")[0] for name in parties} for actor, parties in HANDLES.items()}
JOIN_CODES["tianlong_adj1"] = {"draft"}  # the adjuster who reported it at the scene


@pytest.mark.parametrize("actor", USERS)
def test_who_may_issue_a_new_join_code(world, actor):
    """R2, B8: whoever reported the case (by a reporting channel), or handles a party of it."""
    scope = _scope(world, actor)
    cases = {case for case in ("agreed", "confirming", "draft")
             if scope.may_issue_join_code(world.case_of(case), world.case_of(case).parties.all())}  # fmt: skip
    assert cases == JOIN_CODES.get(actor, set())


def test_a_reporter_without_a_reporting_channel_issues_no_join_code(world):
    """B8: a case created by someone whose role reports no case (the committee) gives them no join code."""
    draft = world.draft
    committee = Scope(role=Role.ANTIFRAUD_MEMBER, user_id=draft.created_by_id, committee_id=1)
    assert not committee.may_issue_join_code(draft, draft.parties.all())
    reporter = Scope(role=Role.ADJUSTER, user_id=draft.created_by_id, insurer_id=123456)
    assert reporter.may_issue_join_code(draft, [])
    assert not Scope(role=Role.ADJUSTER, user_id=None, insurer_id=123456).may_issue_join_code(
        SimpleNamespace(created_by_id=None), []
    )


def test_a_party_not_routed_or_routed_inconsistently_is_handled_by_nobody(world):
    """B8: a party with no serving unit yet, or whose unit belongs to another company (bad data), gives no one the
    right to work it — not even the company's head office."""
    party = world.party("agreed", "B")
    tianlong_hq, unit1 = _scope(world, "tianlong_hq"), _scope(world, "tianlong_unit1")
    assert tianlong_hq.may_handle_party(party)
    assert unit1.may_handle_party(party)
    unrouted = SimpleNamespace(insurer_id=party.insurer_id, claims_unit_id=None, claims_unit=None)
    assert not tianlong_hq.may_handle_party(unrouted)
    assert not unit1.may_handle_party(unrouted)
    foreign_unit = world.units["mj_wudu"]
    mixed = SimpleNamespace(insurer_id=party.insurer_id, claims_unit_id=foreign_unit.pk, claims_unit=foreign_unit)
    assert not tianlong_hq.may_handle_party(mixed)
    assert not _scope(world, "tianlong_branch").may_handle_party(mixed)
    staff_without_insurer = Scope(role=Role.INSURER_STAFF, user_id=1, insurer_id=None)
    assert not staff_without_insurer.may_handle_party(SimpleNamespace(insurer_id=None, claims_unit_id=None))


SUBMITS_TO = {  # cities each actor may submit its company's people to (R6: the company submits to the association)
    "tianlong_hq": {LONGNAN, TIANSHUI}, "maiji_hq": {LONGNAN, TIANSHUI}, "fuxi_hq": {LONGNAN, TIANSHUI},
    "bailong_hq": {LONGNAN},  # 白龙 has no Tianshui branch
    "tianlong_branch": {LONGNAN}, "tianlong_wudu": {LONGNAN}, "tianlong_unit1": {LONGNAN},
    "tianlong_unit_ln2": {LONGNAN}, "tianlong_branch_ts": {TIANSHUI}, "tianlong_unit2": {TIANSHUI},
    "maiji_branch": {LONGNAN}, "maiji_unit1": {LONGNAN}, "maiji_branch_ts": {TIANSHUI}, "maiji_unit2": {TIANSHUI},
    "fuxi_unit1": {TIANSHUI},  # 伏羲 is at home in Tianshui
}  # fmt: skip
CHANGES = {  # register entries each actor may correct, resubmit or report a staff change of
    actor: {key for key in ("tl_ln", "tl_ts", "tl_ln_fix", "mj_ln", "mj_ts", "mj_ts_fix", "mj_ln_new")
            if key.startswith({"tianlong": "tl_", "maiji": "mj_"}.get(actor.split("_")[0], "-"))
            and {"ln": LONGNAN, "ts": TIANSHUI}[key.split("_")[1]] in cities}
    for actor, cities in SUBMITS_TO.items()
}  # fmt: skip
REVIEWS = {"ln_assoc": {"tl_ln", "tl_ln_fix", "mj_ln", "mj_ln_new"}, "ts_assoc": {"tl_ts", "mj_ts", "mj_ts_fix"}}


@pytest.mark.parametrize("actor", USERS)
def test_the_register_each_actor_may_change(world, actor):
    """R4–R6, B8: a company submits and changes its own people for the cities its scope covers; only the association
    of the adjuster's city reviews; either revokes; the admin, adjusters and the rest change nothing."""
    from claimbridge.organisations.models import City

    scope = _scope(world, actor)
    cities = {code: City.objects.get(code=code).pk for code in (LONGNAN, TIANSHUI)}
    assert {code for code, pk in cities.items() if scope.may_submit_adjuster(city_id=pk)} == SUBMITS_TO.get(
        actor, set()
    )
    assert scope.may_submit_adjusters() == bool(SUBMITS_TO.get(actor))
    covered = scope.register_city_ids()
    assert covered is not None
    assert {code for code, pk in cities.items() if pk in covered} == SUBMITS_TO.get(actor, set())
    assert {key for key, entry in world.adjusters.items() if scope.may_change_adjuster(entry)} == CHANGES.get(
        actor, set()
    )
    assert {key for key, entry in world.adjusters.items() if scope.may_review_adjuster(entry)} == REVIEWS.get(
        actor, set()
    )
    revokes = {
        key for key, entry in world.adjusters.items() if scope.may_revoke_credential(SimpleNamespace(adjuster=entry))
    }
    assert revokes == CHANGES.get(actor, set()) | REVIEWS.get(actor, set())


def test_staff_whose_organisation_does_not_match_cover_no_city(world):
    """B8: a claims unit or branch of another company in a staff member's scope (bad data) covers no city, and
    staff with no company cover none."""
    maiji_unit = world.units["mj_wudu"]
    tianlong = world.users["tianlong_hq"].insurer_id
    assert (
        Scope(role=Role.INSURER_STAFF, insurer_id=tianlong, claims_unit_id=maiji_unit.pk).register_city_ids() == set()
    )
    assert (
        Scope(role=Role.INSURER_STAFF, insurer_id=tianlong, branch_id=maiji_unit.branch_id).register_city_ids() == set()
    )
    assert Scope(role=Role.INSURER_STAFF, insurer_id=None).register_city_ids() == set()
    assert not Scope(role=Role.INSURER_STAFF, insurer_id=None).may_submit_adjusters()
    assert not Scope(role=Role.ADJUSTER, insurer_id=tianlong).may_submit_adjusters()


def test_a_stop_is_recorded_only_under_a_credential_in_force_at_that_instant(world):
    """R6, R8: within the credential's first and last day (in Beijing time), and not revoked by then."""
    from claimbridge.credentials.models import Credential

    credential = Credential.objects.filter(adjuster=world.adjusters["tl_ln"]).get()
    first, last = timezone.localdate() - timedelta(days=30), timezone.localdate() + timedelta(days=30)
    Credential.objects.filter(pk=credential.pk).update(valid_from=first, valid_until=last, revoked_at=None)
    adjuster = _scope(world, "tianlong_adj1")
    tz = timezone.get_current_timezone()

    def at(day: Any, hour: int, minute: int = 0) -> Any:
        return timezone.make_aware(datetime.combine(day, datetime.min.time()), tz).replace(hour=hour, minute=minute)

    assert adjuster.may_record_stop(at=at(first, 0, 1))
    assert adjuster.may_record_stop(at=at(last, 23, 59))
    assert not adjuster.may_record_stop(at=at(first - timedelta(days=1), 23, 59))
    assert not adjuster.may_record_stop(at=at(last + timedelta(days=1), 0, 1))
    revoked = at(timezone.localdate(), 12)
    Credential.objects.filter(pk=credential.pk).update(revoked_at=revoked)
    assert adjuster.may_record_stop(at=revoked - timedelta(seconds=1))
    assert not adjuster.may_record_stop(at=revoked)
    assert not adjuster.may_record_stop(at=revoked + timedelta(days=1))
    # Not the holder's company, not an adjuster, nobody, or an adjuster without a credential: never.
    before = revoked - timedelta(hours=1)
    maiji = world.users["maiji_hq"].insurer_id
    assert not Scope(role=Role.ADJUSTER, user_id=adjuster.user_id, insurer_id=maiji).may_record_stop(at=before)
    assert not Scope(role=Role.INSURER_STAFF, user_id=adjuster.user_id, insurer_id=adjuster.insurer_id).may_record_stop(
        at=before
    )
    assert not Scope(role=Role.ADJUSTER, user_id=None, insurer_id=adjuster.insurer_id).may_record_stop(at=before)
    assert not Scope(role=Role.ADJUSTER, user_id=adjuster.user_id, insurer_id=None).may_record_stop(at=before)
    assert not _scope(world, "tianlong_adj2").may_record_stop(at=before)


RATES = {**{actor: {"maiji"} for actor in ("tianlong_hq", "tianlong_unit2", "tianlong_adj1")},
         **{actor: {"tianlong"} for actor in ("maiji_hq", "maiji_adj2")}}  # fmt: skip


@pytest.mark.parametrize("actor", USERS)
def test_who_may_rate_a_stop(world, actor):
    """R15: whoever holds the rating link, except the adjuster's own company."""
    scope, user = _scope(world, actor), world.users[actor]
    rated = {company for company, stop in world.stops.items() if scope.may_rate_stop(stop)}
    if actor in RATES:
        assert rated == RATES[actor]
    elif user.role not in (Role.INSURER_STAFF, Role.ADJUSTER) or user.insurer.code not in ("tianlong", "maiji"):
        assert rated == {"tianlong", "maiji"}
    assert ANONYMOUS_SCOPE.may_rate_stop(world.stops["tianlong"])


# --- a scope whose organisation is missing sees and changes nothing ---------------------------------------------
HOLLOW = [
    Scope(role=Role.INSURER_STAFF, user_id=None),
    Scope(role=Role.ADJUSTER, user_id=None, claims_unit_id=None),
    Scope(role=Role.ASSOCIATION_STAFF, user_id=None),
    Scope(role=Role.ANTIFRAUD_MEMBER, user_id=None),
    Scope(role=Role.DRIVER, user_id=None),
    Scope(role=Role.REGULATOR, user_id=None),
    ANONYMOUS_SCOPE,
]


@pytest.mark.parametrize("scope", HOLLOW, ids=lambda scope: str(scope.role))
def test_a_role_without_its_organisation_sees_nothing(world, scope):
    """B8: staff without a company, an association member without an association, a committee member without a
    committee, a driver without an account: every query empty, every write refused."""
    from claimbridge.cases.models import Case
    from claimbridge.credentials.models import Adjuster
    from claimbridge.evidence.models import EvidenceFile
    from claimbridge.organisations.models import Branch, ClaimsUnit, Insurer
    from claimbridge.policies.models import Policy, PolicyVersion

    assert not ClaimsUnit.objects.filter(scope.claims_units_q()).exists()
    assert not User.objects.filter(scope.users_q()).exists()
    assert not Insurer.objects.filter(scope.insurers_q()).exists()
    assert not EvidenceFile.objects.filter(scope.evidence_files_q()).exists()
    assert not Case.objects.filter(scope.cases_q()).exists()
    assert not Policy.objects.filter(scope.policies_q()).exists()
    assert not Branch.objects.filter(scope.administers_q("city_id")).exists()
    assert not Adjuster.objects.filter(scope.register_q()).exists()
    assert not PolicyVersion.objects.filter(scope.cover_in_full_q() | scope.cover_on_agreement_q()).exists()
    assert not any(scope.may_handle_party(_party(world, name)) for name in PARTIES)
    assert not any(scope.may_review_adjuster(entry) or scope.may_change_adjuster(entry)
                   for entry in world.adjusters.values())  # fmt: skip
    assert not scope.may_submit_adjusters()
    assert not scope.sees_across_companies


def test_who_follows_a_reused_photo_across_companies(world):
    """R20: the committee and the admin; no insurer, association or driver."""
    assert {actor for actor in USERS if _scope(world, actor).sees_across_companies} == {"antifraud", "admin"}


# --- edges found by mutation (docs/mutation.md): scopes with a field their role does not explain -----------------
def test_an_adjuster_without_a_claims_unit_and_staff_without_a_company_see_no_claims_unit(world):
    """B8: an adjuster sees their own claims unit only — with none, nothing (not the company's); insurer staff with
    a claims unit but no company see nothing."""
    from claimbridge.organisations.models import ClaimsUnit

    tianlong, unit = world.users["tianlong_hq"].insurer_id, world.units["tl_wudu"].pk
    assert not ClaimsUnit.objects.filter(
        Scope(role=Role.ADJUSTER, user_id=1, insurer_id=tianlong).claims_units_q()
    ).exists()
    staff = Scope(role=Role.INSURER_STAFF, user_id=1, insurer_id=None, claims_unit_id=unit)
    assert not ClaimsUnit.objects.filter(staff.claims_units_q()).exists()


def test_an_association_sees_insurers_people_only_not_others_with_a_stray_branch_or_unit(world):
    """B8: an account of another role that carries a branch or a claims unit of the association's city (left from an
    earlier role) is not in the association's directory."""
    branch, unit = world.users["tianlong_branch"].branch, world.units["tl_wudu"]
    User.objects.create(username="stray_driver_branch", role=Role.DRIVER, branch=branch)
    User.objects.create(username="stray_driver_unit", role=Role.DRIVER, claims_unit=unit)
    seen = set(User.objects.filter(_scope(world, "ln_assoc").users_q()).values_list("username", flat=True))
    assert "tianlong_branch" in seen
    assert "tianlong_unit1" in seen
    assert not seen & {"stray_driver_branch", "stray_driver_unit"}


def test_staff_covering_no_city_may_not_submit_at_all(world):
    """R6, B8: the "submit an adjuster" button needs a city the staff member's scope covers."""
    tianlong, maiji_unit = world.users["tianlong_hq"].insurer_id, world.units["mj_wudu"]
    assert not Scope(role=Role.INSURER_STAFF, insurer_id=tianlong, claims_unit_id=maiji_unit.pk).may_submit_adjusters()
    assert Scope(role=Role.INSURER_STAFF, insurer_id=tianlong).may_submit_adjusters()


def test_no_stop_without_an_account_even_under_an_entry_with_no_login(world):
    """R8: a credential of an entry linked to no login never lets a scope without a user record a stop."""
    from claimbridge.credentials import services

    entry = world.adjusters["mj_ln_new"]  # submitted, linked to no login
    services.adjuster_review(user=world.users["ln_assoc"], adjuster=entry, decision="approve")
    maiji = world.users["maiji_hq"].insurer_id
    assert not Scope(role=Role.ADJUSTER, user_id=None, insurer_id=maiji).may_record_stop(at=timezone.now())
