from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from emotions.models import BurnoutFlag, PhotoAssessment, QuestionnaireResponse, SelfReport


@admin.register(PhotoAssessment)
class PhotoAssessmentAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "captured_at", "source", "status", "label", "negativity", "model_version", "is_demo")
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
        "negativity",
        "face_box",
        "faces_found",
        "model_version",
        "error",
        "error_code",
        "error_detail",
    )
    fieldsets = (
        (None, {"fields": ("user", "source", "captured_at", "created_at", "status", "is_demo")}),
        (
            _("Result"),
            {"fields": ("label", "valence", "negativity", "probabilities", "faces_found", "face_box", "model_version")},
        ),
        (_("Photo"), {"fields": ("photo", "photo_delete_after")}),
        (_("Errors"), {"fields": ("analyzed_at", "error", "error_code", "error_detail")}),
    )


@admin.register(SelfReport)
class SelfReportAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "at", "mood", "source", "assessment", "is_demo")
    list_filter = ("mood", "source", "is_demo")
    search_fields = ("user__username", "user__email")
    date_hierarchy = "at"
    list_select_related = ("user",)
    raw_id_fields = ("user", "assessment")
    # What the person said about themselves: staff read it, they do not rewrite it.
    readonly_fields = ("user", "at", "mood", "note", "assessment", "source")


@admin.register(QuestionnaireResponse)
class QuestionnaireResponseAdmin(admin.ModelAdmin):
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
