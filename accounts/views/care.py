"""A patient's psychologists: sharing by a psychologist's code, and ending it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from burnout_site.errors import Refusal

from ..forms import CareCodeForm, SharingCategoriesForm
from ..models import CareLink, ConsentKind, SharingCategory
from ..selectors import care_link_list_of_patient, consent_current_document, psychologist_profile_get_by_code
from ..services import (
    CODE_UNKNOWN_MESSAGE,
    PATIENTS_ONLY_MESSAGE,
    ConsentRequired,
    care_link_categories_set,
    care_link_create,
    care_link_revoke,
)
from .common import posted, refusal_page


def _patients_only(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_patient:
        return refusal_page(request, Refusal("not_patient", str(PATIENTS_ONLY_MESSAGE)))
    return None


@login_required
@require_http_methods(["GET", "POST"])
def care_index(request: HttpRequest) -> HttpResponse:
    refused = _patients_only(request)
    if refused:
        return refused
    form = CareCodeForm(posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            profile = psychologist_profile_get_by_code(code=form.cleaned_data["code"])
            if profile is not None:
                return redirect("care:invite", code=profile.code)
            form.add_error("code", CODE_UNKNOWN_MESSAGE)
        status = 400
    links = list(care_link_list_of_patient(patient=request.user))
    # Links made before categories existed: the patient is invited to review them until they confirm.
    to_review = [link for link in links if link.is_active and link.categories_review_pending]
    context = {"form": form, "links": links, "to_review": to_review}
    return render(request, "care/index.html", context, status=status)


def _categories_chosen(
    request: HttpRequest, initial: tuple[str, ...] = ()
) -> tuple[SharingCategoriesForm, tuple[str, ...] | None, int]:
    """The categories form, the categories chosen (None: not yet, or refused) and the page's status.

    Choosing is a GET (`step=review`): the page then shows the document naming exactly those categories, and
    the confirmation posts them again; a POST is the agreement itself.
    """
    data = request.POST if request.method == "POST" else (request.GET if "step" in request.GET else None)
    if data is None:
        form = SharingCategoriesForm(initial={"categories": list(initial)})
        return form, (initial or None), 200
    form = SharingCategoriesForm(data)
    if not form.is_valid():
        return form, None, 400
    return form, tuple(c for c in SharingCategory.values if c in form.cleaned_data["categories"]), 200


def _sharing_page(
    request: HttpRequest, template_context: dict[str, Any], chosen: tuple[str, ...] | None, status: int
) -> HttpResponse:
    document = template_context["document"]
    if chosen:
        template_context["document_text"] = document.text_for(translation.get_language(), chosen)
        template_context["chosen"] = chosen
    return render(request, "care/invite.html", template_context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def care_invite(request: HttpRequest, code: str) -> HttpResponse:
    """The sharing consent naming the psychologist and the chosen categories; confirming it opens the link."""
    refused = _patients_only(request)
    if refused:
        return refused
    profile = psychologist_profile_get_by_code(code=code)
    if profile is None:
        # A link, not typed input: an unknown code in the address is a page that does not exist.
        return refusal_page(request, Refusal("not_found", str(CODE_UNKNOWN_MESSAGE)))
    document = consent_current_document(kind=ConsentKind.SHARING)
    if document is None:
        return refusal_page(request, ConsentRequired(None, ConsentKind.SHARING))
    form, chosen, status = _categories_chosen(request)
    context = {
        "profile": profile,
        "psychologist": profile.user,
        "document": document,
        "form": form,
        "choose_url": reverse("care:invite", args=[profile.code]),
    }
    if request.method == "GET" or not chosen:
        return _sharing_page(request, context, chosen, status)
    try:
        care_link_create(patient=request.user, code=profile.code, categories=chosen)
    except Refusal as refusal:
        return _sharing_page(request, {**context, "error": refusal.message}, chosen, refusal.status)
    messages.success(request, _("You now share your data with %(name)s.") % {"name": profile.user.display_name})
    return redirect("care:index")


@login_required
@require_http_methods(["GET", "POST"])
def care_link_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Change (or confirm, when invited to review) what an active link shares: a new sharing consent."""
    # Among the person's own active links only: anything else is a 404.
    link = get_object_or_404(
        care_link_list_of_patient(patient=request.user).filter(status=CareLink.Status.ACTIVE), pk=pk
    )
    document = consent_current_document(kind=ConsentKind.SHARING)
    if document is None:
        return refusal_page(request, ConsentRequired(None, ConsentKind.SHARING))
    form, chosen, status = _categories_chosen(request, initial=link.categories)
    psychologist = link.psychologist
    context = {
        "link": link,
        "profile": getattr(psychologist, "psychologist_profile", None),
        "psychologist": psychologist,
        "document": document,
        "form": form,
        "choose_url": reverse("care:change", args=[link.pk]),
    }
    if request.method == "GET" or not chosen:
        return _sharing_page(request, context, chosen, status)
    try:
        care_link_categories_set(link=link, patient=request.user, categories=chosen)
    except Refusal as refusal:
        return _sharing_page(request, {**context, "error": refusal.message}, chosen, refusal.status)
    messages.success(request, _("What %(name)s can see has been saved.") % {"name": psychologist.display_name})
    return redirect("care:index")


@login_required
@require_POST
def care_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Looked up among the person's own links only: another person's link id is a 404.
    link = get_object_or_404(CareLink.objects.filter(patient=request.user), pk=pk)
    try:
        care_link_revoke(link=link, patient=request.user)
    except Refusal as refusal:
        return refusal_page(request, refusal)
    messages.success(
        request,
        _("%(name)s can no longer see your data.") % {"name": link.psychologist.display_name},
    )
    return redirect("care:index")
