"""The field phone's reads (B7): a case's state and its changes while the phone was offline."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import AwareDatetime, Field

from claimbridge.accounts.api_keys import API_AUTH
from claimbridge.core.errors import not_found
from claimbridge.core.schemas import responses
from claimbridge.field import selectors

router = Router(tags=["field"])


class ChangeOut(Schema):
    sequence: int
    at: datetime
    words: str  # the event as the reader may see it, in the request's language
    actor: str


class CaseChangesOut(Schema):
    number: str
    state: str
    state_label: str
    sequence: int  # the case's newest event: the phone keeps it and asks for changes after it next time
    changes: list[ChangeOut]


class ChangesQuery(Schema):
    since: Annotated[int, Field(ge=0, le=10_000_000)] = 0
    after: AwareDatetime | None = None  # when the phone never saw the case: changes after its capture time


@router.get("/cases/{number}", auth=API_AUTH, response=responses({200: CaseChangesOut}),
            summary="Where a case stands and what changed since the phone last saw it (since= sequence, or after=)")  # fmt: skip
def case_changes(request: HttpRequest, number: str, query: Query[ChangesQuery]) -> dict[str, Any]:
    found = selectors.case_changes(user=request.user, number=number, since=query.since, after=query.after)
    if found is None:
        raise not_found()
    return found
