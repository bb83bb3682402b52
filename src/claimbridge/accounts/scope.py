"""Tenancy, enforced in one place (B8).

`scope_for(user)` says which organisation the user acts for; its `filter_*` methods narrow a queryset to what the
user may see. Selectors call these and nothing else decides visibility: a view or API handler never queries tenant
data itself, so a new kind of tenant data means one new method here, reviewed in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet

from claimbridge.accounts.models import INSURER_ROLES, Role
from claimbridge.accounts.roles import CASE_REPORTER_CHANNELS
from claimbridge.organisations.models import Branch

if TYPE_CHECKING:
    from claimbridge.accounts.models import User
    from claimbridge.organisations.models import ClaimsUnit

M = TypeVar("M", bound=Model)

_NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    role: str | None
    user_id: int | None = None
    insurer_id: int | None = None
    branch_id: int | None = None
    claims_unit_id: int | None = None
    city_id: int | None = None
    committee_id: int | None = None
    police_unit_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.role is None

    @property
    def is_platform_admin(self) -> bool:
        return self.role == Role.PLATFORM_ADMIN

    @property
    def acts_for_insurer(self) -> bool:
        return self.role in INSURER_ROLES and self.insurer_id is not None

    @property
    def level(self) -> str:
        """For insurer staff: 'claims_unit', 'branch' or 'company'."""
        if self.claims_unit_id:
            return "claims_unit"
        if self.branch_id:
            return "branch"
        return "company"

    # --- what each kind of tenant data the user may see ------------------------------------------------------------
    def claims_units_q(self, prefix: str = "") -> Q:
        """Claims units whose internal data (staff, workload) the user may see."""

        def q(**lookups: Any) -> Q:
            return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

        if self.is_platform_admin:
            return Q()
        if self.role == Role.INSURER_STAFF and self.insurer_id:
            if self.claims_unit_id:
                return q(pk=self.claims_unit_id)
            if self.branch_id:
                return q(branch_id=self.branch_id) | q(branch__parent_id=self.branch_id)
            return q(branch__insurer_id=self.insurer_id)
        if self.role == Role.ADJUSTER and self.claims_unit_id:
            return q(pk=self.claims_unit_id)
        if self.role == Role.ASSOCIATION_STAFF and self.city_id:
            return q(branch__city_id=self.city_id)
        return _NOTHING

    def filter_claims_units(self, queryset: QuerySet[ClaimsUnit]) -> QuerySet[ClaimsUnit]:
        return queryset.filter(self.claims_units_q())

    def users_q(self) -> Q:
        """Accounts (and so people's names and phones) the user may see in directories."""
        if self.is_platform_admin:
            return Q()
        if self.role == Role.INSURER_STAFF and self.insurer_id:
            if self.level == "company":
                return Q(insurer_id=self.insurer_id)
            if self.level == "branch":
                return Q(insurer_id=self.insurer_id) & (
                    Q(branch_id=self.branch_id) | self.claims_units_q(prefix="claims_unit__")
                )
            return Q(insurer_id=self.insurer_id, claims_unit_id=self.claims_unit_id)
        if self.role == Role.ASSOCIATION_STAFF and self.city_id:
            return (
                Q(association__city_id=self.city_id)
                | Q(role__in=INSURER_ROLES, claims_unit__branch__city_id=self.city_id)
                | Q(role__in=INSURER_ROLES, branch__city_id=self.city_id)
            )
        if self.role == Role.ANTIFRAUD_MEMBER and self.committee_id:
            return Q(committee_id=self.committee_id)
        if self.user_id is not None:
            return Q(pk=self.user_id)
        return _NOTHING

    def filter_users(self, queryset: QuerySet[User]) -> QuerySet[User]:
        return queryset.filter(self.users_q())

    def insurers_q(self) -> Q:
        """Insurers whose internal organisation (coverage problems, branches) the user oversees."""
        if self.is_platform_admin:
            return Q()
        if self.role == Role.INSURER_STAFF and self.insurer_id:
            return Q(pk=self.insurer_id)
        if self.role == Role.ASSOCIATION_STAFF and self.city_id:
            return Q(pk__in=Branch.objects.filter(level="city", city_id=self.city_id).values("insurer_id"))
        return _NOTHING

    def evidence_files_q(self) -> Q:
        """Evidence files (scene photos and documents of an accident) the user may open (B8).

        Insurer staff and adjusters: files of accidents their company is involved in, and files they started.
        The anti-fraud committee: every file. Drivers: files they started. Associations and the regulator see
        statistics, not evidence.
        """
        if self.is_platform_admin or (self.role == Role.ANTIFRAUD_MEMBER and self.committee_id):
            return Q()
        if self.role in INSURER_ROLES and self.insurer_id:
            return Q(insurers__id=self.insurer_id) | Q(created_by_id=self.user_id)
        if self.role == Role.DRIVER and self.user_id is not None:
            return Q(created_by_id=self.user_id)
        return _NOTHING

    def policies_q(self) -> Q:
        """Policies the user may read in full (holder, insured, vehicle, limits): an insurer's staff, its own (B8).

        Everyone else who may look a plate up sees only what the law puts on the agreement (协议书): the insurer and
        the 交强险 policy number.
        """
        if self.is_platform_admin:
            return Q()
        if self.role in INSURER_ROLES and self.insurer_id:
            return Q(insurer_id=self.insurer_id)
        return _NOTHING

    def administers_q(self, city_lookup: str) -> Q:
        """Organisation data (branches, claims units, service areas, counties, police units) the user may change in
        the back office: the platform administrator all; an association's staff its own city's only — routing in the
        other city is the other association's (B8, R16). `city_lookup` is the path to the row's city id, e.g.
        "branch__city_id"."""
        if self.is_platform_admin:
            return Q()
        if self.role == Role.ASSOCIATION_STAFF and self.city_id:
            return Q(**{city_lookup: self.city_id})
        return _NOTHING

    def register_q(self) -> Q:
        """Rows of the adjusters' register that carry an insurer and an association (entries, monthly reports): a
        company's staff its own company's, an association's staff its city's, the platform administrator all (B8,
        R4, R15). Adjusters, drivers, the committee and the regulator read none."""
        if self.is_platform_admin:
            return Q()
        if self.role == Role.INSURER_STAFF and self.insurer_id:
            return Q(insurer_id=self.insurer_id)
        if self.role == Role.ASSOCIATION_STAFF and self.city_id:
            return Q(association__city_id=self.city_id)
        return _NOTHING

    def own_feedback_q(self) -> Q:
        """The published monthly reports that may hold an adjuster's own line (R15, R11): their company's. Only their
        own line is ever read out of them (credentials/selectors.own_feedback_for_adjuster); others read none."""
        if self.role == Role.ADJUSTER and self.insurer_id and self.user_id is not None:
            return Q(insurer_id=self.insurer_id, published_at__isnull=False)
        return _NOTHING

    def cases_q(self) -> Q:
        """Cases the user may open: insurer staff and adjusters, cases where their company covers a party, and
        cases they reported; the anti-fraud committee, every case; drivers, the cases they reported (B8)."""
        if self.is_platform_admin or (self.role == Role.ANTIFRAUD_MEMBER and self.committee_id):
            return Q()
        if self.role in INSURER_ROLES and self.insurer_id:
            return Q(parties__insurer_id=self.insurer_id) | Q(created_by_id=self.user_id)
        if self.role == Role.DRIVER and self.user_id is not None:
            return Q(created_by_id=self.user_id)
        return _NOTHING

    # --- who may change what in the cases (issue 12: write access, asked separately from read access) -------------
    # Seeing a case (the other party's insurer, the committee, the reporter) never implies acting on it: every write
    # route asks one of these about the very party or case it changes.

    def may_handle_party(self, party: Any) -> bool:
        """Work a party's claim line (立案 to closure) or hand it to another unit: insurer staff of the party's
        insurer whose scope covers the claims unit serving the party — that unit, a branch above it, or the company."""
        if self.role != Role.INSURER_STAFF or self.insurer_id is None:
            return False
        if party.insurer_id != self.insurer_id or party.claims_unit_id is None:
            return False
        if self.claims_unit_id:
            return bool(party.claims_unit_id == self.claims_unit_id)
        unit = party.claims_unit
        if unit.branch.insurer_id != self.insurer_id:
            return False
        if self.branch_id:
            return bool(unit.branch_id == self.branch_id or unit.branch.parent_id == self.branch_id)
        return True

    def may_act_on_case(self, parties: Iterable[Any]) -> bool:
        """A step of the whole case from the back office (sending it to the police): whoever handles a party of it."""
        return any(self.may_handle_party(party) for party in parties)

    def may_issue_join_code(self, case: Any, parties: Iterable[Any]) -> bool:
        """A new join code for the other driver: whoever reported the case, or handles a party of it."""
        if self.user_id is not None and case.created_by_id == self.user_id and self.role in CASE_REPORTER_CHANNELS:
            return True
        return self.may_act_on_case(parties)

    @property
    def may_report_case(self) -> bool:
        return self.role in CASE_REPORTER_CHANNELS

    # --- who may change what in the adjusters' register (issue 12) ---------------------------------------------
    # Seeing an entry (adjuster_list_for_user) is not changing it. A company submits and corrects its own people and
    # reports their staff changes, each staff member for the city their scope covers (R6: "the company submits the
    # change to the local association"); only the association of the adjuster's city reviews (R6); a stop is
    # recorded only under a credential in force at the time (R8: the adjuster shows the card); the customer rates a
    # stop, never the adjuster's own company (R15 counts these). The platform administrator reads the register but
    # acts for no company and no association, so changes nothing in it.

    def register_city_ids(self) -> frozenset[int] | None:
        """For insurer staff, the cities whose register entries their scope covers: for the whole company, every city
        where it has a city branch (a company does not submit people to a city it does not work in); the city of
        their branch or of their claims unit's branch otherwise; nobody else covers any."""
        if self.role != Role.INSURER_STAFF or not self.insurer_id:
            return frozenset()
        if self.claims_unit_id:
            from claimbridge.organisations.models import ClaimsUnit

            cities = ClaimsUnit.objects.filter(pk=self.claims_unit_id, branch__insurer_id=self.insurer_id)
            return frozenset(cities.values_list("branch__city_id", flat=True))
        if self.branch_id:
            branches = Branch.objects.filter(pk=self.branch_id, insurer_id=self.insurer_id)
            return frozenset(branches.values_list("city_id", flat=True))
        return frozenset(
            Branch.objects.filter(insurer_id=self.insurer_id, level="city").values_list("city_id", flat=True)
        )

    def may_submit_adjuster(self, *, city_id: int) -> bool:
        """Submit one of the company's people to a city's association: insurer staff whose scope covers that city."""
        cities = self.register_city_ids()
        return self.role == Role.INSURER_STAFF and bool(self.insurer_id) and (cities is None or city_id in cities)

    def may_submit_adjusters(self) -> bool:
        """Whether the user may submit to any city at all (the page's "submit an adjuster" button)."""
        cities = self.register_city_ids()
        return self.role == Role.INSURER_STAFF and bool(self.insurer_id) and (cities is None or bool(cities))

    def may_change_adjuster(self, adjuster: Any) -> bool:
        """Correct and resubmit an entry, or report that the person left or moved: the adjuster's own company, at a
        level whose city is the adjuster's (company level covers both cities)."""
        if self.role != Role.INSURER_STAFF or not self.insurer_id or adjuster.insurer_id != self.insurer_id:
            return False
        return self.may_submit_adjuster(city_id=adjuster.association.city_id)

    def may_review_adjuster(self, adjuster: Any) -> bool:
        """Approve, ask for corrections or reject: only the association of the adjuster's city (R6)."""
        return (
            self.role == Role.ASSOCIATION_STAFF
            and self.city_id is not None
            and adjuster.association.city_id == self.city_id
        )

    def may_revoke_credential(self, credential: Any) -> bool:
        """The issuing association, or the holder's company at a level covering them (a staff change revokes)."""
        return self.may_review_adjuster(credential.adjuster) or self.may_change_adjuster(credential.adjuster)

    def may_record_stop(self, *, at: Any) -> bool:
        """An adjuster records a stop made while holding a credential of their company, in force at that instant:
        within its dates and not revoked by then (R6, R8)."""
        if self.role != Role.ADJUSTER or not self.insurer_id or self.user_id is None:
            return False
        from django.utils import timezone

        from claimbridge.credentials.models import Credential

        day = timezone.localdate(at)
        in_force = Credential.objects.filter(
            Q(revoked_at__isnull=True) | Q(revoked_at__gt=at),
            adjuster__account_id=self.user_id, adjuster__insurer_id=self.insurer_id,
            valid_from__lte=day, valid_until__gte=day,
        )  # fmt: skip
        return in_force.exists()

    def may_rate_stop(self, stop: Any) -> bool:
        """Whoever holds the rating link, except the adjuster's own company: its adjusters and staff do not rate
        their own help (the ratings and the monthly feedback are about them)."""
        return not (self.role in INSURER_ROLES and self.insurer_id is not None and self.insurer_id == stop.insurer_id)

    # --- who may look a vehicle's cover up, and for which plates (issue 12) --------------------------------------
    @property
    def may_look_up_cover(self) -> bool:
        """Whether the user may ask the policy register about a vehicle at all: insurer staff, adjusters, the
        anti-fraud committee and the platform admin (POLICY_LOOKUP_ROLES). Drivers, associations and the regulator
        may not: a lookup would tell them about other people's cover (B8)."""
        from claimbridge.accounts.roles import POLICY_LOOKUP_ROLES

        return self.role in POLICY_LOOKUP_ROLES

    def cover_in_full_q(self) -> Q:
        """Policy versions (`policies.PolicyVersion`) the user reads in full (holder, insured, vehicle, limits),
        whatever the plate: those of the policies in `policies_q` (an insurer's own; everything for the admin)."""
        if not self.may_look_up_cover:
            return _NOTHING
        if self.is_platform_admin:
            return Q(pk__isnull=False)  # every version (an empty Q() would vanish when or-ed with another)
        from claimbridge.policies.models import Policy

        return Q(policy__in=Policy.objects.filter(self.policies_q()).values("pk"))

    def cover_on_agreement_q(self) -> Q:
        """Policy versions of other companies' vehicles the user may see as the accident agreement shows them (the
        insurer and the 交强险 number, 道路交通事故处理程序规定 第二十一条): only 交强险, never the commercial covers.

        Insurer staff and adjusters: only for a plate that is a party's plate on a case they may see (`cases_q`);
        any other plate reads as a vehicle the register does not know. The anti-fraud committee: every plate (R20).
        Everyone else: nothing (the platform admin reads everything in full instead)."""
        if not self.may_look_up_cover:
            return _NOTHING
        ctpl = Q(policy__cover_type="ctpl")
        if self.is_platform_admin or (self.role == Role.ANTIFRAUD_MEMBER and self.committee_id):
            return ctpl
        if self.role in INSURER_ROLES and self.insurer_id:
            from claimbridge.cases.models import Case, CaseParty

            cases = Case.objects.filter(self.cases_q()).values("pk")
            return ctpl & Q(plate__in=CaseParty.objects.filter(case__in=cases).exclude(plate="").values("plate"))
        return _NOTHING

    @property
    def sees_across_companies(self) -> bool:
        """Whoever may follow a reused photo into another company's case: the anti-fraud committee (R20)."""
        return self.is_platform_admin or (self.role == Role.ANTIFRAUD_MEMBER and self.committee_id is not None)

    # --- anti-fraud clues and the committees' casework (issue 15: R11, R20) ----------------------------------------
    # Seeing a clue is one question (`clues_q`), acting on it another (`clue_roles`, then the transition table in
    # fraud/flow.py says what each role may do in each state). A committee sees the clues routed or shared to it; the
    # reporter their own; an insurer's staff (company or branch) the clues that touch their company's customers or
    # cases, whose files were asked of their company, or whose reward their company owes, and then only their part
    # (the selectors cut the view); a claims unit only what its company was asked or owes.

    def clues_q(self) -> Q:
        if self.is_platform_admin:
            return Q()
        if self.role == Role.ANTIFRAUD_MEMBER and self.committee_id:
            return Q(routes__committee_id=self.committee_id)
        if self.role == Role.ADJUSTER and self.user_id is not None:
            return Q(reporter_id=self.user_id)
        if self.role == Role.INSURER_STAFF and self.insurer_id:
            asked = Q(file_requests__insurer_id=self.insurer_id) | Q(reward__insurer_id=self.insurer_id)
            if self.claims_unit_id:  # a claims unit answers what its company is asked; it is not told of every clue
                return asked
            return asked | Q(insurers__insurer_id=self.insurer_id)  # its customers or cases (fraud.ClueInsurer)
        return _NOTHING

    def clue_roles(self, clue: Any) -> frozenset[str]:
        """The user's roles towards a clue (fraud/flow.py): reporter, committee (the clue's primary committee),
        shared (a committee it was shared with), insurer (a company asked for its files). The platform admin reads
        every clue but acts for no committee and no company: none."""
        roles: set[str] = set()
        if self.role == Role.ADJUSTER and self.user_id is not None and clue.reporter_id == self.user_id:
            roles.add("reporter")
        if self.role == Role.ANTIFRAUD_MEMBER and self.committee_id:
            for primary in clue.routes.filter(committee_id=self.committee_id).values_list("primary", flat=True):
                roles.add("committee" if primary else "shared")
        if (
            self.role == Role.INSURER_STAFF
            and self.insurer_id
            and clue.file_requests.filter(insurer_id=self.insurer_id).exists()
        ):
            roles.add("insurer")
        return frozenset(roles)

    def may_gather_recent_claims(self, clue_roles: frozenset[str]) -> bool:
        """R11: the platform gathers a clue's people's and vehicles' recent claims across every company. A read past
        every tenant's wall, declared here: for the committee (and the platform administrator), who see the cases,
        and for the reporter, who sees counts only (fraud/selectors.clue_view cuts it); for nobody else."""
        return self.is_platform_admin or bool(clue_roles & {"committee", "shared", "reporter"})

    @property
    def may_file_clue(self) -> bool:
        """An adjuster of a company files clues (R11: every adjuster a fraud sentinel)."""
        return self.role == Role.ADJUSTER and self.insurer_id is not None and self.user_id is not None

    def may_file_clue_from_stop(self, stop: Any) -> bool:
        return self.may_file_clue and stop.adjuster_id == self.user_id

    def may_answer_file_request(self, request: Any) -> bool:
        """The staff of the company asked, at any level: the request names the company, not a unit."""
        return self.role == Role.INSURER_STAFF and self.insurer_id is not None and request.insurer_id == self.insurer_id

    def may_record_reward_payment(self, reward: Any) -> bool:
        """The company that owes the reward records its payment, from a branch or the whole company (a claims unit
        does not pay rewards)."""
        return (
            self.role == Role.INSURER_STAFF
            and self.insurer_id is not None
            and reward.insurer_id == self.insurer_id
            and not self.claims_unit_id
        )

    # --- traffic-police records and what the matching found (issue 15, R20) -------------------------------------
    # A police unit reads its own records, their loads and their matches; the committee reads every record, match and
    # signal (it analyses them with the police); an insurer reads only the signals about cases where it covers a party.
    # Nobody but the unit itself (and the platform administrator) writes a record.

    @property
    def acts_for_police_unit(self) -> bool:
        return self.role == Role.TRAFFIC_POLICE and self.police_unit_id is not None

    def police_records_q(self, prefix: str = "") -> Q:
        """Police records (and, with `prefix`, their loads' or matches' records) the user may read."""
        if self.sees_across_companies:
            return Q()
        if self.acts_for_police_unit:
            return Q(**{f"{prefix}unit_id": self.police_unit_id})
        return _NOTHING

    def police_signals_q(self) -> Q:
        """Discrepancy signals the user may read: the committee all; an insurer's staff those about its own parties —
        a signal naming a vehicle (`subject`) when that vehicle is its party on the case, a signal about the whole case
        (no vehicle named) when it covers a party of it. A signal about records alone (a vehicle in many records) is
        the committee's."""
        if self.sees_across_companies:
            return Q()
        if self.role == Role.INSURER_STAFF and self.insurer_id:
            from django.db.models import Exists, OuterRef

            from claimbridge.cases.models import CaseParty

            ours = CaseParty.objects.filter(insurer_id=self.insurer_id)
            own_vehicle = Exists(ours.filter(case_id=OuterRef("case_id"), plate=OuterRef("subject")))
            return Q(own_vehicle) | Q(subject="", case_id__in=ours.values("case_id"))
        return _NOTHING

    def may_load_police_records(self, *, unit_id: int) -> bool:
        """Load (create or correct) accident records of a police unit: that unit's own staff, or the platform
        administrator on its behalf. The committee reads them but never writes the police's records."""
        return self.is_platform_admin or (self.acts_for_police_unit and self.police_unit_id == unit_id)

    # --- fraud links, rings and scores (issue 16: B5, R20) ----------------------------------------------------------
    # The link index is read past every tenant's wall, so it is the committee's alone: the rings, their cases, the
    # shared entities (kinds and masked values) and each case's links. An insurer reads the score and its reasons on
    # the cases where its company covers a party, and of the links only a count; nobody else reads either.

    @property
    def sees_rings(self) -> bool:
        return self.sees_across_companies

    def fraud_scores_q(self) -> Q:
        """Cases whose fraud score, reasons and "linked to N cases" the user may read."""
        if self.sees_across_companies:
            return Q()
        if self.role == Role.INSURER_STAFF and self.insurer_id:
            return Q(parties__insurer_id=self.insurer_id)
        return _NOTHING

    @property
    def may_train_fraud_model(self) -> bool:
        """Train the learned score on the committees' confirmed outcomes and put a model in use: the platform
        administrator (a command an operator runs), never a tenant."""
        return self.is_platform_admin

    # --- the integration's statistics and their publication (issue 17: R17, R19, B10) --------------------------------
    # Figures are aggregates, read through the roll-ups: the associations (the coordination group shares data across
    # both cities, R17), the regulator (read-only) and the platform see every company's; a company's staff see their
    # company's own beside the market's totals, never another company broken out; nobody else sees the dashboards
    # (the public sees what is published).

    @property
    def sees_statistics(self) -> bool:
        return self.sees_all_statistics or (self.role == Role.INSURER_STAFF and self.insurer_id is not None)

    @property
    def sees_all_statistics(self) -> bool:
        return (
            self.is_platform_admin
            or self.role == Role.REGULATOR
            or (self.role == Role.ASSOCIATION_STAFF and self.city_id is not None)
        )

    def may_see_insurer_figures(self, insurer_id: int | None) -> bool:
        """Figures broken out for one company (or by company, for None): everyone who sees all, and a company's
        staff for their own company only."""
        if self.sees_all_statistics:
            return True
        return self.role == Role.INSURER_STAFF and insurer_id is not None and insurer_id == self.insurer_id

    @property
    def may_write_reports(self) -> bool:
        """Draft, edit, approve and publish the periodic progress report: the associations (R19). The regulator
        reads; the platform's administrator runs the platform, not its publications."""
        return self.role == Role.ASSOCIATION_STAFF and self.city_id is not None

    # --- consultations (R13) ---------------------------------------------------------------------------------------
    # A question is addressed to one insurer or to one city's association. Its staff read and work it (an insurer's
    # staff at any level: the hotline answers for the company; adjusters do not); a specialist reads what was
    # escalated to them; nobody reads another insurer's questions. A customer reads their own through the phone they
    # proved (`consultations_of_phone_q`, below the class: a phone is not a user).

    def _addresses(self, consultation: Any) -> bool:
        if consultation.insurer_id is not None:
            return self.role == Role.INSURER_STAFF and self.insurer_id == consultation.insurer_id
        if consultation.association_id is not None and self.role == Role.ASSOCIATION_STAFF and self.city_id:
            return bool(consultation.association.city_id == self.city_id)
        return False

    def consultations_q(self) -> Q:
        """Questions the user may read: the platform administrator all; an insurer's staff their company's; an
        association's staff their city's association's; anyone designated a specialist, those escalated to them."""
        if self.is_platform_admin:
            return Q()
        mine = Q(escalated_to__user_id=self.user_id, escalated_to__active=True) if self.user_id else _NOTHING
        if self.role == Role.INSURER_STAFF and self.insurer_id:
            return Q(insurer_id=self.insurer_id) | mine
        if self.role == Role.ASSOCIATION_STAFF and self.city_id:
            return Q(association__city_id=self.city_id) | mine
        return mine

    @property
    def may_record_consultation(self) -> bool:
        """Record a caller's question on the hotline: an insurer's staff, for their own company."""
        return self.role == Role.INSURER_STAFF and self.insurer_id is not None

    def may_answer(self, consultation: Any) -> bool:
        """Answer: the addressed organisation's staff; once escalated, also the specialist it was escalated to (while
        still designated)."""
        if self._addresses(consultation):
            return True
        specialist = consultation.escalated_to if consultation.escalated_to_id else None
        return bool(specialist is not None and specialist.active and self.user_id == specialist.user_id
                    and consultation.state == "escalated")  # fmt: skip

    def may_escalate(self, consultation: Any) -> bool:
        """Hand to a specialist: the addressed organisation's staff (a specialist does not pass it on)."""
        return self._addresses(consultation)

    def may_escalate_to(self, consultation: Any, specialist: Any) -> bool:
        """To whom: an active specialist of the very organisation the question is addressed to."""
        if not self.may_escalate(consultation) or not specialist.active:
            return False
        if consultation.insurer_id is not None:
            return bool(specialist.insurer_id == consultation.insurer_id)
        return bool(specialist.association_id == consultation.association_id)

    def may_publish_faq(self, consultation: Any) -> bool:
        """Turn an answered question into a FAQ entry: the addressed organisation's staff."""
        return self._addresses(consultation)

    def may_manage_specialists(self, association: Any) -> bool:
        """Designate and stand down an association's specialists: that association's staff (the platform
        administrator does it in the admin, for insurers too)."""
        return self.role == Role.ASSOCIATION_STAFF and self.city_id is not None and association.city_id == self.city_id

    # --- the access log (issue 20: who looked at whose personal data; B8, R17, R19) ------------------------------
    # The holders of a case's data may list who looked at it: the staff of an insurer of one of its parties (each
    # sees every record about the case), the association of the case's city and the platform. An insurer that holds
    # no data of the case never lists its log, even where it may open the case (it reported it for a customer).

    def may_read_access_log(self, case: Any, parties: Iterable[Any]) -> bool:
        if self.is_platform_admin:
            return True
        if self.role == Role.INSURER_STAFF and self.insurer_id is not None:
            return any(party.insurer_id == self.insurer_id for party in parties)
        if self.role == Role.ASSOCIATION_STAFF and self.city_id is not None:
            return bool(case.city_id == self.city_id)
        return False

    def access_records_q(self) -> Q:
        """`accesslog.AccessRecord` rows for the organisation's list: the platform all; an insurer's staff those
        about cases where their company covers a party, and what their own company's people looked at; an
        association's staff those about cases of its city, and what its own people looked at."""
        from claimbridge.cases.models import CaseParty

        if self.is_platform_admin:
            return Q()
        if self.role == Role.INSURER_STAFF and self.insurer_id is not None:
            cases = CaseParty.objects.filter(insurer_id=self.insurer_id).values("case_id")
            return Q(case_id__in=cases) | Q(actor_insurer_id=self.insurer_id)
        if self.role == Role.ASSOCIATION_STAFF and self.city_id is not None:
            from claimbridge.cases.models import Case

            city_cases = Case.objects.filter(city_id=self.city_id).values("pk")
            return Q(case_id__in=city_cases) | Q(
                actor_role=Role.ASSOCIATION_STAFF, actor_association__city_id=self.city_id
            )
        return _NOTHING

    def knows_actor(self, record: Any) -> bool:
        """Whether a record's actor may be named to this reader: one of the reader's own organisation (or anyone,
        for the platform); anyone else reads as their organisation and role (another company's people stay out)."""
        if self.is_platform_admin:
            return True
        if self.role == Role.INSURER_STAFF and self.insurer_id is not None:
            return bool(record.actor_insurer_id == self.insurer_id)
        if self.role == Role.ASSOCIATION_STAFF and record.actor_association_id is not None:
            return bool(record.actor_role == Role.ASSOCIATION_STAFF and self.city_id is not None
                        and record.actor_association.city_id == self.city_id)  # fmt: skip
        return False

    # --- personal data requests (PIPL arts. 44–47, decision 0030) --------------------------------------------------
    # A request is held by exactly one organisation (an association or an insurer): its staff read and work it; the
    # person reads their own (a phone through `subject_requests_of_phone_q`, below the class).

    def subject_requests_q(self) -> Q:
        """Requests the user may read as a holder: the platform administrator all; an association's staff their
        city's association's; an insurer's staff their company's. (A person reads their own as the person:
        `subjects.selectors.requests_for_subject`.)"""
        if self.is_platform_admin:
            return Q()
        if self.role == Role.ASSOCIATION_STAFF and self.city_id:
            return Q(holder_association__city_id=self.city_id)
        if self.role == Role.INSURER_STAFF and self.insurer_id:
            return Q(holder_insurer_id=self.insurer_id)
        return _NOTHING

    def may_work_subject_request(self, request: Any) -> bool:
        """Work a request (start, complete, refuse): the staff of the organisation that holds it, never of another city
        or company, and never the person themself."""
        if request.user_id is not None and request.user_id == self.user_id:
            return False
        if request.holder_association_id is not None:
            return (
                self.role == Role.ASSOCIATION_STAFF
                and bool(self.city_id)
                and (request.holder_association.city_id == self.city_id)
            )
        if request.holder_insurer_id is not None:
            return self.role == Role.INSURER_STAFF and self.insurer_id == request.holder_insurer_id
        return False


ANONYMOUS_SCOPE = Scope(role=None)


def scope_for(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS_SCOPE
    city_id = None
    if user.role == Role.ASSOCIATION_STAFF and user.association_id:
        city_id = user.association.city_id
    return Scope(
        role=user.role,
        user_id=user.pk,
        insurer_id=user.insurer_id if user.role in INSURER_ROLES else None,
        branch_id=user.branch_id if user.role == Role.INSURER_STAFF else None,
        claims_unit_id=user.claims_unit_id if user.role in INSURER_ROLES else None,
        city_id=city_id,
        committee_id=user.committee_id if user.role == Role.ANTIFRAUD_MEMBER else None,
        police_unit_id=user.police_unit_id if user.role == Role.TRAFFIC_POLICE else None,
    )


def consultations_of_phone_q(phone_index: str) -> Q:
    """Questions a phone may read (R13): those asked from, or recorded for, the mobile it proved (by blind index)."""
    return Q(asker_phone_index=phone_index) if phone_index else _NOTHING


def may_rate(consultation: Any, *, phone_index: str) -> bool:
    """Rate an answer: only the phone that asked (the mobile proved in this session)."""
    return bool(phone_index) and consultation.asker_phone_index == phone_index


def subject_requests_of_phone_q(phone_index: str) -> Q:
    """Personal data requests a phone may read: those asked from the mobile it proved (by blind index)."""
    return Q(phone_index=phone_index) if phone_index else _NOTHING
