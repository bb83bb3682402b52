"""Every read of the link index, rings and scores, through the caller's scope (issue 16; B5, B8, R20).

The committee reads rings (their cases, the shared entities as kinds and masked values, the graph) and every case's
score; an insurer's staff the scores of the cases where their company covers a party, with "linked to N cases on the
platform" — a count, never which cases, which companies or which identifiers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from claimbridge.accounts.scope import scope_for
from claimbridge.cases.models import Case
from claimbridge.fraud import rings as kernel_rings
from claimbridge.fraud.analysis_models import LINK_KINDS, CaseLink, CaseScore, Ring, RingMember
from claimbridge.fraud.graph import Drawing, draw

KIND_NAMES = dict(LINK_KINDS)
SCORE_BUCKETS = 10  # the distribution in bands of ten points


def sees_rings(*, user: Any) -> bool:
    return scope_for(user).sees_rings


def ring_list_for_user(*, user: Any, min_size: int = kernel_rings.MIN_SIZE) -> list[Ring]:
    """The rings of at least `min_size` cases, largest first (the committee's; nobody else's)."""
    if not scope_for(user).sees_rings:
        return []
    return list(Ring.objects.filter(size__gte=min_size).order_by("-size", "-updated_at", "pk")[:500])


def ring_get_for_user(*, user: Any, pk: int) -> Ring | None:
    if not scope_for(user).sees_rings:
        return None
    return Ring.objects.filter(pk=pk).first()


@dataclass
class RingCase:
    number: str
    city: str
    county: str
    accident_at: Any
    state: str  # the state's code
    state_text: str
    insurers: list[str]
    score: int | None
    band: str


@dataclass
class SharedEntity:
    kind: str
    kind_name: Any
    masked: str
    cases: list[str]  # the ring's cases that name it


@dataclass
class RingView:
    ring: Ring
    cases: list[RingCase]
    entities: list[SharedEntity]
    drawing: Drawing
    edge_ids: list[tuple[str, str]] = field(default_factory=list)  # (case number, entity node) pairs


def ring_view(ring: Ring) -> RingView:
    """The ring's cases, the entities at least two of them share (hubs left out, as the scan leaves them), and the
    drawing of the case–entity graph. Only called for a user `ring_get_for_user` let through."""
    case_ids = list(RingMember.objects.filter(ring=ring).values_list("case_id", flat=True))
    cases = {case.pk: case for case in Case.objects.filter(pk__in=case_ids).select_related("city", "county")
             .prefetch_related("parties__insurer")}  # fmt: skip
    scores = {row.case_id: row for row in CaseScore.objects.filter(case_id__in=case_ids)}
    links = list(CaseLink.objects.filter(case_id__in=case_ids).values_list("case_id", "kind", "pseudonym", "masked"))
    named: dict[tuple[str, str], set[int]] = defaultdict(set)
    masked: dict[tuple[str, str], str] = {}
    for case_id, kind, pseudonym, shown in links:
        named[(kind, pseudonym)].add(case_id)
        masked.setdefault((kind, pseudonym), shown)
    shared_keys = [key for key, members in named.items() if len(members) >= 2]
    hubs = _hubs([pseudonym for _kind, pseudonym in shared_keys])
    shared_keys = [key for key in shared_keys if key[1] not in hubs]
    number_of = {pk: case.number for pk, case in cases.items()}
    entities = sorted(
        (SharedEntity(kind, KIND_NAMES.get(kind, kind), masked[(kind, pseudonym)],
                      sorted(number_of[pk] for pk in named[(kind, pseudonym)] if pk in number_of))
         for kind, pseudonym in shared_keys),
        key=lambda entity: (-len(entity.cases), entity.kind, entity.masked),
    )  # fmt: skip
    rows = []
    for pk in sorted(cases, key=lambda pk: (cases[pk].accident_at is None, cases[pk].accident_at, cases[pk].number)):
        case = cases[pk]
        score = scores.get(pk)
        rows.append(RingCase(case.number, case.city.display_name if case.city else "",
                             case.county.display_name if case.county else "", case.accident_at, case.state,
                             _state_text(case.state),
                             sorted({party.insurer.display_short_name for party in case.parties.all() if party.insurer}),
                             score.score if score else None, score.band if score else ""))  # fmt: skip
    nodes = [(number_of[pk], "case") for pk in sorted(number_of)]  # labelled by the number's day and serial
    edges: list[tuple[str, str]] = []
    for index, (kind, pseudonym) in enumerate(shared_keys):
        entity_node = f"{kind}#{index}"
        nodes.append((entity_node, kind))
        edges += [(number_of[pk], entity_node) for pk in named[(kind, pseudonym)] if pk in number_of]
    labels = {f"{kind}#{index}": masked[(kind, pseudonym)] or str(KIND_NAMES.get(kind, kind))
              for index, (kind, pseudonym) in enumerate(shared_keys)}  # fmt: skip
    labels |= {
        number: number.split("-", 1)[-1] for number in number_of.values()
    }  # 621200-20261202-00001 → 20261202-00001
    return RingView(ring, rows, entities, draw(nodes, edges, labels=labels, seed=ring.pk), edges)


def _state_text(code: str) -> str:
    from claimbridge.core.errors import in_current_language
    from claimbridge.rules.case_flow import STATES

    state = STATES.get(code)
    return in_current_language(state.zh, state.en) if state else code


def _hubs(pseudonyms: list[str]) -> set[str]:
    """The pseudonyms named by more cases than make a hub (the scan's rule: `linking.degrees`)."""
    from claimbridge.fraud.linking import degrees, link_keys, max_degree

    limit = max_degree()
    return {pseudonym for pseudonym, count in degrees(link_keys().current, pseudonyms).items() if count > limit}


# --- scores -------------------------------------------------------------------------------------------------------


def scored_cases_for_user(*, user: Any) -> QuerySet[CaseScore]:
    """The scores the user may read (committee: every case; an insurer: the cases it covers a party of)."""
    scope = scope_for(user)
    visible = Case.objects.filter(scope.fraud_scores_q()).values("pk")
    return CaseScore.objects.filter(case_id__in=visible).select_related("case", "case__county")


def case_score_for_user(*, user: Any, number: str) -> CaseScore | None:
    """One case's score, if the user may read it (None: no such case for this user, or not scored yet)."""
    return scored_cases_for_user(user=user).filter(case__number=str(number)[:24]).first()


def score_distribution(scores: QuerySet[CaseScore]) -> list[dict[str, Any]]:
    """How many cases in each band of ten points (0–9, 10–19, … 90–100)."""
    counts = Counter(min(score // SCORE_BUCKETS, SCORE_BUCKETS - 1) for score in scores.values_list("score", flat=True))
    return [{"from": bucket * SCORE_BUCKETS, "to": bucket * SCORE_BUCKETS + SCORE_BUCKETS - 1 + (bucket == 9),
             "cases": counts.get(bucket, 0)} for bucket in range(SCORE_BUCKETS)]  # fmt: skip


def band_of_bucket(low: int) -> str:
    """The band a bucket of the distribution starts in, by the rules in force today (for its colour)."""
    from datetime import date

    from claimbridge.rules import fraud_score

    return fraud_score.band_of(low, fraud_score.score_rules_on(date.today()))


def case_links_for_user(*, user: Any, number: str) -> list[CaseLink] | None:
    """A case's links (kind, masked value, pseudonym, key version): the committee's only. None: not for this user."""
    if not scope_for(user).sees_rings:
        return None
    case = Case.objects.filter(number=str(number)[:24]).first()
    if case is None:
        return None
    return list(CaseLink.objects.filter(case=case).order_by("kind", "party", "pk"))


def ring_of_case(case_id: int) -> Ring | None:
    member = RingMember.objects.filter(case_id=case_id).select_related("ring").first()
    return member.ring if member else None
