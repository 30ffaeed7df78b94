"""Passwords over the API: a reset by e-mail link (asked for, then confirmed) and a change by the signed-in person.

Both end with every other token and session revoked (accounts.services.users.user_password_changed).
"""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from burnout_site.api.authentication import DeviceTokenAuthentication, token_is_otp_verified
from burnout_site.api.schema import responses
from burnout_site.api.serializers import ApiInputSerializer
from burnout_site.api.views import ApiView

from ..models import User
from ..services.devices import token_device_create
from ..services.password_reset import password_reset_confirm, password_reset_request
from ..services.users import user_password_change
from ..views.login_throttling import client_ip_address
from .auth import TokenOutputSerializer
from .common import ACCOUNT_TAG, AUTH_TAG

PASSWORD_HELP = "Checked by Django's password validators; their messages come under `fields.new_password`."


class MessageOutputSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="For the person, in their language.")


class PasswordResetApi(ApiView):
    """Ask for a reset link by e-mail. The same answer whether or not an account has the address."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_scope = "auth"

    class InputSerializer(ApiInputSerializer):
        email = serializers.EmailField(max_length=254)

    @extend_schema(
        tags=[AUTH_TAG],
        request=InputSerializer,
        responses=responses(
            {202: MessageOutputSerializer},
            400,
            415,
            public=True,
            described={429: "`throttled`: too many requests from this address or for this e-mail (Retry-After)."},
        ),
        auth=[],
        summary="Ask for a password reset e-mail",
        description=(
            "Always `202` for a well-formed address, whether or not an account has it. The e-mail holds a link "
            "to `/accounts/reset/<uid>/<token>/` on the website; an app that opens such links itself sends "
            "`uid` and `token` to `POST /auth/password-reset/confirm/`."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password_reset_request(
            email=serializer.validated_data["email"],
            client_ip=client_ip_address(request._request),
            language=translation.get_language() or "",
        )
        message = _("If an account uses this address, a link to choose a new password is on its way.")
        return Response({"message": message}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmApi(ApiView):
    """Set a new password with the `uid` and `token` of a reset link."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_scope = "auth"

    class InputSerializer(ApiInputSerializer):
        uid = serializers.CharField(max_length=64)
        token = serializers.CharField(max_length=128)
        new_password = serializers.CharField(max_length=128, trim_whitespace=False, help_text=PASSWORD_HELP)

    @extend_schema(
        tags=[AUTH_TAG],
        request=InputSerializer,
        responses=responses(
            {200: MessageOutputSerializer},
            415,
            429,
            public=True,
            described={
                400: "`reset_link_invalid` (used, expired or mangled link; under `fields.token`), or `invalid` "
                "(a weak password under `fields.new_password`). Nothing is changed."
            },
        ),
        auth=[],
        summary="Set a new password from a reset link",
        description=(
            "Every token and browser session of the account is revoked, and a log-in pause after wrong "
            "passwords is lifted. Get a new token with the new password."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = password_reset_confirm(uidb64=data["uid"], token=data["token"], new_password=data["new_password"])
        with translation.override(user.language or translation.get_language()):
            message = _("Your password is changed. Log in again with the new password.")
        return Response({"message": message})


class PasswordChangeApi(ApiView):
    """Change your password; this device gets a fresh token, every other one is revoked."""

    class InputSerializer(ApiInputSerializer):
        old_password = serializers.CharField(max_length=128, trim_whitespace=False)
        new_password = serializers.CharField(max_length=128, trim_whitespace=False, help_text=PASSWORD_HELP)

    @extend_schema(
        tags=[ACCOUNT_TAG],
        request=InputSerializer,
        responses=responses(
            {200: TokenOutputSerializer},
            415,
            described={
                400: "`wrong_password` (under `fields.old_password`) or `invalid` (a weak password under "
                "`fields.new_password`). Nothing is changed."
            },
        ),
        summary="Change your password",
        description=(
            "Every token of the account is revoked, the one this request was sent with too, and every browser "
            "session but the one this request came from (with session login). The answer holds a new token "
            "for this device (same device name; issued after two-factor when the old one was): use it from now on."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user: User = request.user
        by_token = isinstance(request.successful_authenticator, DeviceTokenAuthentication)
        device = getattr(request.auth, "device", None) if by_token else None
        otp_verified = token_is_otp_verified(request.auth) if by_token else user.is_verified()
        with transaction.atomic():
            user_password_change(
                user=user,
                old_password=serializer.validated_data["old_password"],
                new_password=serializer.validated_data["new_password"],
                keep_session=None if by_token else request._request.session.session_key,
            )
            if not by_token:
                # The browser that asked stays signed in: its session takes the new password's hash (and key).
                update_session_auth_hash(request._request, user)
            instance, token = token_device_create(
                user=user,
                device_name=device.name if device is not None else "",
                user_agent=request.headers.get("User-Agent", ""),
                otp_verified=otp_verified,
            )
        return Response(TokenOutputSerializer({"token": token, "expiry": instance.expiry, "user": user}).data)
