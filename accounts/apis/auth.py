"""Sign-up, device tokens, signing out, and the person's own account (`/auth/...`, `/me/`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, logout, user_logged_in
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from burnout_site.api.authentication import DeviceTokenAuthentication
from burnout_site.api.schema import responses
from burnout_site.api.serializers import ApiInputSerializer
from burnout_site.api.views import ApiView
from burnout_site.errors import Refusal

from ..models import Channel, User
from ..selectors import otp_device_confirmed
from ..services import OTP_WRONG_CODE_MESSAGE, user_create, user_erase, user_profile_update
from ..services.devices import token_device_create
from ..services.otp import otp_token_match
from .common import ACCOUNT_TAG, AUTH_TAG, PRIVACY_TAG


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
            help_text=(
                "The 6-digit code of the authenticator app, or one of the account's recovery codes (used up): "
                "required for psychologists who set two-factor authentication up."
            ),
        )
        device_name = serializers.CharField(
            max_length=100,
            required=False,
            allow_blank=True,
            help_text="How this device is listed under GET /me/tokens/ (default: read from the User-Agent).",
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
            raise Refusal("invalid_credentials", _("The username or password is not correct."))
        otp_verified = False
        if user.is_psychologist and otp_device_confirmed(user=user):
            otp_verified = _otp_check(user, data.get("otp_token", ""))
        instance, token = token_device_create(
            user=user,
            device_name=data.get("device_name", ""),
            user_agent=request.headers.get("User-Agent", ""),
            otp_verified=otp_verified,
        )
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        output = {"token": token, "expiry": instance.expiry, "user": user}
        return Response(TokenOutputSerializer(output).data)


def _otp_check(user: User, token: str) -> bool:
    if not token.strip():
        message = _("Type the 6-digit code your authenticator app shows now.")
        raise Refusal("otp_code_missing", message, field="otp_token")
    # A code of the authenticator app or a recovery code (spent, audited and e-mailed by the service).
    if otp_token_match(user=user, token=token) is None:
        raise Refusal("otp_invalid", str(OTP_WRONG_CODE_MESSAGE), field="otp_token")
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
        user_erase(user=request.user, password=serializer.validated_data["password"], channel=Channel.API)
        if not isinstance(request.successful_authenticator, DeviceTokenAuthentication):
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
