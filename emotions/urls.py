"""Pages of the emotions app (mounted at the site root)."""

from __future__ import annotations

from django.urls import path

from emotions import views

app_name = "emotions"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("photos/new/", views.upload, name="upload"),
    path("photos/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("photos/<int:pk>/status/", views.assessment_status, name="assessment_status"),
]
