"""Web forms for the emotions pages: they validate input through services and never save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from emotions.models import CBI_ANSWERS, CBI_ITEMS, SelfReport
from emotions.photos import PhotoRejected, ValidatedPhoto, photo_validate


class PhotoUploadForm(forms.Form):
    photo = forms.FileField(
        label=_("Your photo"),
        # Empty files reach photo_validate, so every channel answers them with the same message.
        allow_empty_file=True,
        error_messages={"required": _("Please choose a photo to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = _(
            "A selfie in good light, looking at the camera. JPEG, PNG or WebP, up to %(limit)s."
        ) % {"limit": filesizeformat(settings.PHOTO_MAX_BYTES)}

    def clean_photo(self) -> ValidatedPhoto:
        upload: UploadedFile = self.cleaned_data["photo"]
        try:
            return photo_validate(data=upload)
        except PhotoRejected as rejected:
            raise ValidationError(rejected.message, code=rejected.code) from None


MOOD_CHOICES = [
    (1, _("1 · Very bad")),
    (2, _("2 · Bad")),
    (3, _("3 · So-so")),
    (4, _("4 · Good")),
    (5, _("5 · Very good")),
]


class SelfReportForm(forms.Form):
    mood = forms.TypedChoiceField(
        label=_("How do you feel? 1–5"),
        choices=MOOD_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose how you feel, from 1 to 5.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=SelfReport.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The photo this rating answers, when the form sits on a photo's page.
    assessment = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Optional factors (emotions/services/factors.py checks them and says what is wrong).
    sleep_hours = forms.CharField(
        label=_("Sleep last night, hours"),
        required=False,
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 4}),
    )
    workload = forms.ChoiceField(
        label=_("Workload today"),
        required=False,
        choices=[("", "—"), *[(str(n), str(n)) for n in range(1, 6)]],
    )
    tags = forms.CharField(
        label=_("Tags, separated by commas"),
        required=False,
        max_length=900,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. deadline, gym")}),
    )

    def tag_names(self) -> list[str]:
        return [name for name in (self.cleaned_data.get("tags") or "").split(",") if name.strip()]


class CbiForm(forms.Form):
    """The six items of the CBI personal-burnout scale on one page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, text in CBI_ITEMS.items():
            self.fields[key] = forms.ChoiceField(
                label=text,
                choices=list(CBI_ANSWERS.items()),
                widget=forms.RadioSelect,
                error_messages={"required": _("Please answer this question.")},
            )

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in CBI_ITEMS}


class CareSessionForm(forms.Form):
    """A session date on the portal's patient page; the service (care_session_create) checks the day itself."""

    date = forms.DateField(
        label=_("Session date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Give the session's date."), "invalid": _("Give the date as YYYY-MM-DD.")},
    )
