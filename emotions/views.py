"""Pages of the emotions app: upload, one assessment, the dashboard, and the psychologist's portal (read-only)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import portal_access_required
from accounts.forms import AliasForm
from accounts.models import AuditEvent, ConsentKind
from accounts.selectors import care_active_links_of_psychologist, care_patients_of_psychologist, consent_is_active
from accounts.services import (
    CONSENT_REQUIRED_MESSAGE,
    ConsentRequired,
    audit_record,
    audit_record_many,
    care_link_end,
    care_link_set_alias,
)
from burnout_site.rate_limits import RateLimited, photo_upload_take
from emotions import selectors
from emotions.forms import CbiForm, PhotoUploadForm, SelfReportForm
from emotions.models import PhotoAssessment, SelfReport
from emotions.services import (
    QuestionnaireRejected,
    SelfReportRejected,
    assessment_create,
    questionnaire_cbi_create,
    self_report_create,
)

# The detail page asks for the status this often while the analysis runs (static/js/assessment.js
# and the <noscript> refresh read it from the page).
POLL_SECONDS = 2


def _consent_first(request: HttpRequest, *, status: int | None = None) -> HttpResponse:
    """Send the person to read and accept the processing consent, then back to the upload page."""
    url = reverse("accounts:consent", args=[ConsentKind.PROCESSING])
    query = urlencode({"next": reverse("emotions:upload")})
    if status is None:
        return redirect(f"{url}?{query}")
    # A POST without consent (a form left open across a withdrawal): refuse and say why, nothing stored.
    return render(
        request,
        "emotions/consent_required.html",
        {"message": CONSENT_REQUIRED_MESSAGE, "consent_url": f"{url}?{query}"},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not consent_is_active(user=request.user, kind=ConsentKind.PROCESSING):
        return _consent_first(request, status=403 if request.method == "POST" else None)
    if request.method == "POST":
        try:
            photo_upload_take(user_id=request.user.pk)
        except RateLimited as exc:
            # The same count as the API and the bot: nothing is read or stored beyond the limit.
            response = render(
                request, "emotions/upload.html", {"form": PhotoUploadForm(), "refusal": exc.message}, status=429
            )
            response["Retry-After"] = str(exc.retry_after)
            return response
        form = PhotoUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                assessment = assessment_create(
                    user=request.user,
                    photo=form.cleaned_data["photo"],
                    source=PhotoAssessment.Source.WEB,
                )
            except ConsentRequired:
                return _consent_first(request, status=403)
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
        {
            "assessment": assessment,
            "poll_seconds": POLL_SECONDS,
            "user_tz": selectors.user_tzinfo(request.user),
            "mood_form": SelfReportForm(initial={"assessment": assessment.pk}),
            "mood_next": request.path,
            "answered_mood": assessment.self_reports.order_by("-at", "-id").first(),
        },
    )


@login_required
@require_GET
@never_cache
def assessment_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the detail page polls while the analysis runs."""
    assessment = get_object_or_404(selectors.assessment_list(user=request.user), pk=pk)
    return JsonResponse({"id": assessment.pk, "status": assessment.status, "pending": assessment.is_pending})


def _dynamics_context(user: Any, days: int) -> dict[str, Any]:
    """What templates/emotions/_dynamics.html draws for one person: the dashboard and the portal share it."""
    context: dict[str, Any] = {
        "days": days,
        "periods": selectors.DASHBOARD_PERIODS,
        "user_tz": selectors.user_tzinfo(user),
        "has_any": selectors.assessment_exists(user=user),
    }
    cbi_history = list(reversed(selectors.questionnaire_cbi_list(user=user)[:CBI_HISTORY_LIMIT]))
    context["cbi_history"] = cbi_history
    if context["has_any"]:
        buckets = selectors.assessment_daily_negative_share(user=user, days=days)
        mix = selectors.assessment_emotion_mix(user=user, days=days)
        moods = selectors.self_report_daily_mood(user=user, days=days)
        year = buckets
        if days != HEATMAP_DAYS:
            year = selectors.assessment_daily_negative_share(user=user, days=HEATMAP_DAYS)
        context.update(
            {
                "summary": selectors.assessment_period_summary(user=user, days=days),
                "days_with_data": [
                    (bucket, moods.get(bucket.day)) for bucket in buckets if bucket.total or bucket.day in moods
                ],
                "mix": mix,
                "latest": selectors.assessment_latest(user=user, limit=10),
                "chart_data": _chart_data(buckets, mix, moods, cbi_history, context["user_tz"]),
                "heatmap_weeks": _heatmap_weeks(year),
                "heatmap_days": [bucket for bucket in year if bucket.total],
            }
        )
    return context


