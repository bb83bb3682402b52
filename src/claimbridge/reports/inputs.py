"""What a dashboard, an export or an API caller asks for, read from query parameters into a `FigureQuery` (issue 17).

Parameters (all optional; the current quarter when no period is given):

- `period`: a quarter `2026-Q3` or a month `2026-07`; or `first` and `last`, months `YYYY-MM` (the last included).
  Periods run from `EARLIEST` (the year the integration began) and span at most `MAX_MONTHS`.
- `city`, `county`: administrative codes (`621200`, `621202`); `insurer`: a company's code (`maiji`);
  `claims_unit`: a claims unit's id; `channel`: `driver`, `adjuster` or `hotline`; `by`: a grouping of
  `selectors.GROUPINGS`.

Every refusal is an `AppError` (422) naming its field, in Chinese and English: a page shows each next to its field,
the API answers the first. Whether the reader may see what was asked is not decided here but by the selectors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from claimbridge.cases.models import Channel
from claimbridge.core.errors import AppError
from claimbridge.organisations.models import City, ClaimsUnit, County, Insurer
from claimbridge.reports.selectors import GROUPINGS, FigureQuery

EARLIEST = date(2023, 1, 1)  # the integration is in force since 15 August 2023
MAX_MONTHS = 60  # five years
FIELDS = ("period", "first", "last", "city", "county", "insurer", "claims_unit", "channel", "by")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")
_CODE = re.compile(r"\d{6}")
_SLUG = re.compile(r"[a-z0-9_-]{1,20}")
_ID = re.compile(r"[1-9]\d{0,9}")
MAX_LENGTH = 40  # longer than any valid value


class QueryInvalid(AppError):
    """Several refusals at once, one per field; as an AppError it is the first."""

    def __init__(self, errors: dict[str, AppError]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first.code, first.zh, first.en, status=first.status, field=first.field)
        self.errors = errors


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def months(self) -> int:
        return months_between(self.first, self.last)


def months_between(first: date, last: date) -> int:
    """How many months from `first` to `last`, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def quarter_of(day: date) -> Period:
    first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return Period(first, add_months(first, 2))


def current_quarter(today: date | None = None) -> Period:
    return quarter_of(today or timezone.localdate())


def period_code(period: Period) -> str:
    """`2026-Q3` for a calendar quarter, `2026-07` for one month, `2026-01..2026-06` otherwise."""
    if period.first == period.last:
        return f"{period.first:%Y-%m}"
    if period.first.month % 3 == 1 and period.last == add_months(period.first, 2):
        return f"{period.first.year}-Q{(period.first.month - 1) // 3 + 1}"
    return f"{period.first:%Y-%m}..{period.last:%Y-%m}"


def _error(code: str, message: str | Promise, field: str, **params: Any) -> AppError:
    return AppError.translated(code, message, field=field, **params)


def _month(text: str, field: str) -> date:
    found = _MONTH.fullmatch(text)
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
        raise _error("bad_month", _("Give a month as YYYY-MM, e.g. 2026-07."), field)
    return date(int(found.group(1)), int(found.group(2)), 1)


def _period(text: str) -> Period:
    quarter = _QUARTER.fullmatch(text)
    if quarter is not None and int(quarter.group(1)) >= 1:
        first = date(int(quarter.group(1)), (int(quarter.group(2)) - 1) * 3 + 1, 1)
        return Period(first, add_months(first, 2))
    if _MONTH.fullmatch(text):
        month = _month(text, "period")
        return Period(month, month)
    raise _error("bad_period", _("Give a quarter as YYYY-Qn (e.g. 2026-Q3) or a month as YYYY-MM."), "period")


