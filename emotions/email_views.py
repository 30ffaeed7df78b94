"""The e-mail reminders' settings page and the unsubscribe link that works without logging in."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.views.common import posted, refusal_page
from burnout_site.errors import Refusal
from emotions.selectors.patterns import WEEKDAY_NAMES
from emotions.services.email_notifications import (
    REMINDER,
    email_notifications_get,
    email_notifications_set,
    email_unsubscribe,
)

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class EmailNotificationsForm(forms.Form):
    remind = forms.BooleanField(label=gettext_lazy("A daily check-in reminder"), required=False)
    remind_at = forms.TimeField(label=gettext_lazy("at"), required=False, widget=TIME_WIDGET)
    digest = forms.BooleanField(label=gettext_lazy("A weekly digest with a chart"), required=False)
    digest_weekday = forms.TypedChoiceField(
        label=gettext_lazy("on"),
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        required=False,
        empty_value=None,
    )
    digest_at = forms.TimeField(label=gettext_lazy("at"), required=False, widget=TIME_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("remind") and data.get("remind_at") is None and "remind_at" not in self.errors:
            self.add_error("remind_at", _("Choose the time of the daily reminder."))
        if data.get("digest"):
            if data.get("digest_weekday") is None and "digest_weekday" not in self.errors:
                self.add_error("digest_weekday", _("Choose the day of the weekly digest."))
            if data.get("digest_at") is None and "digest_at" not in self.errors:
                self.add_error("digest_at", _("Choose the time of the weekly digest."))
        return data


def _initial(request: HttpRequest) -> dict[str, Any]:
    row = email_notifications_get(user=request.user)
    return {
        "remind": row.remind_at is not None,
        "remind_at": row.remind_at or time(20, 0),
        "digest": row.digest_at is not None,
        "digest_weekday": row.digest_weekday if row.digest_weekday is not None else 6,
        "digest_at": row.digest_at or time(19, 0),
    }


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    form = EmailNotificationsForm(posted(request), initial=_initial(request))
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                email_notifications_set(
                    user=request.user,
                    remind_at=data["remind_at"] if data["remind"] else None,
                    digest=(data["digest_weekday"], data["digest_at"]) if data["digest"] else None,
                )
            except Refusal as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Your e-mail settings are saved."))
                return redirect("emotions:email_settings")
        return render(request, "emotions/email_settings.html", {"form": form}, status=400)
    return render(request, "emotions/email_settings.html", {"form": form})


# No CSRF check: the signed token is the whole authority (no session is involved), and mail programs send the
# RFC 8058 one-click POST without any cookie or form token. A GET only shows the button, so link scanners that
# open every link in an e-mail unsubscribe nobody.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def email_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        return render(request, "emotions/email_unsubscribe.html", {"done": False})
    try:
        kind = email_unsubscribe(token=token)
    except Refusal as refusal:
        return refusal_page(request, refusal, title=_("This link did not work"))
    text = (
        _("You will get no more daily reminders by e-mail.")
        if kind == REMINDER
        else _("You will get no more weekly digests by e-mail.")
    )
    return render(request, "emotions/email_unsubscribe.html", {"done": True, "text": text})
