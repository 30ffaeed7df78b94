"""Account pages. Views only route: forms validate, services write."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import FormView

from .alert_channels import alert_channel_connect_path, alert_channel_connected, alert_channel_effective
from .decorators import portal_access_required
from .forms import (
    AlertChannelForm,
    CareCodeForm,
    DeleteAccountForm,
    OTPTokenForm,
    ProfileForm,
    PsychologistProfileForm,
    SignUpForm,
)
from .models import CareLink, ConsentDocument, ConsentKind, DataExport, PsychologistProfile, User
from .selectors import (
    PRIVACY_PAGE_KINDS,
    audit_clinician_reads_of,
    care_links_of_patient,
    consent_current_document,
    consent_event_list,
    consent_overview,
    data_export_list,
    psychologist_by_code,
    psychologist_profile_of,
    user_has_confirmed_otp_device,
)
from .services import (
    CODE_UNKNOWN_MESSAGE,
    OTP_WRONG_CODE_MESSAGE,
    PATIENTS_ONLY_MESSAGE,
    ConsentRequired,
    ExportLinkExpired,
    account_erase,
    care_link_create,
    care_link_revoke,
    consent_grant,
    consent_withdraw,
    data_export_open,
    data_export_request,
    data_export_token,
    otp_device_confirm,
    otp_device_for_setup,
    psychologist_alert_channel_set,
    psychologist_profile_save,
    user_create,
    user_password_changed,
    user_profile_update,
)


def _add_service_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, beside the field it names when the form has one."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _apply_language(response: HttpResponse, language: str) -> HttpResponse:
    """Make the account's language the browser's too; an empty choice hands it back to the browser."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


