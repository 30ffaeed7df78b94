"""A psychologist's licence details, where their alerts go, and their two-factor set-up."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from burnout_site.api.schema import responses
from burnout_site.api.serializers import ApiInputSerializer
from burnout_site.api.views import ApiView
from burnout_site.errors import Refusal

from ..channels import alert_channel_choices, alert_channel_effective
from ..models import PsychologistProfile
from ..selectors import otp_device_confirmed, psychologist_profile_get
from ..services import (
    otp_device_confirm,
    otp_device_for_setup,
    psychologist_alert_channel_set,
    psychologist_profile_save,
)
from ..services.otp import otp_recovery_codes_create
from .access import require_patient_data_access
from .common import ACCOUNT_TAG


class AlertChannelField(serializers.ChoiceField):
    """E-mail or a registered alert channel (accounts/channels.py).

    DRF wants the choices as a list: they are read from the registry whenever a serializer is built (DRF builds
    each serializer's fields anew from their arguments), so never before the apps have registered theirs.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(choices=alert_channel_choices(), **kwargs)


class PsychologistProfileOutputSerializer(serializers.Serializer):
    licence_number = serializers.CharField()
    issuing_body = serializers.CharField()
    country = serializers.CharField()
    code = serializers.CharField(help_text="What patients type (or open as a link) to share with you.")
    verified = serializers.BooleanField(source="is_verified")
    verified_at = serializers.DateTimeField(allow_null=True)
    alert_channel = AlertChannelField(help_text="Where you chose to get burnout alerts.")
    alert_channel_effective = serializers.SerializerMethodField(
        help_text="Where they go now: `email` while the chosen channel is not connected to your account."
    )

    @extend_schema_field(AlertChannelField())
    def get_alert_channel_effective(self, profile: PsychologistProfile) -> str:
        return alert_channel_effective(profile=profile)


ALERT_ACCESS_ERRORS = (
    "`psychologists_only`, `psychologist_not_verified`, `otp_setup_required` (set up two-factor sign-in on the "
    "website) or `otp_required` (get a token with `otp_token`)."
)


class AlertChannelInputSerializer(ApiInputSerializer):
    alert_channel = AlertChannelField()


class PsychologistProfileApi(ApiView):
    """A psychologist's licence details; patients' data is visible only once an admin has verified them."""

    class InputSerializer(ApiInputSerializer):
        licence_number = serializers.CharField(max_length=64)
        issuing_body = serializers.CharField(max_length=200)
        country = serializers.CharField(max_length=64)

    @extend_schema(
        tags=[ACCOUNT_TAG],
        responses=responses({200: PsychologistProfileOutputSerializer}, 404),
        summary="Your licence details (psychologists)",
    )
    def get(self, request: Request) -> Response:
        profile = psychologist_profile_get(user=request.user) if request.user.is_psychologist else None
        if profile is None:
            raise Refusal("not_found", _("No licence details have been entered yet."))
        return Response(PsychologistProfileOutputSerializer(profile).data)

    @extend_schema(
        tags=[ACCOUNT_TAG],
        request=InputSerializer,
        responses=responses(
            {200: PsychologistProfileOutputSerializer},
            400,
            415,
            described={403: "`not_psychologist`: only psychologist accounts have licence details."},
        ),
        summary="Enter or change your licence details (a change needs a new verification)",
    )
    def put(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = psychologist_profile_save(user=request.user, **serializer.validated_data)
        return Response(PsychologistProfileOutputSerializer(profile).data)

    @extend_schema(
        tags=[ACCOUNT_TAG],
        request=AlertChannelInputSerializer,
        responses=responses(
            {200: PsychologistProfileOutputSerializer},
            415,
            described={
                400: "`invalid`, or `not_connected` (under `fields.alert_channel`): connect the channel on the "
                "website first; the message says where.",
                403: ALERT_ACCESS_ERRORS,
            },
        ),
        summary="Choose where burnout alerts go (psychologists)",
        description=(
            "Only `alert_channel` changes here; licence details change with PUT. Alerts name patients, so this "
            "needs the same verified licence and two-factor sign-in as patients' data."
        ),
    )
    def patch(self, request: Request) -> Response:
        require_patient_data_access(request)
        serializer = AlertChannelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = psychologist_profile_get(user=request.user)
        channel = serializer.validated_data["alert_channel"]
        profile = psychologist_alert_channel_set(profile=profile, channel=channel)
        return Response(PsychologistProfileOutputSerializer(profile).data)


# --- psychologist's two-factor authentication ------------------------------------------------------------------


class TwoFactorOutputSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField()
    secret = serializers.CharField(required=False, help_text="Base32 key to type into an authenticator app.")
    otpauth_uri = serializers.CharField(required=False, help_text="The same key as an otpauth:// link (QR code).")
    recovery_codes = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Only in the answer to the confirmation: 10 single-use codes that stand in for the app. "
        "Shown this once; new ones are made on the website's two-factor page.",
    )


def _psychologists_only(request: Request) -> None:
    if not request.user.is_psychologist:
        raise Refusal("not_psychologist", _("Only psychologist accounts use two-factor sign-in."))


class TwoFactorApi(ApiView):
    """Set up the authenticator app that psychologists need before they can see patients' data."""

    class InputSerializer(ApiInputSerializer):
        token = serializers.CharField(max_length=16, help_text="The 6-digit code the authenticator app shows now.")

    @extend_schema(
        tags=[ACCOUNT_TAG],
        responses=responses(
            {200: TwoFactorOutputSerializer},
            described={403: "`not_psychologist`: only psychologist accounts use two-factor sign-in."},
        ),
        summary="Two-factor state; the key to set up while it is not confirmed (psychologists)",
    )
    def get(self, request: Request) -> Response:
        from base64 import b32encode

        _psychologists_only(request)
        if otp_device_confirmed(user=request.user):
            return Response(TwoFactorOutputSerializer({"confirmed": True}).data)
        device = otp_device_for_setup(user=request.user)
        output = {"confirmed": False, "secret": b32encode(device.bin_key).decode(), "otpauth_uri": device.config_url}
        return Response(TwoFactorOutputSerializer(output).data)

    @extend_schema(
        tags=[ACCOUNT_TAG],
        request=InputSerializer,
        responses=responses(
            {200: TwoFactorOutputSerializer},
            415,
            described={
                400: "`wrong_code` (under `fields.token`) or `already_confirmed`.",
                403: "`not_psychologist`: only psychologist accounts use two-factor sign-in.",
            },
        ),
        summary="Confirm the authenticator with a code; then ask for a new token with `otp_token`",
    )
    def post(self, request: Request) -> Response:
        _psychologists_only(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if otp_device_confirmed(user=request.user):
            raise Refusal("already_confirmed", _("Two-factor authentication is already on."))
        device = otp_device_for_setup(user=request.user)
        otp_device_confirm(user=request.user, device=device, token=serializer.validated_data["token"])
        codes = otp_recovery_codes_create(user=request.user)
        return Response(TwoFactorOutputSerializer({"confirmed": True, "recovery_codes": codes}).data)