# The CBI history chart and table show this many latest answers (a year of weekly answers).
CBI_HISTORY_LIMIT = 52
HEATMAP_DAYS = 365
# Colour steps of the calendar: a day's negative share up to each bound (percent) gets that level.
HEATMAP_LEVELS = (20, 40, 60, 80, 100)


def _heatmap_weeks(buckets: list[selectors.DayBucket]) -> list[list[dict[str, Any] | None]]:
    """The year as a calendar: seven rows (Monday first), one column per week; None pads the first and last week."""
    cells: list[dict[str, Any] | None] = [None] * buckets[0].day.weekday() if buckets else []
    for bucket in buckets:
        level = 0
        if bucket.negative_share is not None:
            percent = bucket.negative_share * 100
            level = next(index + 1 for index, bound in enumerate(HEATMAP_LEVELS) if percent <= bound)
        cells.append({"bucket": bucket, "level": level})
    cells += [None] * (-len(cells) % 7)
    weeks = [cells[start : start + 7] for start in range(0, len(cells), 7)]
    return [[week[weekday] for week in weeks] for weekday in range(7)]


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = _dynamics_context(request.user, _period_from(request.GET.get("days")))
    context.update(
        {
            "mood_form": SelfReportForm(),
            "mood_next": request.get_full_path(),
            "cbi_due": selectors.questionnaire_cbi_due(user=request.user),
            "cbi_latest": selectors.questionnaire_cbi_latest(user=request.user),
            "correlation": _correlation_context(request.user),
            "open_flags": selectors.burnout_flags_open(user=request.user),
        }
    )
    return render(request, "emotions/dashboard.html", context)


# Conventional cut-offs for a "moderate" and a "weak" rank correlation; the expected sign is negative
# (more negative photos, lower mood), so anything above the weak bound reads as no useful link.
CORRELATION_MODERATE, CORRELATION_WEAK = -0.3, -0.1


def _correlation_context(user: Any) -> dict[str, Any] | None:
    """What the dashboard says about photos against the person's own ratings; None below the minimum of pairs."""
    today = timezone.localdate(timezone=selectors.user_tzinfo(user))
    first_day = today - timedelta(days=settings.CORRELATION_WINDOW_DAYS - 1)
    result = selectors.mood_correlation(user=user, first_day=first_day)
    if result.n < settings.CORRELATION_MIN_PAIRS:
        return None
    if result.rho is None:
        words = _(
            "Your mood ratings (or the photo estimates) did not vary, so we cannot say whether they move together."
        )
    elif result.rho <= CORRELATION_MODERATE:
        words = _(
            "On days your photos looked more negative, you usually rated your mood lower: "
            "the photo estimates follow how you say you feel."
        )
    elif result.rho < CORRELATION_WEAK:
        words = _(
            "On days your photos looked more negative, you rated your mood a little lower, "
            "but the link is weak: read the photo estimates with care."
        )
    else:
        words = _(
            "The photo estimates and your own ratings do not move together: "
            "for you, your own ratings are the better guide."
        )
    return {"result": result, "words": words}


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_POST
def self_report_new(request: HttpRequest) -> HttpResponse:
    """The "How do you feel?" form of the dashboard and of each photo's page; back to where it was sent from."""
    back = _safe_next(request, reverse("emotions:dashboard"))
    form = SelfReportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(back)
    try:
        self_report_create(
            user=request.user,
            mood=form.cleaned_data["mood"],
            note=form.cleaned_data["note"],
            assessment=form.cleaned_data["assessment"],
            source=SelfReport.Source.WEB,
        )
    except SelfReportRejected as rejected:
        messages.error(request, rejected.message)
    else:
        messages.success(request, _("Thank you. Your mood has been saved."))
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_cbi(request: HttpRequest) -> HttpResponse:
    form = CbiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            response = questionnaire_cbi_create(user=request.user, answers=form.answers())
        except QuestionnaireRejected as rejected:
            messages.error(request, rejected.message)
        else:
            messages.success(
                request,
                _("Thank you. Your score is %(score)s out of 100.") % {"score": round(response.score)},
            )
            return redirect("emotions:questionnaire_cbi")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "history": list(selectors.questionnaire_cbi_list(user=request.user)[:52]),
        "user_tz": selectors.user_tzinfo(request.user),
    }
    return render(request, "emotions/questionnaire_cbi.html", context, status=status)


