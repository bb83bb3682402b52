"""/api/v1/rules/…: every rule of the kernel over HTTP, taking the same JSON as the command line (B2, B3).

Public and stateless: the rules are the plan's, they hold no personal data, and insurers' systems call them
before any case exists. Errors are the kernel's: 400 for a body that is not JSON, 422 for values that cannot be
decided on, each with the field and the message in Chinese and English.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import Router

from claimbridge.core.errors import error_body as core_error_body
from claimbridge.rulebook import services
from claimbridge.rules.common import RuleInputError
from claimbridge.rules.documents import RULES, validate_document
from claimbridge.rules.geography import CRS_CHOICES
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


def _respond(request: HttpRequest, decide: Callable[[Any], dict[str, Any]]) -> JsonResponse:
    try:
        document = parse_document(request.body)
    except RuleInputError as error:
        return JsonResponse(
            _with_code(services.error_body(error), "invalid_json"),
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    try:
        result = decide(document)
    except RuleInputError as error:
        return JsonResponse(services.error_body(error), status=422, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(result, json_dumps_params={"ensure_ascii": False})


def _with_code(body: dict[str, dict[str, str]], code: str) -> dict[str, dict[str, str]]:
    body["error"]["code"] = code
    return body


def _openapi(name: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}, "example": EXAMPLES[name]}},
        }
    }


def _locate_document(document: Any) -> dict[str, Any]:
    fields = Fields(document)
    lat, lon = float(number_from(fields.raw("lat"), "lat")), float(number_from(fields.raw("lon"), "lon"))
    crs = fields.text("crs", choices=CRS_CHOICES, default="wgs84")
    fields.done()
    return services.locate(lat, lon, crs=crs).as_dict()


@router.get("/circumstances", summary="The circumstance catalogue in force today (or on ?date=YYYY-MM-DD)")
def circumstances(request: HttpRequest, date: str | None = None) -> JsonResponse:
    return _respond_with(lambda: RULES["circumstances"]({"date": date} if date else {}))


def _respond_with(produce: Callable[[], dict[str, Any]]) -> JsonResponse:
    try:
        return JsonResponse(produce(), json_dumps_params={"ensure_ascii": False})
    except RuleInputError as error:
        return JsonResponse(services.error_body(error), status=422, json_dumps_params={"ensure_ascii": False})


def _register(name: str, decide: Callable[[Any], dict[str, Any]]) -> None:
    def endpoint(request: HttpRequest) -> JsonResponse:
        return _respond(request, decide)

    endpoint.__name__ = f"rules_{name}"
    router.add_api_operation(
        f"/{name}",
        ["POST"],
        endpoint,
        summary=SUMMARIES[name],
        openapi_extra=_openapi(name),
        operation_id=f"rules_{name}",
    )


for _name in ("liability", "eligibility", "settle", "triage"):
    _register(_name, RULES[_name])
_register("validate", validate_document)


@router.post("/locate", summary=SUMMARIES["locate"], openapi_extra=_openapi("locate"))
def locate(request: HttpRequest) -> JsonResponse:
    try:
        return _respond(request, _locate_document)
    except services.BoundariesNotConfigured:
        body = core_error_body("boundaries_not_configured", _("County boundaries are not configured on this server."))
        return JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
