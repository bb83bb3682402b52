"""People who use the platform, their role, and the organisation that scopes what they see (B8)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claimbridge.core import crypto
from claimbridge.core.fields import EncryptedTextField
from claimbridge.core.masking import mask_name, mask_phone
from claimbridge.organisations.models import (
    AntiFraudCommittee,
    Association,
    Branch,
    ClaimsUnit,
    Insurer,
    TrafficPoliceUnit,
)


class Role(models.TextChoices):
    DRIVER = "driver", _("driver")
    ADJUSTER = "adjuster", _("adjuster")
    INSURER_STAFF = "insurer_staff", _("insurer staff")
    ASSOCIATION_STAFF = "association_staff", _("association staff")
    ANTIFRAUD_MEMBER = "antifraud_member", _("anti-fraud committee member")
    REGULATOR = "regulator", _("regulator")
    PLATFORM_ADMIN = "platform_admin", _("platform administrator")
    TRAFFIC_POLICE = "traffic_police", _("traffic police")


INSURER_ROLES = frozenset({Role.ADJUSTER, Role.INSURER_STAFF})


class User(AbstractUser):
    # Names and phones are personal data: stored encrypted, looked up through a blind index, shown masked.
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = EncryptedTextField(_("full name"), blank=True)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # When `is_active` last went off (save() keeps it): the account retention's clock (decision 0028). Cleared when
    # the account is active again.
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True, editable=False)

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.DRIVER)
    approval_limit = models.DecimalField(
        _("approval limit (yuan)"), max_digits=12, decimal_places=2, default=0,
        help_text=_("Insurer staff approve claim payments up to this amount; above it a colleague with a higher limit approves."),
    )  # fmt: skip
    insurer = models.ForeignKey(
        Insurer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("insurer"),
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("branch"),
        help_text=_("For insurer staff who act for one branch and everything under it."),
    )
    claims_unit = models.ForeignKey(
        ClaimsUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("claims unit"),
        help_text=_("For insurer staff who act for one claims unit, and an adjuster's home unit."),
    )
    association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("association"),
    )
    committee = models.ForeignKey(
        AntiFraudCommittee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("anti-fraud committee"),
    )
    police_unit = models.ForeignKey(
        TrafficPoliceUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("traffic police unit"),
        help_text=_("For traffic police staff: the unit whose accident records they load and read (R20)."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def save(self, *args: object, **kwargs: object) -> None:
        self.phone_index = phone_blind_index(self.phone) if self.phone else ""
        if self.is_active:
            self.deactivated_at = None
        elif self.deactivated_at is None:
            self.deactivated_at = timezone.now()
        fields = kwargs.get("update_fields")
        if fields is not None and "is_active" in fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*fields, "deactivated_at"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def masked_name(self) -> str:
        return mask_name(self.full_name or self.username)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        errors = role_scope_errors(self)
        if errors:
            raise ValidationError(errors)


def phone_blind_index(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return crypto.blind_index(digits, purpose="phone")


def role_scope_errors(user: User) -> dict[str, str]:
    """What is wrong with the organisation fields for the user's role (each role is scoped by exactly one)."""
    errors: dict[str, str] = {}
    role = user.role
    if role in INSURER_ROLES:
        if user.insurer_id is None:
            errors["insurer"] = str(_("Adjusters and insurer staff belong to an insurer."))
        if user.branch_id and user.claims_unit_id:
            errors["branch"] = str(_("Give either a branch or a claims unit, not both."))
        if user.branch_id and user.insurer_id and user.branch and user.branch.insurer_id != user.insurer_id:
            errors["branch"] = str(_("This branch belongs to another insurer."))
        if (
            user.claims_unit_id
            and user.insurer_id
            and user.claims_unit
            and user.claims_unit.branch.insurer_id != user.insurer_id
        ):
            errors["claims_unit"] = str(_("This claims unit belongs to another insurer."))
        if role == Role.ADJUSTER and user.branch_id:
            errors["branch"] = str(_("An adjuster belongs to a claims unit, not a branch."))
    elif user.insurer_id or user.branch_id or user.claims_unit_id:
        errors["insurer"] = str(_("Only adjusters and insurer staff belong to an insurer."))
    if role == Role.ASSOCIATION_STAFF and user.association_id is None:
        errors["association"] = str(_("Association staff belong to an association."))
    if role != Role.ASSOCIATION_STAFF and user.association_id:
        errors["association"] = str(_("Only association staff belong to an association."))
    if role == Role.ANTIFRAUD_MEMBER and user.committee_id is None:
        errors["committee"] = str(_("Committee members belong to the anti-fraud committee."))
    if role != Role.ANTIFRAUD_MEMBER and user.committee_id:
        errors["committee"] = str(_("Only committee members belong to the anti-fraud committee."))
    if role == Role.TRAFFIC_POLICE and user.police_unit_id is None:
        errors["police_unit"] = str(_("Traffic police staff belong to a traffic police unit."))
    if role != Role.TRAFFIC_POLICE and user.police_unit_id:
        errors["police_unit"] = str(_("Only traffic police staff belong to a traffic police unit."))
    return errors


class ApiKey(models.Model):
    """A key an insurer's system calls the API with (B9): `cb_<prefix>_<secret>`, shown once; only a hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("key prefix"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} (cb_{self.prefix}_…)"
