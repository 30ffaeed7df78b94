"""Pages of the emotions app: upload, one assessment, the dashboard, and the psychologist's portal (read-only)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import portal_access_required
from accounts.forms import AliasForm
from accounts.models import ConsentKind, SharingCategory
from accounts.selectors import (
    care_link_list_visible_to,
    care_link_patient_list,
    consent_current_document,
    consent_is_active,
)
from accounts.services import (
    ConsentRequired,
    care_link_alias_set,
    care_link_end,
)
from accounts.views.common import refusal_page
from burnout_site.errors import Refusal
from burnout_site.rate_limits import RateLimited, photo_upload_take
from burnout_site.storage import StorageUnavailable
from emotions import selectors
from emotions.burnout import THRESHOLD_BOUNDS, Thresholds
from emotions.dashboard import (
    baseline_context,
    correlation_context,
    dynamics_context,
    harder_days_context,
    period_from,
)
from emotions.forms import CareSessionForm, CbiForm, PhotoUploadForm, SelfReportForm
from emotions.guidance import cbi_guidance
from emotions.models import (
    EMOTION_NAMES,
    UNSURE_NOT_COUNTED,
    AssessmentFeedback,
    BurnoutFlag,
    PhotoAssessment,
    SelfReport,
)
from emotions.selectors.brief import care_session_list, patient_brief_read
from emotions.selectors.burnout import burnout_flag_seen_list, flag_acknowledgement_map, own_rule_states
from emotions.services import (
    FeedbackRejected,
    QuestionnaireRejected,
    assessment_create,
    assessment_feedback_set,
    assessment_feedback_withdraw,
    questionnaire_cbi_create,
    self_report_create,
)
from emotions.summary_words import summary_rows

# The emotions a person may choose in "Was this right?", in the model's class order.
EMOTION_CHOICES: list[tuple[str, Any]] = list(EMOTION_NAMES.items())

# The detail page asks for the status this often while the analysis runs (static/js/assessment.js
# and the <noscript> refresh read it from the page).
POLL_SECONDS = 2


def _consent_url() -> str:
    """The processing consent, then back to the upload page."""
    url = reverse("accounts:consent", args=[ConsentKind.PROCESSING])
    return f"{url}?{urlencode({'next': reverse('emotions:upload')})}"


def _consent_refused(request: HttpRequest, refusal: ConsentRequired) -> HttpResponse:
    # A POST without consent (a form left open across a withdrawal): refuse and say why, nothing stored; the
    # status is the refusal's (consent_required, or consent_unavailable while no document is published).
    return refusal_page(
        request, refusal, template="emotions/consent_required.html", context={"consent_url": _consent_url()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not consent_is_active(user=request.user, kind=ConsentKind.PROCESSING):
        if request.method != "POST":
            return redirect(_consent_url())
        return _consent_refused(request, ConsentRequired(consent_current_document(kind=ConsentKind.PROCESSING)))
    if request.method == "POST":
        try:
            photo_upload_take(user_id=request.user.pk)
        except RateLimited as exc:
            # The same count as the API and the bot: nothing is read or stored beyond the limit.
            response = render(
                request, "emotions/upload.html", {"form": PhotoUploadForm(), "refusal": exc.message}, status=exc.status
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
            except ConsentRequired as refusal:
                return _consent_refused(request, refusal)
            except StorageUnavailable as exc:
                # The form again with the reason (503): nothing was stored, the person can simply send it again.
                context = {"form": PhotoUploadForm(), "refusal": exc.message}
                return render(request, "emotions/upload.html", context, status=exc.status)
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
            "user_tz": selectors.user_tzinfo_get(user=request.user),
            "mood_form": SelfReportForm(initial={"assessment": assessment.pk}),
            "mood_next": request.path,
            "answered_mood": assessment.self_reports.order_by("-at", "-id").first(),
            "emotion_choices": EMOTION_CHOICES,
            "feedback_next": request.path,
            "unsure_not_counted": UNSURE_NOT_COUNTED,
            "confidence_sure_percent": settings.CONFIDENCE_SURE_PERCENT,
            "confidence_unsure_below_percent": settings.CONFIDENCE_UNSURE_BELOW_PERCENT,
        },
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
    days = period_from(request.GET.get("days"))
    context = dynamics_context(request.user, days, request.GET.get("bucket"))
    baseline = None
    if context["has_any"]:
        # One read of the baseline serves both "Compared with your usual" and the week's summary.
        baseline, comparisons = selectors.baseline_comparisons(user=request.user)
        week = selectors.week_summary_get(user=request.user, baseline=baseline)
        context.update({"week": week, "standing": summary_rows(week)})
    context.update(
        {
            "mood_form": SelfReportForm(),
            "mood_next": request.get_full_path(),
            "cbi_due": selectors.questionnaire_cbi_due(user=request.user),
            "cbi_latest": selectors.questionnaire_cbi_latest(user=request.user),
            # The insights follow the charts' span: the period, in whole weeks when the points are weeks.
            "correlation": correlation_context(request.user, context["span_days"]),
            # Also for someone who only rates their mood: the factors are theirs.
            "harder_days": harder_days_context(request.user, context["span_days"])
            if context["has_any"] or selectors.self_report_exists(user=request.user)
            else None,
            "baseline": baseline_context(baseline, comparisons) if baseline is not None else None,
            "open_flags": selectors.burnout_flag_list_open(user=request.user),
            # That a psychologist has seen a signal, and when; never their note.
            "flags_seen": burnout_flag_seen_list(user=request.user),
            "emotion_choices": EMOTION_CHOICES,
            "feedback_next": request.get_full_path(),
            "feedback_agreement": selectors.assessment_feedback_agreement_get(user=request.user),
        }
    )
    return render(request, "emotions/dashboard.html", context)


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
            sleep_hours=form.cleaned_data["sleep_hours"],
            workload=form.cleaned_data["workload"],
            tags=form.tag_names(),
        )
    except Refusal as rejected:  # SelfReportRejected, or a factor refused (emotions/services/factors.py)
        messages.error(request, rejected.message)
    else:
        messages.success(request, _("Thank you. Your mood has been saved."))
    return redirect(back)


def _feedback_thanks(feedback: AssessmentFeedback) -> str:
    if feedback.agrees:
        return _("Thank you. You said the reading was right.")
    return _("Thank you. You said the photo shows: %(emotion)s.") % {"emotion": feedback.label_display}


@login_required
@require_POST
def assessment_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Was this right?" from a photo's page or the dashboard's list: `label` sets it, `withdraw` forgets it.

    A refusal (not your photo, no reading yet, an emotion we do not know) is a page with its message and
    the status its code declares; nothing is stored. Back to where the form was, otherwise.
    """
    back = _safe_next(request, reverse("emotions:assessment_detail", args=[pk]))
    try:
        if request.POST.get("withdraw"):
            assessment_feedback_withdraw(user=request.user, assessment_id=pk)
            messages.success(request, _("Your answer about this reading has been withdrawn."))
        else:
            feedback = assessment_feedback_set(
                user=request.user, assessment_id=pk, label=request.POST.get("label"), source=PhotoAssessment.Source.WEB
            )
            messages.success(request, _feedback_thanks(feedback))
    except FeedbackRejected as refusal:
        return refusal_page(request, refusal)
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
            return redirect("emotions:questionnaire_cbi_result", pk=response.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "history": list(selectors.questionnaire_cbi_list(user=request.user)[:52]),
        "user_tz": selectors.user_tzinfo_get(user=request.user),
    }
    return render(request, "emotions/questionnaire_cbi.html", context, status=status)


