"""Pages of the emotions app: upload, one assessment, the dashboard. Thin: forms, services, selectors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from emotions import selectors
from emotions.forms import PhotoUploadForm
from emotions.models import PhotoAssessment
from emotions.services import assessment_create

# The detail page asks for the status this often while the analysis runs (static/js/assessment.js
# and the <noscript> refresh read it from the page).
POLL_SECONDS = 2


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PhotoUploadForm(request.POST, request.FILES)
        if form.is_valid():
            assessment = assessment_create(
                user=request.user,
                photo=form.cleaned_data["photo"],
                source=PhotoAssessment.Source.WEB,
            )
            return redirect("emotions:assessment_detail", pk=assessment.pk)
        # 400 and the form again: a rejected photo is the person's input, never a server error.
        return render(request, "emotions/upload.html", {"form": form}, status=400)
    return render(request, "emotions/upload.html", {"form": PhotoUploadForm()})


@login_required
@require_GET
@never_cache
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Looked up among the person's own rows only: someone else's id is a 404, not a 403,
    # so ids do not even reveal which assessments exist.
    assessment = get_object_or_404(selectors.assessment_list(user=request.user), pk=pk)
    return render(
        request,
        "emotions/assessment_detail.html",
        {"assessment": assessment, "poll_seconds": POLL_SECONDS, "user_tz": selectors.user_tzinfo(request.user)},
    )


@login_required
@require_GET
@never_cache
def assessment_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the detail page polls while the analysis runs."""
    assessment = get_object_or_404(selectors.assessment_list(user=request.user), pk=pk)
    return JsonResponse({"id": assessment.pk, "status": assessment.status, "pending": assessment.is_pending})


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    days = _period_from(request.GET.get("days"))
    context: dict[str, Any] = {
        "days": days,
        "periods": selectors.DASHBOARD_PERIODS,
        "user_tz": selectors.user_tzinfo(user),
        "has_any": selectors.assessment_exists(user=user),
    }
    if context["has_any"]:
        buckets = selectors.assessment_daily_negative_share(user=user, days=days)
        mix = selectors.assessment_emotion_mix(user=user, days=days)
        context.update(
            {
                "summary": selectors.assessment_period_summary(user=user, days=days),
                "days_with_data": [bucket for bucket in buckets if bucket.total],
                "mix": mix,
                "latest": selectors.assessment_latest(user=user, limit=10),
                "chart_data": _chart_data(buckets, mix),
            }
        )
    return render(request, "emotions/dashboard.html", context)


def _period_from(raw: str | None) -> int:
    try:
        days = int(raw or selectors.DEFAULT_PERIOD)
    except ValueError:
        return selectors.DEFAULT_PERIOD
    return days if days in selectors.DASHBOARD_PERIODS else selectors.DEFAULT_PERIOD


def _chart_data(buckets: list[selectors.DayBucket], mix: list[selectors.ClassShare]) -> dict[str, Any]:
    """What static/js/dashboard.js draws; passed through json_script (no inline script)."""
    return {
        "daily": {
            "days": [bucket.day.isoformat() for bucket in buckets],
            # Percent, rounded: the chart needs no more precision and the page stays small.
            "negative_share": [
                None if bucket.negative_share is None else round(bucket.negative_share * 100, 1) for bucket in buckets
            ],
            "rolling_share": [
                None if bucket.rolling_share is None else round(bucket.rolling_share * 100, 1) for bucket in buckets
            ],
            "rolling_days": selectors.ROLLING_DAYS,
            "totals": [bucket.total for bucket in buckets],
        },
        "mix": {
            "labels": [item.label for item in mix],
            "names": [item.name for item in mix],
            "counts": [item.count for item in mix],
        },
    }
