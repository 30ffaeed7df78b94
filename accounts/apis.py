"""REST API of the accounts app: sign-up, device tokens, the person's own account, consents, sharing, export.

Views only route: Input serializers check the shape, services decide and write, Output serializers answer.
Routes are in burnout_site/api_urls.py; usage in docs/api.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, logout, user_logged_in
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseBase
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from burnout_site.api.authentication import OTP_TOKEN_PREFIX, DeviceTokenAuthentication, token_is_otp_verified
from burnout_site.api.exceptions import ApiError
from burnout_site.api.pagination import PAGINATION_PARAMETERS, paginated, paginated_response
from burnout_site.api.schema import responses
from burnout_site.api.serializers import ApiInputSerializer
from burnout_site.api.views import ApiView

from .alert_channels import alert_channel_effective
from .models import CareLink, Channel, ConsentDocument, ConsentKind, DataExport, PsychologistProfile, User
from .selectors import (
    care_links_of_patient,
    consent_current_document,
    consent_state,
    data_export_get,
    psychologist_by_code,
    psychologist_patient_data_access,
    psychologist_profile_of,
    user_has_confirmed_otp_device,
)
from .services import (
    OTP_WRONG_CODE_MESSAGE,
    PATIENTS_ONLY_MESSAGE,
    ConsentRequired,
    ExportLinkExpired,
    account_erase,
    care_link_create,
    care_link_revoke,
    consent_grant,
    consent_withdraw,
    data_export_open,
    data_export_request,
    data_export_token,
    otp_device_confirm,
    otp_device_for_setup,
    psychologist_alert_channel_set,
    psychologist_profile_save,
    user_create,
    user_profile_update,
)

AUTH_TAG = "auth"
ACCOUNT_TAG = "account"
PRIVACY_TAG = "privacy"
SHARING_TAG = "sharing"


def _service_error(exc: ValidationError, *, status_code: int = 400, field: str | None = None) -> ApiError:
    """A service's ValidationError with its own code, under `field` when it is about one input field."""
    messages = [str(message) for message in exc.messages]
    return ApiError(
        status_code=status_code,
        code=getattr(exc, "code", None) or "invalid",
        message=" ".join(messages),
        fields={field: messages} if field else None,
    )


# --- users ---------------------------------------------------------------------------------------------------


class UserOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    first_name = serializers.CharField(allow_blank=True)
    role = serializers.ChoiceField(choices=User.Role.choices)
    timezone = serializers.CharField()
    language = serializers.CharField(allow_blank=True, help_text='"" follows the device language.')
    date_joined = serializers.DateTimeField()


LANGUAGE_CHOICES = [("", "not chosen"), *((code, code) for code, _name in settings.LANGUAGES)]


