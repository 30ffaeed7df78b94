"""A psychologist's licence details, the page while they wait for verification, and alert settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from burnout_site.errors import Refusal

from ..channels import alert_channel_effective, alert_channel_label, alert_channel_list
from ..decorators import portal_access_required
from ..forms import AlertChannelForm, PsychologistProfileForm
from ..models import PsychologistProfile
from ..selectors import psychologist_profile_get
from ..services import psychologist_alert_channel_set, psychologist_profile_save
from .common import add_refusal, posted


def _psychologist_only(request: HttpRequest) -> None:
    if not request.user.is_psychologist:
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def psychologist_profile(request: HttpRequest) -> HttpResponse:
    _psychologist_only(request)
    profile = psychologist_profile_get(user=request.user)
    initial = (
        {"licence_number": profile.licence_number, "issuing_body": profile.issuing_body, "country": profile.country}
        if profile
        else None
    )
    form = PsychologistProfileForm(posted(request), initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                psychologist_profile_save(user=request.user, **form.cleaned_data)
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("Your licence details have been saved."))
                return redirect("accounts:psychologist_pending")
        return render(request, "accounts/psychologist_profile.html", {"form": form, "profile": profile}, status=400)
    return render(request, "accounts/psychologist_profile.html", {"form": form, "profile": profile})


@login_required
@require_GET
def psychologist_pending(request: HttpRequest) -> HttpResponse:
    _psychologist_only(request)
    profile = psychologist_profile_get(user=request.user)
    if profile is None:
        return redirect("accounts:psychologist_profile")
    if profile.is_verified:
        return redirect("portal:patients")
    return render(request, "accounts/psychologist_pending.html", {"profile": profile})


@portal_access_required
@require_http_methods(["GET", "POST"])
def psychologist_alerts(request: HttpRequest) -> HttpResponse:
    """Where burnout alerts go: e-mail or a registered channel. Behind the portal's checks: alerts name patients."""
    profile: PsychologistProfile = request.psychologist_profile
    form = AlertChannelForm(posted(request), initial={"alert_channel": profile.alert_channel})
    if request.method == "POST":
        if form.is_valid():
            try:
                psychologist_alert_channel_set(profile=profile, channel=form.cleaned_data["alert_channel"])
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("Your alert settings have been saved."))
                return redirect("accounts:psychologist_alerts")
        return render(request, "accounts/psychologist_alerts.html", _alerts_context(profile, form), status=400)
    return render(request, "accounts/psychologist_alerts.html", _alerts_context(profile, form))


@dataclass(frozen=True)
class AlertChannelRow:
    """One registered alert channel as the page shows it: whether it is connected, where to connect it."""

    label: str
    connected: bool
    connect_url: str | None


def _alerts_context(profile: PsychologistProfile, form: AlertChannelForm) -> dict[str, object]:
    return {
        "form": form,
        "profile": profile,
        "effective": alert_channel_effective(profile=profile),
        "chosen_label": alert_channel_label(channel=profile.alert_channel),
        "channels": [
            AlertChannelRow(
                label=str(channel.label),
                connected=channel.is_connected(user=profile.user),
                connect_url=channel.connect_path(),
            )
            for channel in alert_channel_list()
        ],
    }
