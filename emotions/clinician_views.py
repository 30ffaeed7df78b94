"""The psychologist's tools on the portal (sessions, the PDF report, the list as CSV) and the patient's own report.

Every read goes through an audited selector (emotions.selectors.clinician, .brief, emotions.reports): a patient
who does not share with this psychologist now, or does not share what a page needs, is a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import portal_access_required
from accounts.models import AuditEvent
from accounts.views.common import message_page, refusal_page
from burnout_site.errors import Refusal
from emotions import selectors
from emotions.burnout import THRESHOLD_BOUNDS
from emotions.forms import CareSessionForm
from emotions.portal_csv import portal_rows_csv
from emotions.reports import own_report_read, patient_report_read, report_days_parse
from emotions.services.flag_acknowledgements import burnout_flag_acknowledge
from emotions.services.flag_thresholds import flag_threshold_set
from emotions.services.sessions import care_session_create


@portal_access_required
@require_POST
def portal_session_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Record a session date from the patient page. Refused input is a 400 page saying why (nothing stored)."""
    if selectors.patient_link_get(psychologist=request.user, patient_id=patient_id) is None:
        raise Http404
    form = CareSessionForm(request.POST)
    if not form.is_valid():
        return message_page(request, next(iter(form.errors.values()))[0], status=400)
    try:
        care_session_create(psychologist=request.user, patient_id=patient_id, on=form.cleaned_data["date"])
    except Refusal as refusal:
        return refusal_page(request, refusal)
    messages.success(request, _("The session date has been saved. The brief now starts there."))
    return redirect("portal:patient_detail", patient_id=patient_id)


@portal_access_required
@require_POST
def portal_flag_acknowledge(request: HttpRequest, patient_id: int, flag_id: int) -> HttpResponse:
    """Acknowledge an open flag with a short note; a refusal is a page with its reason and status."""
    try:
        burnout_flag_acknowledge(
            psychologist=request.user, patient_id=patient_id, flag_id=flag_id, note=request.POST.get("note", "")
        )
    except Refusal as refusal:
        if refusal.status == 404:
            raise Http404 from None
        return refusal_page(request, refusal)
    messages.success(request, _("Acknowledged. The patient sees that you saw the signal, not your note."))
    return redirect("portal:patient_detail", patient_id=patient_id)


@portal_access_required
@require_POST
def portal_thresholds_set(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Your own thresholds for this patient (empty: the default); out of bounds is a 400 page saying which."""
    values = {name: request.POST.get(name, "") for name in THRESHOLD_BOUNDS}
    try:
        flag_threshold_set(psychologist=request.user, patient_id=patient_id, values=values)
    except Refusal as refusal:
        if refusal.status == 404:
            raise Http404 from None
        return refusal_page(request, refusal)
    messages.success(request, _("Your thresholds for this patient are saved. They apply to your view only."))
    return redirect("portal:patient_detail", patient_id=patient_id)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A health report: never kept by a shared cache or the browser's.
    response["Cache-Control"] = "no-store, private"
    return response


def report_filename(patient_id: int, days: int) -> str:
    return f"report-{patient_id}-{timezone.localdate().isoformat()}-{days}d.pdf"


@portal_access_required
@require_GET
@never_cache
def portal_patient_report(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's PDF report (?days=7..365), only what they share with this psychologist; audited."""
    link = selectors.patient_link_get(psychologist=request.user, patient_id=patient_id)
    if link is None:
        raise Http404
    try:
        days = report_days_parse(request.GET.get("days"))
    except Refusal as refusal:
        return refusal_page(request, refusal)
    pdf = patient_report_read(
        psychologist=request.user, link=link, categories=selectors.link_categories(link=link), days=days
    )
    return pdf_response(pdf, report_filename(patient_id, days))


@login_required
@require_GET
@never_cache
def own_report(request: HttpRequest) -> HttpResponse:
    """The person's own PDF report, to bring to a clinician who is not on the platform; on their privacy page."""
    try:
        days = report_days_parse(request.GET.get("days"))
    except Refusal as refusal:
        return refusal_page(request, refusal)
    return pdf_response(own_report_read(user=request.user, days=days), report_filename(request.user.pk, days))


@portal_access_required
@require_GET
@never_cache
def portal_patients_csv(request: HttpRequest) -> HttpResponse:
    """The list as shown (same sort) as CSV; each patient in it gets the export line on their privacy page."""
    sort = request.GET.get("sort", "flag")
    if sort not in selectors.PORTAL_SORTS:
        sort = "flag"
    rows = selectors.portal_patient_list_read(
        psychologist=request.user, sort=sort, action=AuditEvent.Action.PORTAL_LIST_EXPORT, detail={"sort": sort}
    )
    # The BOM lets spreadsheet programs read the file as UTF-8 (Cyrillic names).
    body = "\ufeff" + portal_rows_csv(rows, window_days=settings.PORTAL_WINDOW_DAYS)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="patients-{timezone.localdate().isoformat()}.csv"'
    response["Cache-Control"] = "no-store, private"
    return response
