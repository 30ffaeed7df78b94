"""Sharing with a psychologist, the patient's side: look a code up, start sharing, stop it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from burnout_site.api.pagination import PAGINATION_PARAMETERS, paginated, paginated_response
from burnout_site.api.schema import responses
from burnout_site.api.serializers import ApiInputSerializer
from burnout_site.api.views import ApiView
from burnout_site.errors import Refusal

from ..models import CareLink, Channel, ConsentKind, SharingCategory
from ..selectors import care_link_list_of_patient, consent_current_document, psychologist_profile_get_by_code
from ..services import (
    PATIENTS_ONLY_MESSAGE,
    ConsentRequired,
    care_link_categories_set,
    care_link_create,
    care_link_revoke,
    sharing_categories_clean,
)
from ..services.care import CARE_LINK_NOT_FOUND_MESSAGE
from ..services.consent import CONSENT_OUTDATED_MESSAGE
from .common import SHARING_TAG


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
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=SharingCategory.choices), help_text="What this link shares."
    )
    review_pending = serializers.BooleanField(
        source="categories_review_pending",
        help_text="The link predates the choice of categories: ask the person to review them (PATCH confirms).",
    )


CATEGORIES_HELP = (
    "What to share, at least one of `readings` (emotion charts, mix, photo dates), `mood` (mood ratings and their "
    "notes), `questionnaire` (burnout questionnaire scores), `flags` (burnout flags). The sharing document's text "
    "names exactly these (its `{categories}` part)."
)


def _categories_field() -> serializers.ListField:
    # Plain strings: unknown names are refused by the service (sharing_categories_clean), with one message for
    # the API, the web page and the bot.
    return serializers.ListField(child=serializers.CharField(max_length=32), max_length=10, help_text=CATEGORIES_HELP)


def _document_current(data: dict) -> None:
    """Categories first (a 400 before anything else), then: the person was shown the current sharing document,
    else 503 (none published) or 409 `outdated`."""
    sharing_categories_clean(data["categories"])
    document_id = data["document"]
    current = consent_current_document(kind=ConsentKind.SHARING)
    if current is None:
        raise ConsentRequired(None, ConsentKind.SHARING)
    if document_id != current.pk:
        raise Refusal("outdated", str(CONSENT_OUTDATED_MESSAGE))


def _patients_only(request: Request) -> None:
    if not request.user.is_patient:
        raise Refusal("not_patient", str(PATIENTS_ONLY_MESSAGE))


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
        profile = psychologist_profile_get_by_code(code=code)
        if profile is None:
            raise Refusal("not_found", _("No verified psychologist has this code."))
        return Response(PsychologistPublicSerializer(profile.user).data)


class CareLinkListApi(ApiView):
    """The psychologists you share (or shared) your data with; start sharing with one."""

    class InputSerializer(ApiInputSerializer):
        code = serializers.CharField(max_length=32, help_text="The psychologist's sharing code.")
        document = serializers.IntegerField(
            help_text="The id of the sharing consent document you showed the person (the current version)."
        )
        categories = _categories_field()

    @extend_schema(
        tags=[SHARING_TAG],
        parameters=PAGINATION_PARAMETERS,
        responses=responses({200: paginated(CareLinkOutputSerializer, "PaginatedCareLinkList")}, 400),
        summary="Your sharing links, newest first",
        operation_id="care_links_list",
    )
    def get(self, request: Request) -> Response:
        return paginated_response(
            queryset=care_link_list_of_patient(patient=request.user),
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
                400: "`invalid` (under `fields.categories`: none chosen, or an unknown name), or `unknown_code` "
                "under `fields.code`.",
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
        _document_current(serializer.validated_data)
        link = care_link_create(
            patient=request.user,
            code=serializer.validated_data["code"],
            categories=serializer.validated_data["categories"],
            channel=Channel.API,
        )
        return Response(CareLinkOutputSerializer(link).data, status=status.HTTP_201_CREATED)


class CareLinkDetailApi(ApiView):
    """Change what one of your sharing links shares."""

    class InputSerializer(ApiInputSerializer):
        document = serializers.IntegerField(
            help_text="The id of the sharing consent document you showed the person with the new categories."
        )
        categories = _categories_field()

    @extend_schema(
        tags=[SHARING_TAG],
        request=InputSerializer,
        responses=responses(
            {200: CareLinkOutputSerializer},
            404,
            415,
            described={
                400: "`invalid` (under `fields.categories`: none chosen, or an unknown name).",
                409: "`outdated` (the document is not the current version) or `not_active` (sharing has ended).",
                503: "`consent_unavailable`: no sharing document is published yet.",
            },
        ),
        summary="Change the categories you share (records a new sharing consent)",
        description="Sending the same categories confirms them: this ends `review_pending`.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        # Among the person's own links only: anyone else's id is a 404.
        link = care_link_list_of_patient(patient=request.user).filter(pk=pk).first()
        if link is None:
            raise Refusal("not_found", str(CARE_LINK_NOT_FOUND_MESSAGE))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _document_current(serializer.validated_data)
        link = care_link_categories_set(
            link=link, patient=request.user, categories=serializer.validated_data["categories"], channel=Channel.API
        )
        return Response(CareLinkOutputSerializer(link).data)


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
        link = care_link_list_of_patient(patient=request.user).filter(pk=pk).first()
        if link is None:
            raise Refusal("not_found", str(CARE_LINK_NOT_FOUND_MESSAGE))
        link = care_link_revoke(link=link, patient=request.user, channel=Channel.API)
        return Response(CareLinkOutputSerializer(link).data)
