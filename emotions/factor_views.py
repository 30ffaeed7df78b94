"""The factors page: which of sleep, workload and the person's own tags go with lower mood or more negative
photos (in words, with the days behind each), and managing the tags (add, delete; at most 20)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.views.common import refusal_page
from burnout_site.errors import Refusal
from emotions.factor_models import MAX_TAGS_PER_PERSON, TAG_NAME_MAX_LENGTH
from emotions.selectors.factors import MIN_DAYS, factor_tag_list, factors_rank
from emotions.services.factors import factor_tag_create, factor_tag_delete


class TagForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("New tag"), max_length=TAG_NAME_MAX_LENGTH)


def _page(request: HttpRequest, form: TagForm, *, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "ranking": factors_rank(user=request.user),
        "tags": factor_tag_list(user=request.user),
        "max_tags": MAX_TAGS_PER_PERSON,
        "min_days": MIN_DAYS,
    }
    return render(request, "emotions/factors.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def factors(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, TagForm())
    form = TagForm(request.POST)
    if form.is_valid():
        try:
            factor_tag_create(user=request.user, name=form.cleaned_data["name"])
        except Refusal as refusal:
            form.add_error("name", refusal.message)
        else:
            messages.success(request, _("The tag is added. Choose it with your next mood ratings."))
            return redirect("emotions:factors")
    return _page(request, form, status=400)


@login_required
@require_POST
def factor_tag_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        factor_tag_delete(user=request.user, tag_id=pk)
    except Refusal as refusal:
        return refusal_page(request, refusal, title=_("Nothing was deleted"))
    messages.success(request, _("The tag is deleted; your ratings keep their other factors."))
    return redirect("emotions:factors")
