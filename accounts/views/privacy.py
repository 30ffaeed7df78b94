"""The privacy pages: consents, the audit of who read the data, export and erasure."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from burnout_site.errors import Refusal

from ..forms import DeleteAccountForm
from ..models import CareLink, ConsentDocument, ConsentKind, DataExport, User
from ..selectors import (
    PRIVACY_PAGE_KINDS,
    audit_read_days,
    care_link_list_of_patient,
    consent_current_document,
    consent_event_list,
    consent_state_list,
    data_export_list,
    user_zone,
)
from ..services import (
    ConsentRequired,
    consent_grant,
    consent_withdraw,
    data_export_open,
    data_export_request,
    data_export_token,
    user_erase,
)
from .common import add_refusal, posted, refusal_page, safe_next


@login_required
@require_GET
@never_cache
def privacy(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    exports = [
        (export, data_export_token(export=export) if export.status == DataExport.Status.READY else "")
        for export in data_export_list(user=user)
    ]
    context = {
        "consents": consent_state_list(user=user),
        "consent_events": consent_event_list(user=user)[:50],
        "care_links": care_link_list_of_patient(patient=user) if user.is_patient else [],
        # Repeated views within AUDIT_REPEAT_WINDOW_MINUTES read as one entry, grouped by psychologist and day.
        "read_days": audit_read_days(user=user),
        "repeat_window": settings.AUDIT_REPEAT_WINDOW_MINUTES,
        "user_tz": user_zone(user),
        "exports": exports,
        "now": timezone.now(),
        "export_link_hours": settings.EXPORT_LINK_HOURS,
    }
    return render(request, "accounts/privacy.html", context)


def _consent_kind(kind: str) -> str:
    # Sharing is given to one named psychologist on the care pages, never as a bare yes here.
    if kind not in {str(k) for k in PRIVACY_PAGE_KINDS}:
        raise Http404
    return kind


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def consent(request: HttpRequest, kind: str) -> HttpResponse:
    """Read the current document for a purpose and accept it."""
    kind = _consent_kind(kind)
    document = consent_current_document(kind=kind)
    next_url = safe_next(request, "accounts:privacy")
    if document is None:
        return refusal_page(request, ConsentRequired(None, kind))
    context = {
        "document": document,
        "document_text": document.text_for(translation.get_language()),
        "kind_label": ConsentKind(kind).label,
        "next": next_url,
    }
    if request.method == "GET":
        return render(request, "accounts/consent.html", context)
    try:
        posted = ConsentDocument.objects.get(pk=int(request.POST.get("document", "")))
    except (ValueError, ConsentDocument.DoesNotExist):
        posted = None
    if posted is None or posted.kind != kind:
        return render(
            request, "accounts/consent.html", {**context, "error": _("Please accept the document shown.")}, status=400
        )
    try:
        consent_grant(user=request.user, document=posted)
    except Refusal as refusal:
        return render(request, "accounts/consent.html", {**context, "error": refusal.message}, status=refusal.status)
    messages.success(request, _("Thank you. Your consent has been recorded."))
    return redirect(next_url)


@login_required
@require_POST
def consent_withdraw_view(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _consent_kind(kind)
    try:
        consent_withdraw(user=request.user, kind=kind)
    except Refusal as refusal:
        return refusal_page(request, refusal)
    if kind == ConsentKind.PROCESSING:
        messages.success(
            request,
            _(
                "Your consent has been withdrawn and no more photos will be analysed. Your earlier results are "
                "kept until you delete them: you can download a copy of your data or delete your account below."
            ),
        )
        if care_link_list_of_patient(patient=request.user).filter(status=CareLink.Status.ACTIVE).exists():
            messages.info(
                request,
                _(
                    "The psychologists you share your data with no longer see it and get no alerts about you "
                    "until you give this consent again. To stop sharing for good, revoke it on the "
                    "“My psychologist” page."
                ),
            )
    else:
        messages.success(request, _("Your consent has been withdrawn."))
    return redirect("accounts:privacy")


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    try:
        data_export_request(user=request.user)
    except Refusal as refusal:
        return refusal_page(request, refusal)
    messages.success(
        request,
        _(
            "We are preparing your data. The download link appears on this page when it is ready: "
            "reload the page in a minute."
        ),
    )
    return redirect("accounts:privacy")


@login_required
@require_GET
@never_cache
def export_download(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        export = data_export_open(user=request.user, token=token)
    except Refusal as refusal:  # not_found (404) or expired (410)
        return refusal_page(request, refusal)
    response = FileResponse(export.file.open("rb"), as_attachment=True, filename="burnout-detector-my-data.zip")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user_erase(user=request.user, password=form.cleaned_data["password"])
        except Refusal as refusal:
            add_refusal(form, refusal)
            return render(request, "accounts/delete.html", {"form": form}, status=400)
        logout(request)
        messages.success(request, _("Your account and all your data have been deleted."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if request.method == "POST" else 200)
