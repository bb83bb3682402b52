from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from claimbridge.accounts.api_keys import api_key_create, api_key_revoke
from claimbridge.accounts.models import ApiKey, User


class AccountChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        model = User


class AccountCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username", "role")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
    list_display = ["username", "masked_name", "role", "insurer", "association", "is_active"]
    list_filter = ["role", "insurer", "association", "is_active"]
    search_fields = ["username"]
    ordering = ["username"]
    list_select_related = ["insurer", "association"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "phone", "email")}),
        (
            _("Role and organisation"),
            {"fields": ("role", "insurer", "branch", "claims_unit", "association", "committee")},
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "role", "password1", "password2")}),)

    @admin.display(description=_("name"))
    def masked_name(self, user: User) -> str:
        return user.masked_name

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> Any:  # fmt: skip
        """The change form shows the person's name and mobile in full (to edit them): each opening is an access
        record (issue 20; the list shows them masked)."""
        from claimbridge.accesslog.services import Action, Purpose, access_record

        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 0) == 200 and str(object_id).isdigit():
            access_record(actor=request.user, action=Action.SHOWN_UNMASKED, what=("accounts.User.full_name", "phone"),
                          purpose=Purpose.ADMINISTRATION, object_ref=f"accounts.user:{object_id}", route="admin")  # fmt: skip
        return response


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["user", "name", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        key, token = api_key_create(user=obj.user, name=obj.name)
        obj.pk, obj.prefix = key.pk, key.prefix
        messages.warning(request, _("The new key, shown only now: %(token)s") % {"token": token})

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for key in queryset:
            api_key_revoke(key=key)
