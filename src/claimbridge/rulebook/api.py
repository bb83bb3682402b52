"""/api/v1/rules/…: every rule of the kernel over HTTP, taking the same JSON as the command line (B2, B3).

Public and stateless: the rules are the plan's, they hold no personal data, and insurers' systems call them
before any case exists. A request body is a free JSON document read by the kernel's strict reader (exact decimals,
unknown fields refused), after the checks every API body passes (no control characters or lone surrogates, nesting
bounded). Every refusal is an `AppError` answered by the API's one handler: 400 for a body that cannot be read, 422
for values that cannot be decided on, each naming the field, in Chinese and English. Every answer has its schema
(`rulebook/schemas.py`), the kernel's output document field for field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router
from ninja.schema import Schema

from claimbridge.core.errors import AppError
from claimbridge.core.inputs import check_tree, too_deep
from claimbridge.core.schemas import ErrorOut, responses
from claimbridge.rulebook import schemas, services
from claimbridge.rules.common import RuleInputError
from claimbridge.rules.documents import RULES, validate_document
from claimbridge.rules.geography import CRS_CHOICES
from claimbridge.rules.identifiers import normalize_plate
from claimbridge.rules.inputs import Fields, number_from, parse_document

router = Router(tags=["rules"])

EXAMPLES: dict[str, Any] = {
    "liability": {"circumstances": {"A": [1], "B": []}},
    "eligibility": {
        "accident": {
            "date": "2024-06-01", "vehicle_count": 2, "all_motor_vehicles": True, "casualties": False,
            "third_party_property_damage": False, "facility_damage": False, "vehicles_drivable": True,
            "damage": "minor_exterior", "circumstances": {"A": [1], "B": []}, "facts_disputed": False,
            "dangerous_goods": False, "intentional_suspected": False, "party_left_scene": False,
        },
        "parties": [
            {
                "id": party, "plate": plate, "driver_licensed": True, "impairment_suspected": False,
                "inspection_valid": True, "insurer": "某财险", "insurer_city_branches": ["621200", "620500"],
                "policies": [
                    {"type": "ctpl", "city": "621200", "start": "2024-01-01", "end": "2024-12-31"},
                    {"type": "third_party", "city": "621200", "start": "2024-01-01", "end": "2024-12-31", "limit": "1000000"},
                ],
                "evidence": {"photos": 2, "videos": 0},
            }
            for party, plate in (("A", "甘K12345"), ("B", "甘E6789A"))
        ],
    },
    "settle": {
        "accident_date": "2024-06-01", "no_fault_proxy": True, "mutual_self_compensation": "auto",
        "vehicles": [
            {"id": "A", "liability": "primary", "ctpl_units": 1, "third_party_limit": "1000000", "own_damage": True,
             "losses": {"vehicle": "20000"}},
            {"id": "B", "liability": "secondary", "ctpl_units": 1, "third_party_limit": "1000000", "own_damage": True,
             "losses": {"vehicle": "30000"}},
        ],
        "other_victims": [],
    },
    "triage": {"estimated_loss": "8000", "liability": {"A": "full", "B": "none"}, "own_customer": "A",
               "facts_disputed": False, "scene_difficult": False},
    "validate": {"kind": "plate", "value": "甘K12345"},
    "locate": {"lat": 33.3950, "lon": 104.9230, "crs": "wgs84"},
}  # fmt: skip

SUMMARIES = {
    "liability": "Liability from the circumstances each party has (全部/同等/无责任, or undetermined)",
    "eligibility": "Eligibility for 快处易赔: the 18 conditions, each passed or failed with a reason",
    "settle": "Who pays whom: 交强险, 无责代赔, 互碰自赔, commercial third-party and own-damage cover",
    "triage": "Online one-stop claim, refer the liable party, or offline follow-up (R14)",
    "validate": "Check a licence plate, a VIN or a resident ID number",
    "locate": "The county and city containing a point (WGS-84 or GCJ-02)",
}
ANSWERS: dict[str, type[Schema] | Any] = {
    "liability": schemas.LiabilityOut,
    "eligibility": schemas.EligibilityOut,
    "settle": schemas.SettlementOut,
    "triage": schemas.TriageOut,
    "validate": schemas.IdentifierCheckOut,
    "locate": schemas.LocationOut,
}
# What an identifier can be at the longest once its spaces (and a plate's dots and dashes) are gone: a longer value
# is no such identifier at all, refused rather than checked (a 17-character VIN with a wrong check digit is checked).
LONGEST_IDENTIFIER = {"plate": 8, "vin": 17, "idcard": 18}
IDENTIFIER_NAMES = {
    "plate": ("号牌", "plate"),
    "vin": ("车架号", "VIN"),
    "idcard": ("身份证号码", "resident ID number"),
}


def _unreadable(error: RuleInputError) -> AppError:
    refusal = AppError.from_kernel(error, status=400)
    refusal.code = "invalid_json"
    return refusal


def read_document(request: HttpRequest) -> Any:
    """The body as the kernel's strict reader reads it, checked like every API body (core.inputs.check_tree)."""
    try:
        raw = request.body
    except RequestDataTooBig:
        raise AppError("too_large", "请求内容过大", "The request body is too large.", status=413) from None
    try:
        document = parse_document(raw)
    except RuleInputError as error:
        raise _unreadable(error) from None
    except RecursionError:
        raise too_deep() from None
    except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        raise AppError("invalid_json", "数字位数过多", "a number has too many digits", status=400) from None
    check_tree(document)
    return document


