from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import User
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


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Product"), {"fields": ("role", "timezone", "language")}))
    # Staff creating an account choose the role up front: a psychologist saved as a patient would
    # otherwise get the patient pages until someone notices.
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, (_("Product"), {"fields": ("email", "role")}))
    list_display = ("username", "email", "role", "is_staff", "date_joined")
    list_filter = ("role", "is_staff", "is_active")
