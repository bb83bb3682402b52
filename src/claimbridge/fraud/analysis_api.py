"""/api/v1/fraud/rings, /scores, /cases/{number}/…: rings, scores and links over the API (issue 16; B5, B8, R20).

The committee reads rings (every read of one recorded, `fraud.RingLook`), every case's score and every case's links
(kinds, masked values, pseudonyms); an insurer's systems pull the scores of their own cases with "linked to N cases"
and nothing about any other company's case. What the caller may not read is a 404 (a ring, a case) or a 403 (the
list of rings), never an empty answer that would pass for "no rings".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.core.errors import AppError, in_current_language
from claimbridge.core.schemas import responses
from claimbridge.fraud import analysis, analysis_services, errors
from claimbridge.fraud.analysis_models import CaseScore

router = Router(tags=["fraud analysis"])


def _not_found(what_zh: str, what_en: str) -> AppError:
    return AppError("not_found", f"没有找到该{what_zh}", f"No such {what_en}.", status=404)


class RingSummaryOut(Schema):
    number: int
    size: int
    found_at: datetime
    updated_at: datetime


class RingListOut(Schema):
    rings: list[RingSummaryOut]


class RingCaseOut(Schema):
    number: str
    city: str
    county: str
    accident_at: datetime | None
    state: str
    state_text: str
    insurers: list[str]
    score: int | None
    band: str


class SharedEntityOut(Schema):
    kind: str
    kind_text: str
    masked: str
    cases: list[str]


class GraphNodeOut(Schema):
    id: str
    kind: str
    x: float
    y: float
    label: str


class GraphEdgeOut(Schema):
    source: str
    target: str


class RingOut(Schema):
    number: int
    size: int
    found_at: datetime
    updated_at: datetime
    cases: list[RingCaseOut]
    shared: list[SharedEntityOut]
    nodes: list[GraphNodeOut]
    edges: list[GraphEdgeOut]


class ReasonOut(Schema):
    code: str
    weight: int
    text: str
    zh: str
    en: str


class LearnedReasonOut(Schema):
    feature: str
    value: str
    contribution: float


class ScoreOut(Schema):
    case: str
    score: int
    band: str
    band_text: str
    reasons: list[ReasonOut]
    not_judged: list[str]
    rules_version: int
    learned: float | None
    learned_version: str
    learned_reasons: list[LearnedReasonOut]
    linked_cases: int  # other cases on the platform linked to this one, directly or through others
    computed_at: datetime


class BucketOut(Schema):
    low: int
    high: int
    cases: int


class ScoreListOut(Schema):
    distribution: list[BucketOut]
    scores: list[ScoreOut]


class LinkOut(Schema):
    kind: str
    kind_text: str
    masked: str
    party: str
    pseudonym: str
    key_version: str


class LinkListOut(Schema):
    case: str
    links: list[LinkOut]


def score_out(row: CaseScore) -> dict[str, Any]:
    result = row.result or {}
    band = result.get("band", {})
    return {
        "case": row.case.number, "score": row.score, "band": row.band,
        "band_text": in_current_language(band.get("zh", row.band), band.get("en", row.band)),
        "reasons": [{**reason, "text": in_current_language(reason["zh"], reason["en"])}
                    for reason in result.get("reasons", [])],
        "not_judged": [item["code"] for item in result.get("not_judged", [])],
        "rules_version": row.rules_version, "learned": row.learned, "learned_version": row.learned_version,
        "learned_reasons": [{"feature": str(item.get("feature", "")), "value": str(item.get("value", "")),
                             "contribution": float(item.get("contribution", 0.0))} for item in row.learned_reasons],
        "linked_cases": row.linked_cases, "computed_at": row.computed_at,
    }  # fmt: skip


@router.get("/rings", auth=API_AUTH, response=responses({200: RingListOut}),
            summary="The rings of at least 3 cases (the committees')")  # fmt: skip
def ring_list(request: HttpRequest, min_size: int = 3) -> dict[str, Any]:
    if not analysis.sees_rings(user=request.user):
        raise errors.rings_refused()
    return {"rings": [{"number": ring.pk, "size": ring.size, "found_at": ring.created_at,
                       "updated_at": ring.updated_at}
                      for ring in analysis.ring_list_for_user(user=request.user, min_size=max(min_size, 2))]}  # fmt: skip


@router.get("/rings/{ring}", auth=API_AUTH, response=responses({200: RingOut}),
            summary="One ring: its cases, the entities they share (masked) and its graph; the look is recorded")  # fmt: skip
def ring_detail(request: HttpRequest, ring: int) -> dict[str, Any]:
    found = analysis.ring_get_for_user(user=request.user, pk=ring)
    if found is None:
        raise _not_found("团伙", "ring")
    view = analysis.ring_view(found)
    analysis_services.ring_look_record(user=request.user, ring=found, route="api",
                                       cases=[case.number for case in view.cases])  # fmt: skip
    return {
        "number": found.pk, "size": found.size, "found_at": found.created_at, "updated_at": found.updated_at,
        "cases": [vars(case) for case in view.cases],
        "shared": [{"kind": entity.kind, "kind_text": str(entity.kind_name), "masked": entity.masked,
                    "cases": entity.cases} for entity in view.entities],
        "nodes": [{"id": node.id, "kind": node.kind, "x": node.x, "y": node.y, "label": node.label}
                  for node in view.drawing.nodes],
        "edges": [{"source": source, "target": target} for source, target in view.edge_ids],
    }  # fmt: skip


@router.get("/scores", auth=API_AUTH, response=responses({200: ScoreListOut}),
            summary="The scores the caller may read, highest first, with their distribution")  # fmt: skip
def score_list(request: HttpRequest, band: str = "", limit: int = 100) -> dict[str, Any]:
    scores = analysis.scored_cases_for_user(user=request.user)
    distribution = [{"low": bucket["from"], "high": bucket["to"], "cases": bucket["cases"]}
                    for bucket in analysis.score_distribution(scores)]  # fmt: skip
    if band in ("low", "medium", "high"):
        scores = scores.filter(band=band)
    rows = scores.order_by("-score", "-computed_at")[: max(1, min(limit, 500))]
    return {"distribution": distribution, "scores": [score_out(row) for row in rows]}


@router.get("/cases/{number}/score", auth=API_AUTH, response=responses({200: ScoreOut}),
            summary="One case's score with its reasons and how many cases it is linked to")  # fmt: skip
def case_score(request: HttpRequest, number: str) -> dict[str, Any]:
    row = analysis.case_score_for_user(user=request.user, number=number)
    if row is None:
        raise _not_found("案件的评分", "scored case")
    return score_out(row)


@router.get("/cases/{number}/links", auth=API_AUTH, response=responses({200: LinkListOut}),
            summary="One case's links in the index: kinds, masked values and pseudonyms (the committees')")  # fmt: skip
def case_links(request: HttpRequest, number: str) -> dict[str, Any]:
    links = analysis.case_links_for_user(user=request.user, number=number)
    if links is None:
        raise _not_found("案件", "case")
    return {"case": number, "links": [{"kind": link.kind, "kind_text": str(analysis.KIND_NAMES.get(link.kind, "")),
                                       "masked": link.masked, "party": link.party, "pseudonym": link.pseudonym,
                                       "key_version": link.key_version} for link in links]}  # fmt: skip
