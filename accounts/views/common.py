"""What the account pages share: a posted form, a safe `next`, a service's errors on a form, the message page,
and a Refusal as a page (its message, with the status its code declares in burnout_site/errors.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from burnout_site.errors import Refusal


def add_service_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, beside the field it names when the form has one."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def add_refusal(form: Form, refusal: Refusal) -> None:
    """Show a service's refusal on the form, beside the field it is about when the form has that field."""
    form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)


def posted(request: HttpRequest) -> Any:
    # Not `request.POST or None`: an empty POST must still bind the form, so it reports what is missing.
    return request.POST if request.method == "POST" else None


def safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


def message_page(request: HttpRequest, message: str, *, status: int, title: str | None = None) -> HttpResponse:
    """A plain page with one explanation: what bad links and refused actions answer, never a bare error."""
    return render(
        request,
        "accounts/message.html",
        {"message": message, "title": title or _("This did not work")},
        status=status,
    )


def refusal_page(
    request: HttpRequest,
    refusal: Refusal,
    *,
    title: str | None = None,
    template: str | None = None,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A service's refusal as a page: its message, with the HTTP status its code declares.

    The message page (under `title`) unless `template` names a page of its own, which gets `message` beside
    `context`."""
    if template is None:
        return message_page(request, refusal.message, status=refusal.status, title=title)
    return render(request, template, {**(context or {}), "message": refusal.message}, status=refusal.status)