class RegisterApi(ApiView):
    """Create an account from a device; then ask for a token."""

    authentication_classes = ()  # credentials are in the body: no session, so no CSRF to demand
    permission_classes = (AllowAny,)
    throttle_scope = "auth"

    class InputSerializer(ApiInputSerializer):
        username = serializers.CharField(max_length=150)
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
        role = serializers.ChoiceField(choices=User.Role.choices)

    @extend_schema(
        tags=[AUTH_TAG],
        request=InputSerializer,
        responses=responses({201: UserOutputSerializer}, 400, 429, public=True),
        auth=[],
        summary="Create an account",
        description="Weak passwords are refused with Django's password validators' messages under `fields.password`.",
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_create(**serializer.validated_data)
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send as "Authorization: Token <token>". Shown once.')
    expiry = serializers.DateTimeField(allow_null=True, help_text="Pushed back on each use.")
    user = UserOutputSerializer()


class TokenApi(ApiView):
    """A new token for this device: username + password (+ the two-factor code for psychologists who use one)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_scope = "auth"

    class InputSerializer(ApiInputSerializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
        otp_token = serializers.CharField(
            max_length=16,
            required=False,
            allow_blank=True,
            help_text="The 6-digit code of the authenticator app: required for psychologists who set it up.",
        )

    @extend_schema(
        tags=[AUTH_TAG],
        request=InputSerializer,
        responses=responses(
            {200: TokenOutputSerializer},
            429,
            public=True,
            described={
                400: "`invalid`, `invalid_credentials`, `otp_required` or `otp_invalid` (under `fields.otp_token`)."
            },
        ),
        auth=[],
        summary="Get a device token",
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            raise ApiError(
                status_code=400,
                code="invalid_credentials",
                message=_("The username or password is not correct."),
            )
        otp_verified = False
        if user.is_psychologist and user_has_confirmed_otp_device(user):
            otp_verified = _otp_check(user, data.get("otp_token", ""))
        # Tokens that expired on their own are of no use to anyone: drop them while we are here.
        AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
        instance, token = AuthToken.objects.create(user, prefix=OTP_TOKEN_PREFIX if otp_verified else "")
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        output = {"token": token, "expiry": instance.expiry, "user": user}
        return Response(TokenOutputSerializer(output).data)


def _otp_check(user: User, token: str) -> bool:
    from django_otp import match_token

    message = _("Type the 6-digit code your authenticator app shows now.")
    if not token.strip():
        raise ApiError(status_code=400, code="otp_required", message=message, fields={"otp_token": [message]})
    if match_token(user, token.strip()) is None:
        wrong = str(OTP_WRONG_CODE_MESSAGE)
        raise ApiError(status_code=400, code="otp_invalid", message=wrong, fields={"otp_token": [wrong]})
    return True


def _end_session(request: Request) -> None:
    if not isinstance(request.successful_authenticator, DeviceTokenAuthentication):
        logout(request._request)


class LogoutApi(ApiView):
    """Revoke the token this request was sent with (or end the web session)."""

    @extend_schema(
        tags=[AUTH_TAG],
        request=None,
        responses=responses({204: OpenApiResponse(description="Revoked.")}),
        summary="Revoke this device's token",
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.successful_authenticator, DeviceTokenAuthentication):
            request.auth.delete()
        _end_session(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllApi(ApiView):
    """Revoke every token of the account: a lost phone."""

    @extend_schema(
        tags=[AUTH_TAG],
        request=None,
        responses=responses({204: OpenApiResponse(description="All tokens revoked.")}),
        summary="Revoke every device token of the account",
    )
    def post(self, request: Request) -> Response:
        AuthToken.objects.filter(user=request.user).delete()
        _end_session(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(ApiView):
    """The person's own account: read, change, erase."""

    class PatchInputSerializer(ApiInputSerializer):
        first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
        email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
        timezone = serializers.CharField(max_length=64, required=False, help_text="An IANA name: Europe/Berlin.")
        language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False, allow_blank=True)

    class DeleteInputSerializer(ApiInputSerializer):
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    @extend_schema(tags=[ACCOUNT_TAG], responses=responses({200: UserOutputSerializer}), summary="Your account")
    def get(self, request: Request) -> Response:
        return Response(UserOutputSerializer(request.user).data)

    @extend_schema(
        tags=[ACCOUNT_TAG],
        request=PatchInputSerializer,
        responses=responses({200: UserOutputSerializer}, 400, 415),
        summary="Change your name, e-mail, time zone or language",
    )
    def patch(self, request: Request) -> Response:
        serializer = self.PatchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user: User = request.user
        current = {field: getattr(user, field) for field in ("first_name", "email", "timezone", "language")}
        user = user_profile_update(user=user, **{**current, **serializer.validated_data})
        if "language" in serializer.validated_data:
            # The answer to the change is the first thing said in the new language.
            translation.activate(user.language or translation.get_language_from_request(request._request))
        return Response(UserOutputSerializer(user).data)

    @extend_schema(
        tags=[PRIVACY_TAG],
        request=DeleteInputSerializer,
        responses=responses(
            {204: OpenApiResponse(description="The account and all its data are gone; every token is revoked.")},
            415,
            described={400: "`invalid`, or `wrong_password` under `fields.password` (nothing was deleted)."},
        ),
        summary="Erase your account and all your data",
    )
    def delete(self, request: Request) -> Response:
        serializer = self.DeleteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            account_erase(user=request.user, password=serializer.validated_data["password"], channel=Channel.API)
        except ValidationError as exc:
            raise _service_error(exc, field="password") from None
        if not isinstance(request.successful_authenticator, DeviceTokenAuthentication):
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- psychologist's licence -------------------------------------------------------------------------------------


