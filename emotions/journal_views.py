"""The journal pages: the person's history (filtered, a page at a time, with their rhythms) and deleting one entry
behind a confirmation page (a GET shows what goes, a POST with the CSRF token deletes it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Channel
from accounts.views.common import refusal_page, safe_next
from burnout_site.errors import Refusal
from emotions import selectors
from emotions.services import journal_entry_delete

# The period filter: the last N days of the person's time zone, or everything.
JOURNAL_PERIODS = {"30": 30, "90": 90, "365": 365, "all": None}
KIND_CHOICES = [
    ("", gettext_lazy("Everything")),
    (selectors.KIND_ASSESSMENT, gettext_lazy("Photo readings")),
    (selectors.KIND_SELF_REPORT, gettext_lazy("Mood ratings")),
    (selectors.KIND_QUESTIONNAIRE, gettext_lazy("Questionnaires")),
]
PERIOD_CHOICES = [
    ("all", gettext_lazy("All time")),
    ("30", gettext_lazy("Last 30 days")),
    ("90", gettext_lazy("Last 90 days")),
    ("365", gettext_lazy("Last year")),
]


class JournalFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Show"), choices=KIND_CHOICES, required=False)
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIOD_CHOICES, required=False)
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)


def _page_link(request: HttpRequest, data: dict[str, Any], position: selectors.JournalPosition | None) -> str | None:
    if position is None:
        return None
    query = {key: value for key, value in (("kind", data["kind"]), ("period", data["period"])) if value}
    return f"{request.path}?{urlencode({**query, 'cursor': position.encode()})}"


@login_required
@require_GET
@never_cache
def journal(request: HttpRequest) -> HttpResponse:
    form = JournalFilterForm(request.GET)
    if not form.is_valid():
        # A hand-edited address: say what is wrong, show nothing half-filtered.
        return render(request, "emotions/journal.html", {"form": form}, status=400)
    data = form.cleaned_data
    days = JOURNAL_PERIODS[data["period"] or "all"]
    first_day = None
    if days is not None:
        today = timezone.localtime(timezone.now(), selectors.user_tzinfo_get(user=request.user)).date()
        first_day = today - timedelta(days=days - 1)
    try:
        position = selectors.JournalPosition.decode(data["cursor"]) if data["cursor"] else None
    except Refusal as refusal:
        form.add_error(None, refusal.message)
        return render(request, "emotions/journal.html", {"form": form}, status=refusal.status)
    kinds = (data["kind"],) if data["kind"] else selectors.JOURNAL_KINDS
    page = selectors.journal_page_get(user=request.user, kinds=kinds, first_day=first_day, position=position)
    context = {
        "form": form,
        "page": page,
        "older_url": _page_link(request, data, page.older),
        "newer_url": _page_link(request, data, page.newer),
        "patterns": selectors.patterns_compute(user=request.user, first_day=first_day),
        "here": request.get_full_path(),
    }
    return render(request, "emotions/journal.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def journal_entry_delete_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    back = safe_next(request, "emotions:journal")
    if request.method == "POST":
        try:
            journal_entry_delete(user=request.user, kind=kind, entry_id=pk, channel=Channel.WEB)
        except Refusal as refusal:
            return refusal_page(request, refusal, title=_("Nothing was deleted"))
        messages.success(request, _("The entry was deleted. Charts and exports no longer include it."))
        return redirect(back)
    entry = selectors.journal_entry_get(user=request.user, kind=kind, entry_id=pk)
    if entry is None:
        return refusal_page(request, Refusal("not_found", _("No such entry.")), title=_("Nothing was deleted"))
    return render(request, "emotions/journal_delete.html", {"entry": entry, "back": back})