class SignUpView(FormView):
    template_name = "accounts/signup.html"
    form_class = SignUpForm
    success_url = reverse_lazy("emotions:dashboard")

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: SignUpForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            user = user_create(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                role=data["role"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
            return self.form_invalid(form)
        # Named: with django-axes there are two backends, and only ModelBackend logs people in.
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Welcome! Your account is ready."))
        if user.is_psychologist:
            # Nothing in the portal works before the licence is entered and checked.
            return redirect("accounts:psychologist_profile")
        return super().form_valid(form)


class LoginView(auth_views.LoginView):
    """Django's LoginView (it refuses off-site `next` URLs) plus the account's saved language."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        if self.request.user.is_authenticated and self.request.user.is_psychologist:
            return resolve_url("portal:patients")
        return super().get_default_redirect_url()

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        language = form.get_user().language
        # Only a saved choice overrides the browser; an empty one leaves the cookie alone.
        return _apply_language(response, language) if language else response


class ProfileView(LoginRequiredMixin, FormView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm
    success_url = reverse_lazy("accounts:profile")

    def get_form_kwargs(self) -> dict[str, object]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: ProfileForm) -> HttpResponse:
        user: User = self.request.user
        try:
            user_profile_update(user=user, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
            return self.form_invalid(form)
        # The confirmation is the first text shown after the change: say it in the new language.
        with translation.override(user.language or translation.get_language()):
            messages.success(self.request, _("Your profile has been saved."))
        return _apply_language(HttpResponseRedirect(resolve_url(self.get_success_url())), user.language)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)  # saves; this session stays signed in, under a new key
        user_password_changed(user=form.user, keep_session=self.request.session.session_key)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# --- privacy: consents, exports, erasure ---------------------------------------------------------------


def _posted(request: HttpRequest) -> Any:
    # Not `request.POST or None`: an empty POST must still bind the form, so it reports what is missing.
    return request.POST if request.method == "POST" else None


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


def _message_page(request: HttpRequest, message: str, *, status: int, title: str | None = None) -> HttpResponse:
    """A plain page with one explanation: what bad links and refused actions answer, never a bare error."""
    return render(
        request,
        "accounts/message.html",
        {"message": message, "title": title or _("This did not work")},
        status=status,
    )


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
        "consents": consent_overview(user=user),
        "consent_events": consent_event_list(user=user)[:50],
        "care_links": care_links_of_patient(patient=user) if user.is_patient else [],
        "reads": audit_clinician_reads_of(user=user),
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
    next_url = _safe_next(request, "accounts:privacy")
    if document is None:
        return _message_page(request, str(ConsentRequired(None, kind).message), status=503)
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
    except ValidationError as exc:
        status = 409 if exc.code in ("outdated", "already_granted") else 400
        return render(request, "accounts/consent.html", {**context, "error": exc.messages[0]}, status=status)
    messages.success(request, _("Thank you. Your consent has been recorded."))
    return redirect(next_url)


@login_required
@require_POST
def consent_withdraw_view(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _consent_kind(kind)
    try:
        consent_withdraw(user=request.user, kind=kind)
    except ValidationError as exc:
        return _message_page(request, exc.messages[0], status=409)
    if kind == ConsentKind.PROCESSING:
        messages.success(
            request,
            _(
                "Your consent has been withdrawn and no more photos will be analysed. Your earlier results are "
                "kept until you delete them: you can download a copy of your data or delete your account below."
            ),
        )
        if care_links_of_patient(patient=request.user).filter(status=CareLink.Status.ACTIVE).exists():
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
    except ValidationError as exc:
        return _message_page(request, exc.messages[0], status=409)
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
    except DataExport.DoesNotExist:
        return _message_page(request, _("This download link is not valid."), status=404)
    except ExportLinkExpired:
        return _message_page(
            request,
            _("This download link has expired. Request a new copy of your data on your privacy page."),
            status=410,
        )
    response = FileResponse(export.file.open("rb"), as_attachment=True, filename="burnout-detector-my-data.zip")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            account_erase(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_error("password", exc)
            return render(request, "accounts/delete.html", {"form": form}, status=400)
        logout(request)
        messages.success(request, _("Your account and all your data have been deleted."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if request.method == "POST" else 200)


# --- psychologists: licence, verification, two-factor authentication ------------------------------------


def _psychologist_only(request: HttpRequest) -> None:
    if not request.user.is_psychologist:
        raise Http404


def _two_factor_home(request: HttpRequest) -> str:
    """Where the two-factor pages lead by default; they exist only for the roles that need them:
    psychologists (the portal) and staff (the admin)."""
    if request.user.is_psychologist:
        return "portal:patients"
    if request.user.is_staff:
        return "admin:index"
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def psychologist_profile(request: HttpRequest) -> HttpResponse:
    _psychologist_only(request)
    profile = psychologist_profile_of(user=request.user)
    initial = (
        {"licence_number": profile.licence_number, "issuing_body": profile.issuing_body, "country": profile.country}
        if profile
        else None
    )
    form = PsychologistProfileForm(_posted(request), initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                psychologist_profile_save(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Your licence details have been saved."))
                return redirect("accounts:psychologist_pending")
        return render(request, "accounts/psychologist_profile.html", {"form": form, "profile": profile}, status=400)
    return render(request, "accounts/psychologist_profile.html", {"form": form, "profile": profile})


@login_required
@require_GET
def psychologist_pending(request: HttpRequest) -> HttpResponse:
    _psychologist_only(request)
    profile = psychologist_profile_of(user=request.user)
    if profile is None:
        return redirect("accounts:psychologist_profile")
    if profile.is_verified:
        return redirect("portal:patients")
    return render(request, "accounts/psychologist_pending.html", {"profile": profile})


@portal_access_required
@require_http_methods(["GET", "POST"])
def psychologist_alerts(request: HttpRequest) -> HttpResponse:
    """Where burnout alerts go: e-mail or Telegram. Behind the portal's checks: alerts name patients."""
    profile: PsychologistProfile = request.psychologist_profile
    form = AlertChannelForm(_posted(request), initial={"alert_channel": profile.alert_channel})
    if request.method == "POST":
        if form.is_valid():
            try:
                psychologist_alert_channel_set(profile=profile, channel=form.cleaned_data["alert_channel"])
            except ValidationError as exc:
                form.add_error("alert_channel", exc)
            else:
                messages.success(request, _("Your alert settings have been saved."))
                return redirect("accounts:psychologist_alerts")
        return render(request, "accounts/psychologist_alerts.html", _alerts_context(profile, form), status=400)
    return render(request, "accounts/psychologist_alerts.html", _alerts_context(profile, form))


def _alerts_context(profile: PsychologistProfile, form: AlertChannelForm) -> dict[str, object]:
    telegram = PsychologistProfile.AlertChannel.TELEGRAM
    return {
        "form": form,
        "profile": profile,
        "effective": alert_channel_effective(profile=profile),
        "telegram_connected": alert_channel_connected(user=profile.user, channel=telegram),
        "telegram_connect_url": alert_channel_connect_path(channel=telegram),
    }


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def otp_setup(request: HttpRequest) -> HttpResponse:
    from base64 import b32encode

    from django_otp import login as otp_login

    next_url = _safe_next(request, _two_factor_home(request))
    if user_has_confirmed_otp_device(request.user):
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': next_url})}")
    device = otp_device_for_setup(user=request.user)
    form = OTPTokenForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                otp_device_confirm(user=request.user, device=device, token=form.cleaned_data["token"])
            except ValidationError as exc:
                form.add_error("token", exc)
            else:
                otp_login(request, device)
                messages.success(request, _("Two-factor authentication is on."))
                return redirect(next_url)
        status = 400
    context = {
        "form": form,
        "next": next_url,
        "secret": b32encode(device.bin_key).decode(),
        "otpauth_uri": device.config_url,
        # Safe: an SVG that qrcode draws from our own otpauth URI, no user-controlled markup.
        "qr_svg": mark_safe(_qr_svg(device.config_url)),
    }
    return render(request, "accounts/otp_setup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def otp_verify(request: HttpRequest) -> HttpResponse:
    from django_otp import login as otp_login
    from django_otp import match_token

    next_url = _safe_next(request, _two_factor_home(request))
    if not user_has_confirmed_otp_device(request.user):
        return redirect(f"{reverse('accounts:otp_setup')}?{urlencode({'next': next_url})}")
    form = OTPTokenForm(_posted(request))
    if request.method == "POST":
        if form.is_valid():
            device = match_token(request.user, form.cleaned_data["token"].strip())
            if device is not None:
                otp_login(request, device)
                return redirect(next_url)
            form.add_error("token", OTP_WRONG_CODE_MESSAGE)
        return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url}, status=400)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


# --- care: a patient's psychologists -------------------------------------------------------------------


def _patients_only(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_patient:
        return _message_page(request, str(PATIENTS_ONLY_MESSAGE), status=403)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def care_index(request: HttpRequest) -> HttpResponse:
    refused = _patients_only(request)
    if refused:
        return refused
    form = CareCodeForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            profile = psychologist_by_code(code=form.cleaned_data["code"])
            if profile is not None:
                return redirect("care:invite", code=profile.code)
            form.add_error("code", CODE_UNKNOWN_MESSAGE)
        status = 400
    links = care_links_of_patient(patient=request.user)
    return render(request, "care/index.html", {"form": form, "links": links}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def care_invite(request: HttpRequest, code: str) -> HttpResponse:
    """The sharing consent naming the psychologist; confirming it opens the link."""
    refused = _patients_only(request)
    if refused:
        return refused
    profile = psychologist_by_code(code=code)
    if profile is None:
        return _message_page(request, str(CODE_UNKNOWN_MESSAGE), status=404)
    document = consent_current_document(kind=ConsentKind.SHARING)
    if document is None:
        return _message_page(request, str(ConsentRequired(None, ConsentKind.SHARING).message), status=503)
    context = {
        "profile": profile,
        "psychologist": profile.user,
        "document": document,
        "document_text": document.text_for(translation.get_language()),
    }
    if request.method == "GET":
        return render(request, "care/invite.html", context)
    try:
        care_link_create(patient=request.user, code=profile.code)
    except ValidationError as exc:
        status = 409 if exc.code == "already_linked" else 400
        return render(request, "care/invite.html", {**context, "error": exc.messages[0]}, status=status)
    messages.success(request, _("You now share your data with %(name)s.") % {"name": profile.user.display_name})
    return redirect("care:index")


@login_required
@require_POST
def care_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Looked up among the person's own links only: another person's link id is a 404.
    link = get_object_or_404(CareLink.objects.filter(patient=request.user), pk=pk)
    try:
        care_link_revoke(link=link, patient=request.user)
    except ValidationError as exc:
        return _message_page(request, exc.messages[0], status=409)
    messages.success(
        request,
        _("%(name)s can no longer see your data.") % {"name": link.psychologist.display_name},
    )
    return redirect("care:index")


# --- login throttling (django-axes) ------------------------------------------------------------------------


def client_ip_address(request: HttpRequest) -> str:
    """The address django-axes counts failures against.

    Behind our reverse proxy (BEHIND_PROXY) REMOTE_ADDR is the proxy itself; the last X-Forwarded-For entry is
    the address the proxy saw (earlier entries are whatever the client claimed).
    """
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def lockout_message() -> str:
    hours = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 3600))
    return ngettext(
        "Too many failed log-in attempts. For your safety, logging in to this account from here is paused for "
        "%(hours)d hour. Please try again later.",
        "Too many failed log-in attempts. For your safety, logging in to this account from here is paused for "
        "%(hours)d hours. Please try again later.",
        hours,
    ) % {"hours": hours}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """What django-axes answers once a username and address are locked out: 429, the API's error shape or a page."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "locked_out", "message": message, "fields": {}}}, status=429)
    context = {"title": _("Log-in paused"), "message": message}
    return render(request, "accounts/message.html", context, status=429)