class PsychologistProfileOutputSerializer(serializers.Serializer):
    licence_number = serializers.CharField()
    issuing_body = serializers.CharField()
    country = serializers.CharField()
    code = serializers.CharField(help_text="What patients type (or open as a link) to share with you.")
    verified = serializers.BooleanField(source="is_verified")
    verified_at = serializers.DateTimeField(allow_null=True)
    alert_channel = serializers.ChoiceField(
        choices=PsychologistProfile.AlertChannel.choices, help_text="Where you chose to get burnout alerts."
    )
    alert_channel_effective = serializers.SerializerMethodField(
        help_text="Where they go now: `email` when Telegram is chosen but no Telegram account is connected."
    )

    @extend_schema_field(serializers.ChoiceField(choices=PsychologistProfile.AlertChannel.choices))
    def get_alert_channel_effective(self, profile: PsychologistProfile) -> str:
        return alert_channel_effective(profile=profile)


ALERT_ACCESS_ERRORS = (
    "`psychologists_only`, `psychologist_not_verified`, `otp_setup_required` (set up two-factor sign-in on the "
    "website) or `otp_required` (get a token with `otp_token`)."
)


class AlertChannelInputSerializer(ApiInputSerializer):
    alert_channel = serializers.ChoiceField(choices=PsychologistProfile.AlertChannel.choices)


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
        profile = psychologist_profile_of(user=request.user) if request.user.is_psychologist else None
        if profile is None:
            raise ApiError(status_code=404, code="not_found", message=_("No licence details have been entered yet."))
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
        try:
            profile = psychologist_profile_save(user=request.user, **serializer.validated_data)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "not_psychologist":
                raise _service_error(exc, status_code=403) from None
            raise
        return Response(PsychologistProfileOutputSerializer(profile).data)

    @extend_schema(
        tags=[ACCOUNT_TAG],
        request=AlertChannelInputSerializer,
        responses=responses(
            {200: PsychologistProfileOutputSerializer},
            415,
            described={
                400: "`invalid`, or `not_connected` (under `fields.alert_channel`): connect Telegram on the "
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
        profile = psychologist_profile_of(user=request.user)
        channel = serializer.validated_data["alert_channel"]
        try:
            profile = psychologist_alert_channel_set(profile=profile, channel=channel)
        except ValidationError as exc:
            raise _service_error(exc, field="alert_channel") from None
        return Response(PsychologistProfileOutputSerializer(profile).data)


# --- psychologist's two-factor authentication ------------------------------------------------------------------


class TwoFactorOutputSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField()
    secret = serializers.CharField(required=False, help_text="Base32 key to type into an authenticator app.")
    otpauth_uri = serializers.CharField(required=False, help_text="The same key as an otpauth:// link (QR code).")


def _psychologists_only(request: Request) -> None:
    if not request.user.is_psychologist:
        raise ApiError(
            status_code=403, code="not_psychologist", message=_("Only psychologist accounts use two-factor sign-in.")
        )


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
        if user_has_confirmed_otp_device(request.user):
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
        if user_has_confirmed_otp_device(request.user):
            raise ApiError(
                status_code=400, code="already_confirmed", message=_("Two-factor authentication is already on.")
            )
        device = otp_device_for_setup(user=request.user)
        try:
            otp_device_confirm(user=request.user, device=device, token=serializer.validated_data["token"])
        except ValidationError as exc:
            raise _service_error(exc, field="token") from None
        return Response(TwoFactorOutputSerializer({"confirmed": True}).data)


def require_patient_data_access(request: Request) -> None:
    """`psychologist_patient_data_access` for the API: its refusal becomes a 403 with the refusal's code.

    A second factor is proved by the device token (issued after a code) or, for a browser session, by
    the session itself.
    """
    user = request.user
    if isinstance(request.successful_authenticator, DeviceTokenAuthentication):
        otp_verified = token_is_otp_verified(request.auth)
    else:
        is_verified = getattr(user, "is_verified", None)
        otp_verified = bool(is_verified and is_verified())
    refusal = psychologist_patient_data_access(user=user, otp_verified=otp_verified).refusal
    if refusal is not None:
        raise ApiError(status_code=403, code=refusal.code, message=refusal.message)


# --- consents ------------------------------------------------------------------------------------------------


class ConsentDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ConsentKind.choices)
    version = serializers.IntegerField()
    effective_at = serializers.DateTimeField()
    text = serializers.SerializerMethodField(help_text="In the request's language (English when not translated).")

    def get_text(self, document: ConsentDocument) -> str:
        return document.text_for(translation.get_language())


class ConsentStateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ConsentKind.choices)
    label = serializers.CharField()
    document = ConsentDocumentSerializer(allow_null=True, help_text="The current version; null when none is published.")
    active = serializers.BooleanField(help_text="Your latest decision is a grant of the current version.")
    granted = serializers.BooleanField(allow_null=True, help_text="Your latest decision; null when you never made one.")
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_version = serializers.IntegerField(allow_null=True)


class ConsentEventOutputSerializer(serializers.Serializer):
    document = serializers.IntegerField(source="document_id")
    kind = serializers.CharField(source="document.kind")
    version = serializers.IntegerField(source="document.version")
    granted = serializers.BooleanField()
    at = serializers.DateTimeField()


class ConsentApi(ApiView):
    """The current consent documents and your decision on each; grant or withdraw one."""

    class InputSerializer(ApiInputSerializer):
        document = serializers.PrimaryKeyRelatedField(queryset=ConsentDocument.objects.filter(published=True))
        granted = serializers.BooleanField()

        def validate_document(self, document: ConsentDocument) -> ConsentDocument:
            if document.kind == ConsentKind.SHARING:
                raise serializers.ValidationError(
                    _("Sharing is agreed with one psychologist at a time: start it with their code instead.")
                )
            return document

    @extend_schema(
        tags=[PRIVACY_TAG],
        responses=responses({200: ConsentStateSerializer(many=True)}),
        summary="Consent documents and your decisions",
        description=(
            "`processing` must be active before photos are analysed. `sharing` is granted per psychologist "
            "through POST /api/v1/care-links/ (it is listed here for its text)."
        ),
    )
    def get(self, request: Request) -> Response:
        states = []
        for kind in ConsentKind:
            state = consent_state(user=request.user, kind=kind)
            states.append(
                {
                    "kind": kind.value,
                    "label": state.label,
                    "document": state.current,
                    "active": state.active,
                    "granted": state.latest.granted if state.latest else None,
                    "decided_at": state.latest.at if state.latest else None,
                    "decided_version": state.latest.document.version if state.latest else None,
                }
            )
        return Response(ConsentStateSerializer(states, many=True).data)

    @extend_schema(
        tags=[PRIVACY_TAG],
        request=InputSerializer,
        responses=responses(
            {201: ConsentEventOutputSerializer},
            400,
            415,
            described={
                409: "`outdated` (a newer version is current), `already_granted`, `not_granted` (nothing to withdraw)."
            },
        ),
        summary="Grant (the current version) or withdraw a consent",
        description="Withdrawing `processing` stops the analyses still waiting and deletes kept photos.",
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document: ConsentDocument = serializer.validated_data["document"]
        try:
            if serializer.validated_data["granted"]:
                event = consent_grant(user=request.user, document=document, channel=Channel.API)
            else:
                event = consent_withdraw(user=request.user, kind=document.kind, channel=Channel.API)
        except ValidationError as exc:
            raise _service_error(exc, status_code=409) from None
        return Response(ConsentEventOutputSerializer(event).data, status=status.HTTP_201_CREATED)


# --- sharing with a psychologist (patient side) -------------------------------------------------------------


class PsychologistPublicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class CareLinkOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    psychologist = PsychologistPublicSerializer()
    status = serializers.ChoiceField(choices=CareLink.Status.choices)
    granted_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(source="revoked_at", allow_null=True)
    ended_by = serializers.CharField(allow_blank=True)


def _patients_only(request: Request) -> None:
    if not request.user.is_patient:
        raise ApiError(status_code=403, code="not_patient", message=str(PATIENTS_ONLY_MESSAGE))


class PsychologistLookupApi(ApiView):
    """Who a sharing code belongs to, to show before the person agrees to share."""

    @extend_schema(
        tags=[SHARING_TAG],
        responses=responses(
            {200: PsychologistPublicSerializer},
            404,
            described={403: "`not_patient`: only patients share their data."},
        ),
        summary="Look up a psychologist by sharing code",
    )
    def get(self, request: Request, code: str) -> Response:
        _patients_only(request)
        profile = psychologist_by_code(code=code)
        if profile is None:
            raise ApiError(status_code=404, code="not_found", message=_("No verified psychologist has this code."))
        return Response(PsychologistPublicSerializer(profile.user).data)


class CareLinkListApi(ApiView):
    """The psychologists you share (or shared) your data with; start sharing with one."""

    class InputSerializer(ApiInputSerializer):
        code = serializers.CharField(max_length=32, help_text="The psychologist's sharing code.")
        document = serializers.IntegerField(
            help_text="The id of the sharing consent document you showed the person (the current version)."
        )

    @extend_schema(
        tags=[SHARING_TAG],
        parameters=PAGINATION_PARAMETERS,
        responses=responses({200: paginated(CareLinkOutputSerializer, "PaginatedCareLinkList")}, 400),
        summary="Your sharing links, newest first",
        operation_id="care_links_list",
    )
    def get(self, request: Request) -> Response:
        return paginated_response(
            queryset=care_links_of_patient(patient=request.user),
            serializer_class=CareLinkOutputSerializer,
            ordering=("-granted_at", "-id"),
            request=request,
            view=self,
        )

    @extend_schema(
        tags=[SHARING_TAG],
        request=InputSerializer,
        responses=responses(
            {201: CareLinkOutputSerializer},
            415,
            described={
                400: "`invalid`, or `unknown_code` under `fields.code`.",
                403: "`not_patient`, or `permission_denied`.",
                409: "`outdated` (the document is not the current version) or `already_linked`.",
                503: "`consent_unavailable`: no sharing document is published yet.",
            },
        ),
        summary="Share your data with a psychologist (records the sharing consent)",
    )
    def post(self, request: Request) -> Response:
        _patients_only(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        current = consent_current_document(kind=ConsentKind.SHARING)
        if current is None:
            raise _consent_unavailable(ConsentRequired(None, ConsentKind.SHARING))
        if serializer.validated_data["document"] != current.pk:
            raise ApiError(
                status_code=409,
                code="outdated",
                message=_("This version of the document is no longer current. Please read the new version."),
            )
        try:
            link = care_link_create(patient=request.user, code=serializer.validated_data["code"], channel=Channel.API)
        except ConsentRequired as exc:
            raise _consent_unavailable(exc) from None
        except ValidationError as exc:
            if exc.code == "unknown_code":
                raise _service_error(exc, field="code") from None
            raise _service_error(exc, status_code=409 if exc.code == "already_linked" else 400) from None
        return Response(CareLinkOutputSerializer(link).data, status=status.HTTP_201_CREATED)


def _consent_unavailable(exc: ConsentRequired) -> ApiError:
    return ApiError(status_code=503, code="consent_unavailable", message=exc.message)


class CareLinkRevokeApi(ApiView):
    """Stop sharing: the psychologist loses access at once."""

    @extend_schema(
        tags=[SHARING_TAG],
        request=None,
        responses=responses(
            {200: CareLinkOutputSerializer}, 404, described={409: "`not_active`: this sharing has already ended."}
        ),
        summary="Stop sharing with a psychologist",
    )
    def post(self, request: Request, pk: int) -> Response:
        # Among the person's own links only: anyone else's id is a 404.
        link = care_links_of_patient(patient=request.user).filter(pk=pk).first()
        if link is None:
            raise ApiError(status_code=404, code="not_found", message=_("No such sharing link."))
        try:
            link = care_link_revoke(link=link, patient=request.user, channel=Channel.API)
        except ValidationError as exc:
            raise _service_error(exc, status_code=409) from None
        return Response(CareLinkOutputSerializer(link).data)


# --- export -------------------------------------------------------------------------------------------------


class ExportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DataExport.Status.choices)
    created_at = serializers.DateTimeField()
    ready_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(help_text="Set while the archive is ready and not expired.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_status_url(self, export: DataExport) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:export_detail", args=[export.pk]))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, export: DataExport) -> str | None:
        if export.status != DataExport.Status.READY or export.is_expired() or not export.file:
            return None
        token = data_export_token(export=export)
        return self.context["request"].build_absolute_uri(reverse("api:export_download", args=[token]))


