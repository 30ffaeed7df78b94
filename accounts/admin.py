from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_audit import AuditedUserDataAdmin
from .models import AuditEvent, CareLink, ConsentDocument, ConsentEvent, DataExport, PsychologistProfile, User
from .services import psychologist_verify
from .services.password_reset import user_lockout_clear
from .validators import validate_language, validate_timezone


class AdminUserChangeForm(UserChangeForm):
    # The model fields are free text (no choices, so no migration per new zone or language);
    # staff edits get the same checks as the profile page.
    def clean_timezone(self) -> str:
        value = self.cleaned_data["timezone"]
        validate_timezone(value)
        return value

    def clean_language(self) -> str:
        value = self.cleaned_data["language"]
        validate_language(value)
        return value


@admin.action(description=_("Lift the log-in pause of the selected accounts"))
def unlock_users(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    """Staff's way out of a lockout (django-axes) for someone who cannot wait or reset: every address at once."""
    for user in queryset:
        user_lockout_clear(user=user, actor=request.user, reason="staff")
    count = len(queryset)
    message = ngettext(
        "The log-in pause of %(count)d account is lifted.", "The log-in pause of %(count)d accounts is lifted.", count
    )
    modeladmin.message_user(request, message % {"count": count}, messages.SUCCESS)


@admin.register(User)
class UserAdmin(AuditedUserDataAdmin, DjangoUserAdmin):
    audit_owner_field = None  # the row is the person
    form = AdminUserChangeForm
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Product"), {"fields": ("role", "timezone", "language")}))
    # Staff creating an account choose the role up front: a psychologist saved as a patient would
    # otherwise get the patient pages until someone notices.
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, (_("Product"), {"fields": ("email", "role")}))
    list_display = ("username", "email", "role", "is_staff", "date_joined")
    list_filter = ("role", "is_staff", "is_active")
    actions = [unlock_users]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records staff may look at but nobody may edit or delete: evidence (consent history, audit log) and
    derived summaries (model versions)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(admin.ModelAdmin):
    list_display = ("kind", "version", "published", "effective_at", "created_at")
    list_filter = ("kind", "published")
    ordering = ("kind", "-version")

    def get_readonly_fields(self, request: HttpRequest, obj: ConsentDocument | None = None) -> tuple[str, ...]:
        # Once someone has agreed to a version its words are fixed: publish a new version instead.
        if obj is not None and obj.events.exists():
            return ("kind", "version", "text", "text_ru", "effective_at", "published")
        return ()

    def has_delete_permission(self, request: HttpRequest, obj: ConsentDocument | None = None) -> bool:
        return obj is None or not obj.events.exists()


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "document", "granted", "channel")
    list_filter = ("granted", "channel", "document__kind")
    search_fields = ("user__username",)
    list_select_related = ("user", "document")
    date_hierarchy = "at"


@admin.action(description=_("Verify the selected psychologists"))
def verify_psychologists(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    count = 0
    for profile in queryset.filter(verified_at__isnull=True).select_related("user"):
        psychologist_verify(profile=profile, by=request.user)
        count += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d psychologist verified.", "%(count)d psychologists verified.", count) % {"count": count},
        messages.SUCCESS,
    )


@admin.register(PsychologistProfile)
class PsychologistProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "licence_number", "issuing_body", "country", "verified_at", "verified_by")
    list_filter = (("verified_at", admin.EmptyFieldListFilter), "country")
    search_fields = ("user__username", "licence_number", "issuing_body")
    list_select_related = ("user", "verified_by")
    readonly_fields = ("code", "verified_by", "verified_at", "created_at")
    raw_id_fields = ("user",)
    actions = [verify_psychologists]


@admin.register(CareLink)
class CareLinkAdmin(ReadOnlyAdmin):
    list_display = ("patient", "psychologist", "status", "granted_at", "revoked_at", "ended_by")
    list_filter = ("status",)
    list_select_related = ("patient", "psychologist")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "actor", "subject_user")
    list_filter = ("action",)
    list_select_related = ("actor", "subject_user")
    date_hierarchy = "at"


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    # No file field here: the archive is the person's data, for them only.
    list_display = ("id", "user", "status", "created_at", "expires_at")
    list_filter = ("status",)
    fields = ("user", "status", "created_at", "ready_at", "expires_at")


# django-otp's own admin for recovery codes lists every code in the clear: staff must not be able to read the
# codes that stand in for someone's phone. A person makes new ones on their two-factor page.
def _hide_recovery_codes_from_staff() -> None:
    from django_otp.plugins.otp_static.models import StaticDevice

    if admin.site.is_registered(StaticDevice):
        admin.site.unregister(StaticDevice)


_hide_recovery_codes_from_staff()
