from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyAdmin
from accounts.admin_audit import AuditedUserDataAdmin
from emotions.models import (
    AssessmentFeedback,
    BurnoutFlag,
    ModelVersionSummary,
    PhotoAssessment,
    QuestionnaireResponse,
    SelfReport,
)


@admin.register(PhotoAssessment)
class PhotoAssessmentAdmin(AuditedUserDataAdmin):
    list_display = (
        "id",
        "user",
        "captured_at",
        "source",
        "status",
        "label",
        "confidence",
        "negativity",
        "model_version",
        "is_demo",
    )
    list_filter = ("status", "source", "valence", "is_demo", "model_version")
    search_fields = ("user__username", "user__email")
    date_hierarchy = "captured_at"
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    ordering = ("-captured_at",)
    # The results are the model's output: editing them by hand would make the charts lie.
    readonly_fields = (
        "created_at",
        "analyzed_at",
        "probabilities",
        "label",
        "valence",
        "confidence",
        "negativity",
        "face_box",
        "faces_found",
        "model_version",
        "error",
        "error_code",
        "error_detail",
        "photo_retained",
    )
    fieldsets = (
        (None, {"fields": ("user", "source", "captured_at", "created_at", "status", "is_demo")}),
        (
            _("Result"),
            {
                "fields": (
                    "label",
                    "valence",
                    "confidence",
                    "negativity",
                    "probabilities",
                    "faces_found",
                    "face_box",
                    "model_version",
                )
            },
        ),
        # The raw face photo is never shown or linked here (no file widget, no URL): only whether it is kept.
        (_("Photo"), {"fields": ("photo_retained", "photo_delete_after")}),
        (_("Errors"), {"fields": ("analyzed_at", "error", "error_code", "error_detail")}),
    )

    @admin.display(description=_("photo retained"))
    def photo_retained(self, obj: PhotoAssessment) -> str:
        return str(_("yes")) if obj.photo else str(_("no"))


@admin.register(SelfReport)
class SelfReportAdmin(AuditedUserDataAdmin):
    list_display = ("id", "user", "at", "mood", "source", "assessment", "is_demo")
    list_filter = ("mood", "source", "is_demo")
    search_fields = ("user__username", "user__email")
    date_hierarchy = "at"
    list_select_related = ("user",)
    raw_id_fields = ("user", "assessment")
    # What the person said about themselves: staff read it, they do not rewrite it.
    readonly_fields = ("user", "at", "mood", "note", "assessment", "source")


@admin.register(AssessmentFeedback)
class AssessmentFeedbackAdmin(AuditedUserDataAdmin):
    list_display = ("id", "user", "assessment", "label", "model_label", "source", "updated_at")
    list_filter = ("label", "model_label", "source")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user", "assessment")
    # What the person said about a reading: staff read it, they do not rewrite it.
    readonly_fields = ("user", "assessment", "label", "model_label", "source", "created_at", "updated_at")


@admin.register(QuestionnaireResponse)
class QuestionnaireResponseAdmin(AuditedUserDataAdmin):
    list_display = ("id", "user", "instrument", "at", "score", "is_demo")
    list_filter = ("instrument", "is_demo")
    search_fields = ("user__username", "user__email")
    date_hierarchy = "at"
    list_select_related = ("user",)
    readonly_fields = ("user", "instrument", "answers", "score", "at")


@admin.register(BurnoutFlag)
class BurnoutFlagAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "rule", "raised_at", "cleared_at", "value")
    list_filter = ("rule",)
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    readonly_fields = ("user", "rule", "raised_at", "cleared_at", "value")


@admin.register(ModelVersionSummary)
class ModelVersionSummaryAdmin(ReadOnlyAdmin):
    """Read-only: how many assessments each model version produced, by status. No rows, no people."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("emotions.view_photoassessment")

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        statuses = list(PhotoAssessment.Status)
        counts: dict[str, dict[str, int]] = {}
        grouped = (
            PhotoAssessment.objects.values("model_version", "status")
            .annotate(n=Count("id"))
            .order_by("model_version", "status")
        )
        for row in grouped:
            counts.setdefault(row["model_version"], {})[row["status"]] = row["n"]
        rows = [
            {
                "version": version,
                "counts": [per_status.get(status.value, 0) for status in statuses],
                "total": sum(per_status.values()),
            }
            for version, per_status in sorted(counts.items())
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Model versions"),
            "opts": self.model._meta,
            "statuses": [status.label for status in statuses],
            "rows": rows,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/emotions/model_versions.html", context)
