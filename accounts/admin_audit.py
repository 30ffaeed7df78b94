"""Staff access to people's data through the admin panel is audited like a clinician's."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

from .models import AuditEvent, User
from .services import audit_record


class AuditedUserDataAdmin(admin.ModelAdmin):
    """Records an AuditEvent when staff open, save or delete a row of someone's data.

    `audit_owner_field` names the row's owner; None means the row is the user itself.
    `detail` holds the model and row id only, never the data.
    """

    audit_owner_field: str | None = "user"

    def audit_owner(self, obj: Model) -> User | None:
        return obj if self.audit_owner_field is None else getattr(obj, self.audit_owner_field, None)  # type: ignore[return-value]

    def _audit(self, request: HttpRequest, obj: Model, action: str, **extra: Any) -> None:
        detail = {"model": obj._meta.label_lower, "id": obj.pk, **extra}
        actor = request.user if request.user.is_authenticated else None
        audit_record(actor=actor, subject_user=self.audit_owner(obj), action=action, detail=detail)  # type: ignore[arg-type]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                self._audit(request, obj, AuditEvent.Action.ADMIN_VIEW)
        return response

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._audit(request, obj, AuditEvent.Action.ADMIN_CHANGE, created=not change, fields=sorted(form.changed_data))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        # Recorded first: once the row is gone there is no id to name (and for a user, no owner).
        self._audit(request, obj, AuditEvent.Action.ADMIN_DELETE)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self._audit(request, obj, AuditEvent.Action.ADMIN_DELETE)
        super().delete_queryset(request, queryset)