@login_required
@require_GET
@never_cache
def questionnaire_cbi_result(request: HttpRequest, pk: int) -> HttpResponse:
    """One answer's score in its band, with the burnout card at once when the `cbi` rule holds for it."""
    # Among the person's own answers only: someone else's id is a 404, like a photo's.
    response = get_object_or_404(selectors.questionnaire_cbi_list(user=request.user), pk=pk)
    context = {
        "response": response,
        "guidance": cbi_guidance(response.score),
        "user_tz": selectors.user_tzinfo_get(user=request.user),
    }
    return render(request, "emotions/questionnaire_cbi_result.html", context)


# --- the psychologist's portal: everything goes through the active care links -------------------------------


@portal_access_required
@require_GET
@never_cache
def portal_patients(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "flag")
    if sort not in selectors.PORTAL_SORTS:
        sort = "flag"
    # Each patient listed had their summary read: the read records one audit line per person.
    rows = selectors.portal_patient_list_read(psychologist=request.user, sort=sort)
    context = {
        "rows": rows,
        "sort": sort,
        "sorts": selectors.PORTAL_SORTS,
        "profile": request.psychologist_profile,
        "window_days": settings.PORTAL_WINDOW_DAYS,
        "quiet_days": settings.PORTAL_QUIET_AFTER_DAYS,
    }
    return render(request, "portal/patients.html", context)


