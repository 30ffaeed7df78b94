"""The consent documents, the person's decision on each, and granting or withdrawing one."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from burnout_site.api.schema import responses
from burnout_site.api.serializers import ApiInputSerializer
from burnout_site.api.views import ApiView

from ..models import Channel, ConsentDocument, ConsentKind
from ..selectors import consent_state
from ..services import consent_grant, consent_withdraw
from .common import PRIVACY_TAG


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
        if serializer.validated_data["granted"]:
            event = consent_grant(user=request.user, document=document, channel=Channel.API)
        else:
            event = consent_withdraw(user=request.user, kind=document.kind, channel=Channel.API)
        return Response(ConsentEventOutputSerializer(event).data, status=status.HTTP_201_CREATED)