class ExportRequestApi(ApiView):
    throttle_scope = "export"

    @extend_schema(
        tags=[PRIVACY_TAG],
        request=None,
        responses=responses(
            {202: ExportOutputSerializer},
            429,
            described={409: "`pending`: an export is already being prepared."},
        ),
        summary="Ask for a copy of all your data",
        description="Poll `status_url` until `download_url` appears; the link works for EXPORT_LINK_HOURS hours.",
    )
    def post(self, request: Request) -> Response:
        try:
            export = data_export_request(user=request.user)
        except ValidationError as exc:
            raise _service_error(exc, status_code=409) from None
        data = ExportOutputSerializer(export, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]})


class ExportDetailApi(ApiView):
    @extend_schema(
        tags=[PRIVACY_TAG],
        responses=responses({200: ExportOutputSerializer}, 404),
        summary="One of your data exports",
    )
    def get(self, request: Request, pk: int) -> Response:
        export = data_export_get(user=request.user, export_id=pk)
        if export is None:
            raise ApiError(status_code=404, code="not_found", message=_("No such export."))
        return Response(ExportOutputSerializer(export, context={"request": request}).data)


class ZipRenderer(BaseRenderer):
    media_type = "application/zip"
    format = "zip"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        return data


class ExportDownloadApi(ApiView):
    renderer_classes = (JSONRenderer, ZipRenderer)
    throttle_scope = "export"

    @extend_schema(
        tags=[PRIVACY_TAG],
        responses=responses(
            {(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The archive.")},
            404,
            429,
            described={410: "`expired`: ask for a new export."},
        ),
        summary="Download a ready export (the link from `download_url`)",
        # DRF's ?format= switch means nothing here: the answer is the zip (or the JSON error).
        parameters=[OpenApiParameter("format", exclude=True)],
    )
    def get(self, request: Request, token: str) -> HttpResponseBase:
        try:
            export = data_export_open(user=request.user, token=token)
        except DataExport.DoesNotExist:
            raise ApiError(status_code=404, code="not_found", message=_("This download link is not valid.")) from None
        except ExportLinkExpired:
            raise ApiError(
                status_code=410,
                code="expired",
                message=_("This download link has expired. Request a new copy of your data on your privacy page."),
            ) from None
        response = FileResponse(export.file.open("rb"), as_attachment=True, filename="burnout-detector-my-data.zip")
        response["Cache-Control"] = "no-store"
        return response

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON whatever the client asked for: the zip renderer cannot draw them.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)
