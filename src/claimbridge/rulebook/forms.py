"""Web forms for the rule pages: they gather what a person types; the kernel decides and explains."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.core.forms import YuanField
from claimbridge.core.widgets import IsoDateInput
from claimbridge.policies.rows import EARLIEST, LATEST
from claimbridge.rules.circumstances import Catalogue

LIABILITY_CHOICES = [
    ("", _("— not involved —")),
    ("full", _("Full (100%)")),
    ("primary", _("Primary (70%)")),
    ("equal", _("Equal (50%)")),
    ("secondary", _("Secondary (30%)")),
    ("none", _("None (0%)")),
]
VEHICLE_IDS = ("A", "B", "C", "D")


class LiabilityForm(forms.Form):
    """Each party picks the circumstance that describes what it did, or none."""

    def __init__(self, *args: Any, catalogue: Catalogue, english: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("None of these"))] + [
            (str(number), f"{number}. {item.text.en if english else item.text.zh}")
            for number, item in catalogue.items.items()
        ]
        self.fields["party_a"] = forms.ChoiceField(label=_("Party A did"), choices=choices, required=False)
        self.fields["party_b"] = forms.ChoiceField(label=_("Party B did"), choices=choices, required=False)
        self.fields["item_21_confirmed"] = forms.BooleanField(
            label=_("Both parties confirm item 21 (or the police decided online)"), required=False
        )

    def document(self) -> dict[str, Any]:
        data = self.cleaned_data

        def numbers(value: str) -> list[int]:
            return [int(value)] if value else []

        return {
            "circumstances": {"A": numbers(data["party_a"]), "B": numbers(data["party_b"])},
            "item_21_confirmed": data["item_21_confirmed"],
        }


def _money(label: Any, *, initial: str = "0") -> YuanField:
    """Yuan with two decimals, up to the platform's ceiling (settings.MONEY_MAX_YUAN), read as typed money is read
    everywhere ("12,000元" is 12000; "12,00" is refused)."""
    return YuanField(label=label, initial=initial, required=False)


def accident_date_not_in_the_future(day: date) -> date:
    """An accident has happened: a date after today (China time) is refused. How far back the rules go is the
    kernel's to say (its catalogue and 交强险 limits have first dates)."""
    if day > timezone.localdate():
        raise forms.ValidationError(_("An accident date cannot be in the future."))
    return day


def plausible_policy_day(day: date | None) -> date | None:
    """A policy date in the years policies are written for (the register's EARLIEST to LATEST)."""
    if day is not None and not EARLIEST.date() <= day < LATEST.date():
        raise forms.ValidationError(
            _("Give a date between %(first)s and %(last)s."),
            params={"first": EARLIEST.year, "last": LATEST.year - 1},
        )
    return day


@dataclass(frozen=True)
class FieldError:
    """One field's refusal as the summary beside the button shows it: a link to the field, which is marked too."""

    anchor: str
    text: str


def field_errors(form: forms.Form, groups: tuple[str, ...], group_label: Any) -> list[FieldError]:
    """Every field error as one readable line with its field's id, the vehicle or party named (`group_label` has
    `%(id)s` and `%(field)s`)."""
    lines = []
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        label = form.fields[name].label
        if name[:2] in {f"{group}_" for group in groups}:
            label = group_label % {"id": name[0], "field": label}
        lines.append(FieldError(form[name].id_for_label, f"{label}: {' '.join(str(error) for error in errors)}"))
    return lines


