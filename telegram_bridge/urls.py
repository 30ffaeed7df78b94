from __future__ import annotations

from django.urls import path

from telegram_bridge import views

app_name = "telegram_bridge"

urlpatterns = [
    path("webhook/", views.webhook, name="webhook"),
    path("connect/", views.connect, name="connect"),
]
