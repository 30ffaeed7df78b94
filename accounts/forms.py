"""Web forms for accounts: they validate input and hand it to services; they never save."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .channels import alert_channel_choices
from .models import SharingCategory, User
from .selectors import user_email_taken
from .services import EMAIL_TAKEN_MESSAGE
from .services.care import CATEGORIES_EMPTY_MESSAGE
from .validators import LANGUAGE_INVALID_MESSAGE, TIMEZONE_INVALID_MESSAGE, timezone_names


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(timezone_names())]


def _language_choices() -> list[tuple[str, str]]:
    # Each language is named in itself, so someone stuck in the wrong language still finds theirs.
    own_names = [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]
    return [("", _("Same as the browser")), *own_names]


class SignUpForm(UserCreationForm):
    """Username, e-mail, role and a password checked by AUTH_PASSWORD_VALIDATORS.

    UserCreationForm brings the case-insensitive username check, the password pair and the
    validators (run against the would-be user, so a password like the username is refused).
    """

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "role")
        widgets = {"role": forms.RadioSelect}
        labels = {"role": _("Account type")}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if user_email_taken(email=email):
            raise ValidationError(EMAIL_TAKEN_MESSAGE, code="unique")
        return email


class ProfileForm(forms.Form):
    """What a person may change about themselves. A plain Form, so a rejected POST never touches request.user."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_timezone_choices,
        error_messages={"invalid_choice": TIMEZONE_INVALID_MESSAGE},
        help_text=_("Days and weeks on your charts start at midnight in this time zone."),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=_language_choices,
        required=False,
        error_messages={"invalid_choice": LANGUAGE_INVALID_MESSAGE},
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        self.user = user
        # FormView always passes `initial` (empty by default): merge into it rather than setdefault.
        current = {
            "first_name": user.first_name,
            "email": user.email,
            "timezone": user.timezone,
            "language": user.language,
        }
        kwargs["initial"] = {**current, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if user_email_taken(email=email, exclude_user_id=self.user.pk):
            raise ValidationError(EMAIL_TAKEN_MESSAGE, code="unique")
        return email


class PsychologistProfileForm(forms.Form):
    licence_number = forms.CharField(label=_("Licence number"), max_length=64)
    issuing_body = forms.CharField(
        label=_("Issuing body"),
        max_length=200,
        help_text=_("The authority or professional association that issued the licence."),
    )
    country = forms.CharField(label=_("Country"), max_length=64)


class AlertChannelForm(forms.Form):
    alert_channel = forms.ChoiceField(
        label=_("Send me burnout alerts by"),
        # Read from the channel registry each time the form is built.
        choices=alert_channel_choices,
        widget=forms.RadioSelect,
    )


class OTPTokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


RECOVERY_OR_TOTP_INVALID_MESSAGE = _("Enter the 6 digits your authenticator app shows, or one of your recovery codes.")


class OTPOrRecoveryCodeForm(forms.Form):
    """The code for a sign-in: the authenticator app's 6 digits, or one recovery code (8 letters and digits,
    as shown: "abcd efgh"; spaces, dashes and capitals do not matter)."""

    token = forms.RegexField(
        label=_("Code from your authenticator app, or a recovery code"),
        regex=r"^\s*(\d{6}|[A-Za-z2-7]{4}[\s-]?[A-Za-z2-7]{4})\s*$",
        max_length=32,
        error_messages={"invalid": RECOVERY_OR_TOTP_INVALID_MESSAGE},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class CareCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your psychologist's code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class SharingCategoriesForm(forms.Form):
    """The categories to share with one psychologist (the service checks them again, for every channel)."""

    categories = forms.MultipleChoiceField(
        label=_("What to share"),
        choices=SharingCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": CATEGORIES_EMPTY_MESSAGE},
    )


class AliasForm(forms.Form):
    alias = forms.CharField(
        label=_("Alias"),
        max_length=150,
        required=False,
        help_text=_("How this person appears in your list; leave empty to show their name."),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