class SettlementForm(forms.Form):
    accident_date = forms.DateField(label=_("Accident date"), widget=IsoDateInput())
    no_fault_proxy = forms.BooleanField(label=_("Apply no-fault proxy (无责代赔)"), required=False, initial=True)
    mutual_self_compensation = forms.ChoiceField(
        label=_("Mutual self-compensation (互碰自赔)"),
        choices=[("auto", _("When its conditions hold")), ("false", _("Never"))],
        initial="auto",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for vid in VEHICLE_IDS:
            self.fields[f"{vid}_liability"] = forms.ChoiceField(
                label=_("Liability"), choices=LIABILITY_CHOICES, required=False, initial="" if vid in "CD" else None
            )
            self.fields[f"{vid}_ctpl_units"] = forms.TypedChoiceField(
                label=_("交强险"),
                choices=[(1, _("Insured")), (2, _("Tractor and insured trailer")), (0, _("Not insured"))],
                coerce=int,
                initial=1,
            )
            self.fields[f"{vid}_third_party_limit"] = _money(_("Commercial third-party limit"), initial="1000000")
            self.fields[f"{vid}_own_damage"] = forms.BooleanField(
                label=_("Own-damage cover"), required=False, initial=True
            )
            self.fields[f"{vid}_vehicle"] = _money(_("Vehicle damage"))
            self.fields[f"{vid}_other_property"] = _money(_("Goods carried"))
            self.fields[f"{vid}_medical"] = _money(_("Occupants' medical costs"))
            self.fields[f"{vid}_death_disability"] = _money(_("Occupants' death and disability"))
            self.fields[f"{vid}_salvage"] = _money(_("Salvage value"))

    def clean_accident_date(self) -> date:
        return accident_date_not_in_the_future(self.cleaned_data["accident_date"])

    def error_list(self) -> list[FieldError]:
        return field_errors(self, VEHICLE_IDS, _("Vehicle %(id)s · %(field)s"))

    def vehicles(self) -> list[dict[str, Any]]:
        """Rows for the template: each vehicle's bound fields."""
        names = ("liability", "ctpl_units", "third_party_limit", "own_damage", "vehicle", "other_property", "medical",
                 "death_disability", "salvage")  # fmt: skip
        return [{"id": vid, "fields": [self[f"{vid}_{name}"] for name in names]} for vid in VEHICLE_IDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if sum(1 for vid in VEHICLE_IDS if data.get(f"{vid}_liability")) < 1:
            raise forms.ValidationError(_("Give the liability of at least one vehicle."))
        return data

    def document(self) -> dict[str, Any]:
        data = self.cleaned_data
        vehicles = []
        for vid in VEHICLE_IDS:
            if not data.get(f"{vid}_liability"):
                continue
            losses = {
                name: str(data.get(f"{vid}_{name}") or 0)
                for name in ("vehicle", "other_property", "medical", "death_disability", "salvage")
            }
            vehicles.append(
                {
                    "id": vid,
                    "liability": data[f"{vid}_liability"],
                    "ctpl_units": data[f"{vid}_ctpl_units"],
                    "third_party_limit": str(data.get(f"{vid}_third_party_limit") or 0),
                    "own_damage": data[f"{vid}_own_damage"],
                    "losses": losses,
                }
            )
        return {
            "accident_date": data["accident_date"].isoformat(),
            "no_fault_proxy": data["no_fault_proxy"],
            "mutual_self_compensation": "auto" if data["mutual_self_compensation"] == "auto" else False,
            "vehicles": vehicles,
        }


PARTY_IDS = ("A", "B")
COVER_PLACES = [
    ("621200", _("Longnan")),
    ("620500", _("Tianshui")),
    ("other", _("Elsewhere")),
    ("", _("Not insured")),
]


def annual_policy_start(end: date) -> date:
    """An annual policy ending on `end` started the day after the same date a year earlier."""
    try:
        previous = end.replace(year=end.year - 1)
    except ValueError:  # 29 February
        previous = end.replace(year=end.year - 1, day=28)
    return previous + timedelta(days=1)


class EligibilityForm(forms.Form):
    """A driver's self-check for 快处易赔: the facts of the accident and of each party, in plain questions."""

    accident_date = forms.DateField(label=_("Accident date"), widget=IsoDateInput())
    vehicle_count = forms.IntegerField(label=_("Vehicles involved"), min_value=1, max_value=99, initial=2)
    all_motor_vehicles = forms.BooleanField(label=_("All of them are motor vehicles"), required=False, initial=True)
    damage = forms.ChoiceField(
        label=_("Damage"),
        choices=[
            ("minor_exterior", _("Light damage to the body only")),
            ("major", _("More than light body damage")),
            ("unknown", _("Not sure")),
        ],
    )
    casualties = forms.BooleanField(label=_("Someone is injured or killed"), required=False)
    third_party_property_damage = forms.BooleanField(label=_("Someone else's property is damaged"), required=False)
    facility_damage = forms.BooleanField(label=_("A road facility or building is damaged"), required=False)
    vehicle_immobile = forms.BooleanField(label=_("A vehicle cannot be moved"), required=False)
    facts_disputed = forms.BooleanField(label=_("We disagree about what happened"), required=False)
    dangerous_goods = forms.BooleanField(label=_("A vehicle carries dangerous goods"), required=False)
    intentional_suspected = forms.BooleanField(label=_("It may have been done on purpose"), required=False)
    party_left_scene = forms.BooleanField(label=_("A party has left the scene"), required=False)

    def __init__(
        self, *args: Any, catalogue: Catalogue, english: bool, insurers: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        circumstances = [("", _("None of these"))] + [
            (str(n), f"{n}. {item.text.en if english else item.text.zh}") for n, item in catalogue.items.items()
        ]
        insurer_choices = [("", _("— choose —")), *insurers, ("other", _("Another insurer"))]
        for pid in PARTY_IDS:
            self.fields[f"{pid}_plate"] = forms.CharField(label=_("Plate number"), max_length=12)
            self.fields[f"{pid}_insurer"] = forms.ChoiceField(label=_("Insurer"), choices=insurer_choices)
            self.fields[f"{pid}_circumstance"] = forms.ChoiceField(
                label=_("What this party did"), choices=circumstances, required=False
            )
            self.fields[f"{pid}_driver_licensed"] = forms.BooleanField(
                label=_("The driver holds a valid licence for this vehicle"), required=False, initial=True
            )
            self.fields[f"{pid}_impairment_suspected"] = forms.BooleanField(
                label=_("The driver may have been drinking or taking drugs"), required=False
            )
            self.fields[f"{pid}_inspection_valid"] = forms.BooleanField(
                label=_("The vehicle's inspection is valid"), required=False, initial=True
            )
            for cover, label in (
                ("ctpl", _("交强险 written in")),
                ("third_party", _("Commercial third-party written in")),
            ):
                self.fields[f"{pid}_{cover}_city"] = forms.ChoiceField(
                    label=label, choices=COVER_PLACES, required=False
                )
                self.fields[f"{pid}_{cover}_end"] = forms.DateField(
                    label=_("Policy ends on"), required=False, widget=IsoDateInput()
                )
            self.fields[f"{pid}_photos"] = forms.IntegerField(
                label=_("Scene photos taken"), min_value=0, max_value=99, initial=0
            )
            self.fields[f"{pid}_videos"] = forms.IntegerField(
                label=_("Scene videos taken"), min_value=0, max_value=99, initial=0
            )

    def error_list(self) -> list[FieldError]:
        return field_errors(self, PARTY_IDS, _("Party %(id)s · %(field)s"))

    def parties(self) -> list[dict[str, Any]]:
        names = ("plate", "insurer", "circumstance", "driver_licensed", "impairment_suspected", "inspection_valid",
                 "ctpl_city", "ctpl_end", "third_party_city", "third_party_end", "photos", "videos")  # fmt: skip
        return [{"id": pid, "fields": [self[f"{pid}_{name}"] for name in names]} for pid in PARTY_IDS]

    def clean_accident_date(self) -> date:
        return accident_date_not_in_the_future(self.cleaned_data["accident_date"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for pid in PARTY_IDS:
            for cover in ("ctpl", "third_party"):
                name = f"{pid}_{cover}_end"
                try:
                    plausible_policy_day(data.get(name))
                except forms.ValidationError as error:
                    self.add_error(name, error)
                    continue
                if data.get(f"{pid}_{cover}_city") and not data.get(f"{pid}_{cover}_end"):
                    self.add_error(f"{pid}_{cover}_end", _("Give the day the policy ends."))
        return data

    def document(self, insurer_cities: dict[str, list[str]]) -> dict[str, Any]:
        """The kernel's eligibility input. A policy is taken to run a year, ending on the day given."""
        data = self.cleaned_data
        parties = []
        for pid in PARTY_IDS:
            policies = []
            for cover in ("ctpl", "third_party"):
                city, end = data.get(f"{pid}_{cover}_city"), data.get(f"{pid}_{cover}_end")
                if city and end:
                    start = annual_policy_start(end)
                    policies.append({"type": cover, "city": "000000" if city == "other" else city,
                                     "start": start.isoformat(), "end": end.isoformat()})  # fmt: skip
            parties.append(
                {
                    "id": pid,
                    "plate": data[f"{pid}_plate"],
                    "driver_licensed": data[f"{pid}_driver_licensed"],
                    "impairment_suspected": data[f"{pid}_impairment_suspected"],
                    "inspection_valid": data[f"{pid}_inspection_valid"],
                    "insurer": data[f"{pid}_insurer"],
                    "insurer_city_branches": insurer_cities.get(data[f"{pid}_insurer"], []),
                    "policies": policies,
                    "evidence": {"photos": data[f"{pid}_photos"], "videos": data[f"{pid}_videos"]},
                }
            )
        return {
            "accident": {
                "date": data["accident_date"].isoformat(),
                "vehicle_count": data["vehicle_count"],
                "all_motor_vehicles": data["all_motor_vehicles"],
                "casualties": data["casualties"],
                "third_party_property_damage": data["third_party_property_damage"],
                "facility_damage": data["facility_damage"],
                "vehicles_drivable": not data["vehicle_immobile"],
                "damage": data["damage"],
                "circumstances": {
                    pid: [int(data[f"{pid}_circumstance"])] if data[f"{pid}_circumstance"] else [] for pid in PARTY_IDS
                },
                "facts_disputed": data["facts_disputed"],
                "dangerous_goods": data["dangerous_goods"],
                "intentional_suspected": data["intentional_suspected"],
                "party_left_scene": data["party_left_scene"],
            },
            "parties": parties,
        }
