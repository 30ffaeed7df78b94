from __future__ import annotations

from django.contrib import admin

from telegram_bridge.models import ProcessedUpdate, TelegramAccount


@admin.register(TelegramAccount)
class TelegramAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "telegram_user_id", "language", "linked_at")
    search_fields = ("user__username", "telegram_user_id")
    readonly_fields = ("linked_at",)


@admin.register(ProcessedUpdate)
class ProcessedUpdateAdmin(admin.ModelAdmin):
    list_display = ("update_id", "telegram_user_id", "received_at", "handled_at")
    readonly_fields = ("update_id", "telegram_user_id", "payload", "received_at", "handled_at")