def _period_from(raw: str | None) -> int:
    try:
        days = int(raw or selectors.DEFAULT_PERIOD)
    except ValueError:
        return selectors.DEFAULT_PERIOD
    return days if days in selectors.DASHBOARD_PERIODS else selectors.DEFAULT_PERIOD


def _chart_data(
    buckets: list[selectors.DayBucket],
    mix: list[selectors.ClassShare],
    moods: dict[Any, float] | None = None,
    cbi_history: list[Any] | None = None,
    tz: Any = None,
) -> dict[str, Any]:
    """What static/js/dashboard.js draws; passed through json_script (no inline script)."""
    moods = moods or {}
    return {
        "mood": [None if bucket.day not in moods else round(moods[bucket.day], 2) for bucket in buckets],
        "thresholds": {
            "negative_percent": settings.PORTAL_FLAG_NEGATIVE_PERCENT,
            "cbi": settings.BURNOUT_FLAG_CBI_SCORE,
        },
        "cbi": {
            "days": [timezone.localtime(row.at, tz).date().isoformat() for row in cbi_history or []],
            "scores": [round(row.score, 1) for row in cbi_history or []],
        },
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


# --- the psychologist's portal: everything goes through the active care links -------------------------------


@portal_access_required
@require_GET
@never_cache
def portal_patients(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "flag")
    if sort not in selectors.PORTAL_SORTS:
        sort = "flag"
    rows = selectors.portal_patient_rows(psychologist=request.user, sort=sort)
    # Each patient listed had their summary read: one audit line per person, in one INSERT.
    audit_record_many(
        actor=request.user,
        subject_user_ids=[row.patient_id for row in rows],
        action=AuditEvent.Action.PORTAL_LIST_VIEW,
    )
    context = {
        "rows": rows,
        "sort": sort,
        "sorts": selectors.PORTAL_SORTS,
        "profile": request.psychologist_profile,
        "window_days": settings.PORTAL_WINDOW_DAYS,
    }
    return render(request, "portal/patients.html", context)


def _patient_of(request: HttpRequest, patient_id: int) -> Any:
    # Looked up among this psychologist's active patients only: any other id, an old one or one whose
    # link was revoked is a 404, so ids do not even reveal who uses the product.
    return get_object_or_404(care_patients_of_psychologist(psychologist=request.user), pk=patient_id)


@portal_access_required
@require_GET
@never_cache
def portal_patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient_of(request, patient_id)
    link = care_active_links_of_psychologist(psychologist=request.user).get(patient=patient)
    days = _period_from(request.GET.get("days"))
    audit_record(
        actor=request.user, subject_user=patient, action=AuditEvent.Action.PORTAL_DETAIL_VIEW, detail={"days": days}
    )
    context = _dynamics_context(patient, days)
    context.update(
        {
            "patient": patient,
            "link": link,
            "patient_name": link.alias or patient.display_name,
            "alias_form": AliasForm(initial={"alias": link.alias}),
            "open_flags": selectors.burnout_flags_open(user=patient),
            "cbi_latest": selectors.questionnaire_cbi_latest(user=patient),
            "read_only": True,
        }
    )
    return render(request, "portal/patient_detail.html", context)


@portal_access_required
@require_POST
def portal_patient_alias(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient_of(request, patient_id)
    link = care_active_links_of_psychologist(psychologist=request.user).get(patient=patient)
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            care_link_set_alias(link=link, psychologist=request.user, alias=form.cleaned_data["alias"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The alias has been saved."))
    else:
        messages.error(request, _("The alias is too long."))
    return redirect("portal:patient_detail", patient_id=patient.pk)


@portal_access_required
@require_POST
def portal_end_link(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient_of(request, patient_id)
    link = care_active_links_of_psychologist(psychologist=request.user).get(patient=patient)
    care_link_end(link=link, psychologist=request.user)
    messages.success(request, _("You no longer have access to this person's data."))
    return redirect("portal:patients")