def read_period(params: Mapping[str, str], *, today: date | None = None) -> Period:
    """The period asked for: `period`, or `first` and `last`, or the current quarter."""
    today = today or timezone.localdate()
    text, first_text, last_text = (_text(params, name) for name in ("period", "first", "last"))
    if text and (first_text or last_text):
        raise _error("period_twice", _("Give a period or a first and last month, not both."), "period")
    if text:
        period = _period(text)
        field = "period"
    elif first_text or last_text:
        first = _month(first_text, "first") if first_text else None
        last = _month(last_text, "last") if last_text else None
        if first is None:
            raise _error("first_missing", _("Give the first month too."), "first")
        period = Period(first, last or first)
        field = "last"
        if period.last < period.first:
            raise _error("last_before_first", _("The last month comes before the first."), "last")
    else:
        return current_quarter(today)
    start = "period" if field == "period" else "first"
    if period.first < EARLIEST:
        raise _error("period_too_early", _("Figures begin in %(year)s."), start, year=EARLIEST.year)
    if period.first > today.replace(day=1):
        raise _error("period_not_begun", _("That period has not begun yet."), start)
    if period.months > MAX_MONTHS:
        raise _error("period_too_long", _("A period spans at most %(years)s years."), field, years=MAX_MONTHS // 12)
    return period


def _text(params: Mapping[str, str], name: str) -> str:
    value = params.get(name) or ""
    if not isinstance(value, str):  # pragma: no cover - a QueryDict gives strings
        value = str(value)
    return value.strip()


def _checked_length(params: Mapping[str, str]) -> dict[str, AppError]:
    return {name: _error("too_long", _("This value is too long."), name)
            for name in FIELDS if len(_text(params, name)) > MAX_LENGTH}  # fmt: skip


def read_query(
    params: Mapping[str, str], *, today: date | None = None
) -> tuple[FigureQuery | None, dict[str, AppError]]:
    """The query asked for, or None with every refusal by field."""
    errors = _checked_length(params)
    if errors:
        return None, errors
    period: Period | None = None
    try:
        period = read_period(params, today=today)
    except AppError as error:
        errors[error.field] = error
    values: dict[str, int | str | None] = {}
    for name, reader in (("city", _city), ("county", _county), ("insurer", _insurer), ("claims_unit", _claims_unit),
                         ("channel", _channel), ("by", _grouping)):  # fmt: skip
        text = _text(params, name)
        if not text:
            values[name] = "" if name == "by" else None
            continue
        try:
            values[name] = reader(text)
        except AppError as error:
            errors[name] = error
    city_id, county_id = _id(values.get("city")), _id(values.get("county"))
    if city_id is not None and county_id is not None and "county" not in errors and not _in_city(county_id, city_id):
        errors["county"] = _error("county_not_in_city", _("That county or district is not in this city."), "county")
    if errors or period is None:
        return None, errors
    query = FigureQuery(first=period.first, last=period.last, city=_id(values["city"]), county=_id(values["county"]),
                        insurer=_id(values["insurer"]), claims_unit=_id(values["claims_unit"]),
                        channel=str(values["channel"]) if values["channel"] else None, by=str(values["by"] or ""))  # fmt: skip
    return query, {}


def figure_query(params: Mapping[str, str], *, today: date | None = None) -> FigureQuery:
    """The query asked for; `QueryInvalid` (an AppError, 422) when anything is wrong."""
    query, errors = read_query(params, today=today)
    if query is None:
        raise QueryInvalid(errors)
    return query


def _in_city(county_id: int, city_id: int) -> bool:
    return County.objects.filter(pk=county_id, city_id=city_id).exists()


def _id(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _city(text: str) -> int:
    found = City.objects.filter(code=text).values_list("pk", flat=True).first() if _CODE.fullmatch(text) else None
    if found is None:
        raise _error("unknown_city", _("There is no city with this code (e.g. 621200 Longnan, 620500 Tianshui)."),
                     "city")  # fmt: skip
    return found


def _county(text: str) -> int:
    found = County.objects.filter(code=text).values_list("pk", flat=True).first() if _CODE.fullmatch(text) else None
    if found is None:
        raise _error("unknown_county", _("There is no county or district with this code (e.g. 621202)."), "county")
    return found


def _insurer(text: str) -> int:
    found = Insurer.objects.filter(code=text).values_list("pk", flat=True).first() if _SLUG.fullmatch(text) else None
    if found is None:
        raise _error("unknown_insurer", _("There is no insurer with this code."), "insurer")
    return found


def _claims_unit(text: str) -> int:
    if not _ID.fullmatch(text):
        raise _error("bad_claims_unit", _("Give the claims unit by its number."), "claims_unit")
    found = ClaimsUnit.objects.filter(pk=int(text)).values_list("pk", flat=True).first()
    if found is None:
        raise _error("unknown_claims_unit", _("There is no such claims unit."), "claims_unit")
    return found


def _channel(text: str) -> str:
    if text not in Channel.values:
        raise _error("unknown_channel", _("The channel is driver, adjuster or hotline."), "channel")
    return text


def _grouping(text: str) -> str:
    if text not in GROUPINGS:
        raise _error("unknown_grouping", _("Group by one of: %(groupings)s."), "by", groupings=", ".join(GROUPINGS))
    return text
