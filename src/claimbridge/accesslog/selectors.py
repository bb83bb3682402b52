"""Reading the access log (issue 20 item 4; B8, R17, R19): who looked at a case's personal data, for the holders of
that data, and an organisation's list with filters — both through the scope (`accounts/scope.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from claimbridge.accesslog import errors
from claimbridge.accesslog.models import AccessRecord, Action, Purpose
from claimbridge.accounts.models import Role
from claimbridge.accounts.scope import scope_for

LIST_LIMIT = 500

# A purpose as the log names it: the menu's prompt ("other (say why)") is for choosing, the log says what it was.
PURPOSE_SHORT = {Purpose.OTHER.value: _lazy("other")}


def purpose_label(purpose: str) -> str:
    """A purpose in the reader's language, short: "其他", not the menu's "其他（请说明原因）"."""
    if purpose in PURPOSE_SHORT:
        return str(PURPOSE_SHORT[purpose])
    return str(Purpose(purpose).label) if purpose in Purpose.values else purpose


def purpose_choices() -> list[tuple[str, str]]:
    """The purposes for the list's filter, with the log's short labels."""
    return [(value, purpose_label(value)) for value in Purpose.values]


@dataclass(frozen=True)
class Entry:
    """One record as its reader may read it: the actor named only to their own organisation (`Scope.knows_actor`)."""

    at: datetime
    who: str
    organisation: str
    role: str
    action: str
    action_text: str
    what: str
    case_number: str
    party_label: str
    object_ref: str
    purpose: str
    purpose_text: str
    note: str
    rows: int | None
    route: str
    request_id: str


def _field_words(what: str) -> str:
    """ "cases.CaseParty.driver_name,driver_phone" → "driver, mobile" (the fields' own names); anything else as it is."""
    words = []
    model = None
    for part in what.split(","):
        pieces = part.strip().split(".")
        if len(pieces) == 3:
            try:
                model = apps.get_model(pieces[0], pieces[1])
            except LookupError:
                model = None
            pieces = pieces[2:]
        if model is not None and len(pieces) == 1:
            try:
                words.append(str(model._meta.get_field(pieces[0]).verbose_name))
                continue
            except FieldDoesNotExist:
                pass
        words.append(part.strip())
    return _(", ").join(words) if words else what


def entry(record: AccessRecord, *, scope: Any) -> Entry:
    role = Role(record.actor_role).label if record.actor_role in Role.values else record.actor_role
    if record.actor_id is None and record.actor_label.startswith("subject:"):  # a person's own copy (decision 0030)
        who = _("the person themself")
    elif record.actor_id is None and record.actor_label.startswith("phone:"):
        who = _("the phone of party %(label)s") % {"label": record.actor_label.removeprefix("phone:")}
    elif record.actor_id is None:
        who = record.actor_label or _("the system")
    elif scope.knows_actor(record):
        who = getattr(record.actor, "username", "")
    else:
        who = _("a member of staff")
    return Entry(
        at=record.at, who=who, organisation=record.actor_organisation, role=str(role or ""), action=record.action,
        action_text=str(Action(record.action).label), what=_field_words(record.what), case_number=record.case_number,
        party_label=record.party_label, object_ref=record.object_ref, purpose=record.purpose,
        purpose_text=purpose_label(record.purpose), note=record.purpose_note, rows=record.rows,
        route=record.route, request_id=record.request_id,
    )  # fmt: skip


def case_access_log_for_user(*, user: Any, number: str) -> tuple[Any, list[Entry]] | None:
    """(the case, who looked at its personal data, newest first) for a holder of the case's data; None for anyone
    else — the same answer as for a case that does not exist."""
    from claimbridge.cases.models import Case

    case = Case.objects.filter(number=number[:24]).select_related("city").first()
    if case is None:
        return None
    scope = scope_for(user)
    if not scope.may_read_access_log(case, case.parties.all()):
        return None
    records = (AccessRecord.objects.filter(case_id=case.pk).select_related("actor", "actor_association")
               .order_by("-at", "-pk")[:LIST_LIMIT])  # fmt: skip
    return case, [entry(record, scope=scope) for record in records]


def may_read_case_log(*, user: Any, case: Any) -> bool:
    return scope_for(user).may_read_access_log(case, case.parties.all())


@dataclass(frozen=True)
class Filters:
    action: str = ""
    purpose: str = ""
    case_number: str = ""
    who: str = ""  # a username of the reader's own organisation
    first: date | None = None
    last: date | None = None

    @property
    def any(self) -> bool:
        """Whether any filter is set (an empty list then means nothing matched, not that nobody looked)."""
        return any((self.action, self.purpose, self.case_number, self.who, self.first, self.last))


def read_filters(query: Any) -> tuple[Filters, list[Any]]:
    """The list's filters as typed, and what is wrong with them (`AppError`s naming their field): a day that does
    not exist, a first day after the last, an action or a purpose not in the lists. A wrong filter is left out of
    the filters, never silently applied as something else."""
    problems: list[Any] = []

    def day(name: str) -> date | None:
        typed = str(query.get(name, "")).strip()
        if not typed:
            return None
        try:
            return date.fromisoformat(typed[:10])
        except ValueError:
            problems.append(errors.day_invalid(name))
            return None

    action = str(query.get("action", "")).strip()
    purpose = str(query.get("purpose", "")).strip()
    if action and action not in Action.values:
        problems.append(errors.action_unknown())
        action = ""
    if purpose and purpose not in Purpose.values:
        problems.append(errors.purpose_filter_unknown())
        purpose = ""
    first, last = day("from"), day("to")
    if first and last and first > last:
        problems.append(errors.days_reversed())
    filters = Filters(action=action, purpose=purpose, case_number=str(query.get("case", "")).strip()[:24],
                      who=str(query.get("who", "")).strip()[:150], first=first, last=last)  # fmt: skip
    return filters, problems


def filters_from(query: Any) -> Filters:
    """The list's filters as typed, without what is wrong with them (`read_filters` says)."""
    return read_filters(query)[0]


def _records_for_user(*, user: Any, filters: Filters) -> QuerySet[AccessRecord]:
    scope = scope_for(user)
    records = AccessRecord.objects.filter(scope.access_records_q())
    if filters.action:
        records = records.filter(action=filters.action)
    if filters.purpose:
        records = records.filter(purpose=filters.purpose)
    if filters.case_number:
        records = records.filter(case_number=filters.case_number)
    if filters.who:  # only among the people the reader may name: another company's people are not found by name
        named = [r.pk for r in records.filter(actor__username=filters.who).select_related("actor_association")
                 if scope.knows_actor(r)]  # fmt: skip
        records = records.filter(pk__in=named)
    china = timezone.get_current_timezone()
    if filters.first:
        records = records.filter(at__gte=datetime.combine(filters.first, time.min, tzinfo=china))
    if filters.last:
        records = records.filter(at__lt=datetime.combine(filters.last + timedelta(days=1), time.min, tzinfo=china))
    return records


def access_records_for_user(*, user: Any, filters: Filters) -> list[Entry]:
    """The organisation's list, newest first (at most LIST_LIMIT rows), cut by the scope and the filters."""
    scope = scope_for(user)
    records = _records_for_user(user=user, filters=filters).select_related("actor", "actor_association")
    return [entry(record, scope=scope) for record in records.order_by("-at", "-pk")[:LIST_LIMIT]]