def _patient_of(request: HttpRequest, patient_id: int) -> Any:
    # Looked up among this psychologist's active patients only: any other id, an old one or one whose
    # link was revoked is a 404, so ids do not even reveal who uses the product.
    return get_object_or_404(care_link_patient_list(psychologist=request.user), pk=patient_id)


@portal_access_required
@require_GET
@never_cache
def portal_patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    days = period_from(request.GET.get("days"))
    # Among this psychologist's active patients only (else a 404); the read records the audit line and shows
    # only the categories the patient shares.
    read = selectors.patient_detail_read(
        psychologist=request.user,
        patient_id=patient_id,
        days=days,
        build=lambda patient, categories: dynamics_context(
            patient, days, request.GET.get("bucket"), categories=categories
        ),
    )
    if read is None:
        raise Http404
    share, context = read
    link = share.link
    context.update(
        {
            # The brief reads only what the patient shares with this psychologist, and records its own line.
            "brief": patient_brief_read(
                psychologist=request.user, link=link, categories=selectors.link_categories(link=link)
            ),
            "sessions": care_session_list(link=link)[:5],
            "session_form": CareSessionForm(),
            "patient": share.patient,
            "link": link,
            "patient_name": link.alias or share.patient.display_name,
            "alias_form": AliasForm(initial={"alias": link.alias}),
            "not_shared": [label for value, label in SharingCategory.choices if not share.shares(value)],
            "read_only": True,
        }
    )
    # Each open flag with this psychologist's own acknowledgement (and note), when there is one.
    acks = flag_acknowledgement_map(psychologist=request.user, flags=context["open_flags"])
    context["flag_rows"] = [(flag, acks.get(flag.pk)) for flag in context["open_flags"]]
    if share.shares(SharingCategory.FLAGS):
        # The rules by this psychologist's own thresholds: their view only, the flags keep the defaults.
        own, states = own_rule_states(link=link)
        context.update(
            own_threshold=own, own_states=[BurnoutFlag.Rule(state.rule).label for state in states if state.holds]
        )
        context["threshold_bounds"] = THRESHOLD_BOUNDS
        context["threshold_defaults"] = Thresholds.defaults()
    return render(request, "portal/patient_detail.html", context)


@portal_access_required
@require_POST
def portal_patient_alias(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient_of(request, patient_id)
    link = care_link_list_visible_to(psychologist=request.user).get(patient=patient)
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            care_link_alias_set(link=link, psychologist=request.user, alias=form.cleaned_data["alias"])
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
    link = care_link_list_visible_to(psychologist=request.user).get(patient=patient)
    care_link_end(link=link, psychologist=request.user)
    messages.success(request, _("You no longer have access to this person's data."))
    return redirect("portal:patients")
