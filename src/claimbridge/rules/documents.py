"""Every rule as a JSON document in, a JSON document out: the one contract the command line and the API share."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from claimbridge.rules.circumstances import circumstances_document, liability_from_document
from claimbridge.rules.eligibility import eligibility_from_document
from claimbridge.rules.fraud_score import fraud_score_from_document
from claimbridge.rules.identifiers import check_id_number, check_plate, check_vin
from claimbridge.rules.inputs import Fields
from claimbridge.rules.settlement import settlement_from_document
from claimbridge.rules.triage import triage_from_document

IDENTIFIER_CHECKS: dict[str, Callable[[str], Any]] = {"plate": check_plate, "vin": check_vin, "idcard": check_id_number}


def identifier_document(kind: str, value: str) -> dict[str, Any]:
    result = dataclasses.asdict(IDENTIFIER_CHECKS[kind](value))
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in result.items()}


def validate_document(document: Any) -> dict[str, Any]:
    """`{"kind": "plate" | "vin" | "idcard", "value": "…"}`."""
    fields = Fields(document)
    kind = fields.text("kind", choices=tuple(IDENTIFIER_CHECKS))
    value = fields.text("value")
    fields.done()
    return identifier_document(kind, value)


RULES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "circumstances": circumstances_document,
    "liability": liability_from_document,
    "eligibility": eligibility_from_document,
    "settle": settlement_from_document,
    "triage": triage_from_document,
    "fraud-score": fraud_score_from_document,
}
