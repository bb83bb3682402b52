"""Web forms for the rule pages: they gather what a person types; the kernel decides and explains."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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


def _money(label: Any, *, initial: str = "0") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_digits=14, decimal_places=2, initial=initial, required=False
    )


class SettlementForm(forms.Form):
    accident_date = forms.DateField(label=_("Accident date"), widget=forms.DateInput(attrs={"type": "date"}))
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

    def error_list(self) -> list[str]:
        """Every field error as one readable line, vehicle named: the result area shows them beside the button."""
        lines = []
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            label = self.fields[name].label
            if name[:2] in {f"{vid}_" for vid in VEHICLE_IDS}:
                label = _("Vehicle %(id)s · %(field)s") % {"id": name[0], "field": label}
            lines.append(f"{label}: {' '.join(str(error) for error in errors)}")
        return lines

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
