"""Web forms for the emotions pages: they validate input through services and never save."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from emotions.services import PhotoRejected, ValidatedPhoto, photo_validate


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