def decide(rule: Callable[[Any], dict[str, Any]], document: Any) -> dict[str, Any]:
    try:
        return rule(document)
    except RuleInputError as error:
        raise AppError.from_kernel(error) from None


def _identifier_document(document: Any) -> dict[str, Any]:
    """`validate`, refusing a value longer than any identifier of its kind can be (an 18-character VIN)."""
    kind = document.get("kind") if isinstance(document, dict) else None
    value = document.get("value") if isinstance(document, dict) else None
    if isinstance(kind, str) and kind in LONGEST_IDENTIFIER and isinstance(value, str):
        compact = normalize_plate(value) if kind == "plate" else "".join(value.split())
        longest, (zh, en) = LONGEST_IDENTIFIER[kind], IDENTIFIER_NAMES[kind]
        if len(compact) > longest:
            raise RuleInputError(
                "value", f"比任何{zh}都长（最多 {longest} 位）", f"longer than any {en} ({longest} at most)"
            )
    return validate_document(document)


def _locate_document(document: Any) -> dict[str, Any]:
    fields = Fields(document)
    lat, lon = float(number_from(fields.raw("lat"), "lat")), float(number_from(fields.raw("lon"), "lon"))
    crs = fields.text("crs", choices=CRS_CHOICES, default="wgs84")
    fields.done()
    try:
        return services.locate(lat, lon, crs=crs).as_dict()
    except services.BoundariesNotConfigured:
        raise AppError.translated(
            "boundaries_not_configured", _("County boundaries are not configured on this server."), status=503
        ) from None


DECISIONS: dict[str, Callable[[Any], dict[str, Any]]] = {
    **{name: RULES[name] for name in ("liability", "eligibility", "settle", "triage")},
    "validate": _identifier_document,
    "locate": _locate_document,
}


def _openapi(name: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": "A JSON document as `claimbridge rules` reads it on stdin (see README: the rules kernel)",
            "content": {"application/json": {"schema": {"type": "object"}, "example": EXAMPLES[name]}},
        }
    }


def _register(name: str) -> None:
    rule = DECISIONS[name]

    def endpoint(request: HttpRequest) -> dict[str, Any]:
        return decide(rule, read_document(request))

    endpoint.__name__ = f"rules_{name}"
    extra_errors: dict[int, Any] = {413: ErrorOut, **({503: ErrorOut} if name == "locate" else {})}
    router.add_api_operation(
        f"/{name}",
        ["POST"],
        endpoint,
        response=responses({200: ANSWERS[name], **extra_errors}),
        summary=SUMMARIES[name],
        openapi_extra=_openapi(name),
        operation_id=f"rules_{name}",
        url_name="locate" if name == "locate" else f"rules_{name}",  # the phone's page reverses "api:locate"
    )


@router.get(
    "/circumstances",
    response=responses({200: schemas.CatalogueOut}),
    summary="The circumstance catalogue in force today (or on ?date=YYYY-MM-DD)",
)
def circumstances(request: HttpRequest, date: str | None = None) -> dict[str, Any]:
    return decide(RULES["circumstances"], {"date": date} if date else {})


for _name in SUMMARIES:
    _register(_name)
