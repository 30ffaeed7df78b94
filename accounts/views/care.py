"""A patient's psychologists: sharing by a psychologist's code, and ending it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from burnout_site.errors import Refusal

from ..forms import CareCodeForm
from ..models import CareLink, ConsentKind
from ..selectors import care_link_list_of_patient, consent_current_document, psychologist_profile_get_by_code
from ..services import CODE_UNKNOWN_MESSAGE, PATIENTS_ONLY_MESSAGE, ConsentRequired, care_link_create, care_link_revoke
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
    links = care_link_list_of_patient(patient=request.user)
    return render(request, "care/index.html", {"form": form, "links": links}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def care_invite(request: HttpRequest, code: str) -> HttpResponse:
    """The sharing consent naming the psychologist; confirming it opens the link."""
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
    except Refusal as refusal:
        return render(request, "care/invite.html", {**context, "error": refusal.message}, status=refusal.status)
    messages.success(request, _("You now share your data with %(name)s.") % {"name": profile.user.display_name})
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
