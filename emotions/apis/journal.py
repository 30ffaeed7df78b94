"""The journal (everything the person recorded, one list) and deleting one photo reading or mood rating."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from accounts.models import Channel
from burnout_site.api.pagination import PAGINATION_PARAMETERS, ApiCursorPagination, paginated
from burnout_site.api.schema import responses
from burnout_site.api.views import ApiView
from emotions import selectors
from emotions.selectors.journal import JOURNAL_KIND_CHOICES
from emotions.services import self_report_delete

from .common import DateRangeSerializer
from .self_reports import SELF_REPORTS_TAG

JOURNAL_TAG = "journal"
DELETED_DESCRIBED = {404: "`not_found`: no such entry among yours (someone else's id is the same 404)."}


class JournalEntryOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=JOURNAL_KIND_CHOICES)
    id = serializers.IntegerField(help_text="The id under /assessments/, /self-reports/ or /questionnaires/cbi/.")
    at = serializers.DateTimeField(help_text="When the photo was taken, the mood rated or the questionnaire answered.")
    summary = serializers.SerializerMethodField()
    mood = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()
    negativity = serializers.SerializerMethodField()
    confidence = serializers.SerializerMethodField()
    confidence_level = serializers.SerializerMethodField()
    confidence_level_display = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    sleep_hours = serializers.SerializerMethodField()
    workload = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()

    def _field(self, entry: selectors.JournalEntry, kind: str, name: str) -> object:
        return getattr(entry.row, name) if entry.kind == kind else None

    @extend_schema_field(serializers.CharField(help_text="The entry in words, in the request's language."))
    def get_summary(self, entry: selectors.JournalEntry) -> str:
        return selectors.journal_entry_words(entry)

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text="1-5; mood ratings only."))
    def get_mood(self, entry: selectors.JournalEntry) -> object:
        return self._field(entry, selectors.KIND_SELF_REPORT, "mood")

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="The note of a mood rating."))
    def get_note(self, entry: selectors.JournalEntry) -> object:
        return self._field(entry, selectors.KIND_SELF_REPORT, "note")

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="A photo's top emotion."))
    def get_label(self, entry: selectors.JournalEntry) -> object:
        return self._field(entry, selectors.KIND_ASSESSMENT, "label")

    @extend_schema_field(serializers.FloatField(allow_null=True, help_text="A photo's negative tone, 0-1."))
    def get_negativity(self, entry: selectors.JournalEntry) -> object:
        return self._field(entry, selectors.KIND_ASSESSMENT, "negativity")

    @extend_schema_field(serializers.FloatField(allow_null=True, help_text="How sure a photo's reading is, 0-1."))
    def get_confidence(self, entry: selectors.JournalEntry) -> object:
        return self._field(entry, selectors.KIND_ASSESSMENT, "confidence")

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="A photo's `sure`, `fairly_sure` or `unsure` (unsure ones are in no share), as in /assessments/.",
        )
    )
    def get_confidence_level(self, entry: selectors.JournalEntry) -> object:
        return self._field(entry, selectors.KIND_ASSESSMENT, "confidence_level")

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="The level in the request's language."))
    def get_confidence_level_display(self, entry: selectors.JournalEntry) -> str | None:
        # The model says "" for an unfinished reading; the API's other confidence fields say null.
        return self._field(entry, selectors.KIND_ASSESSMENT, "confidence_level_display") or None  # type: ignore[return-value]

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="A photo's analysis status."))
    def get_status(self, entry: selectors.JournalEntry) -> object:
        return self._field(entry, selectors.KIND_ASSESSMENT, "status")

    @extend_schema_field(serializers.FloatField(allow_null=True, help_text="Hours slept; mood ratings only."))
    def get_sleep_hours(self, entry: selectors.JournalEntry) -> float | None:
        hours = self._field(entry, selectors.KIND_SELF_REPORT, "sleep_hours")
        return float(hours) if hours is not None else None  # type: ignore[arg-type]

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text="Workload 1-5; mood ratings only."))
    def get_workload(self, entry: selectors.JournalEntry) -> object:
        return self._field(entry, selectors.KIND_SELF_REPORT, "workload")

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), help_text="A mood rating's own tags."))
    def get_tags(self, entry: selectors.JournalEntry) -> list[str]:
        return [tag.name for tag in entry.row.tags.all()] if entry.kind == selectors.KIND_SELF_REPORT else []

    @extend_schema_field(serializers.FloatField(allow_null=True, help_text="A questionnaire's score, 0-100."))
    def get_score(self, entry: selectors.JournalEntry) -> object:
        return self._field(entry, selectors.KIND_QUESTIONNAIRE, "score")


class JournalFilterSerializer(DateRangeSerializer):
    kind = serializers.ChoiceField(choices=JOURNAL_KIND_CHOICES, required=False, help_text="Only this kind of entry.")


class JournalApi(ApiView):
    """Everything you recorded, newest first: photo readings, mood ratings (with notes), questionnaires."""

    @extend_schema(
        tags=[JOURNAL_TAG],
        parameters=[JournalFilterSerializer, *PAGINATION_PARAMETERS],
        responses=responses({200: paginated(JournalEntryOutputSerializer, "PaginatedJournalList")}, 400),
        summary="Your journal",
        operation_id="journal_list",
        description="`from`/`to` are days of your time zone; `kind` is `assessment`, `self_report` or `questionnaire`.",
    )
    def get(self, request: Request) -> Response:
        filters = JournalFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        size = ApiCursorPagination(()).get_page_size(request)
        cursor = request.query_params.get("cursor")
        page = selectors.journal_page_get(
            user=request.user,
            kinds=(data["kind"],) if data.get("kind") else selectors.JOURNAL_KINDS,
            first_day=data.get("from"),
            last_day=data.get("to"),
            position=selectors.JournalPosition.decode(cursor) if cursor is not None else None,
            size=size,
        )
        here = request.build_absolute_uri()
        links = {
            name: replace_query_param(here, "cursor", position.encode()) if position is not None else None
            for name, position in (("next", page.older), ("previous", page.newer))
        }
        results = JournalEntryOutputSerializer(page.entries, many=True).data
        return Response({**links, "results": results})


class SelfReportDetailApi(ApiView):
    @extend_schema(
        tags=[SELF_REPORTS_TAG],
        request=None,
        responses=responses({204: None}, described=DELETED_DESCRIBED),
        summary="Delete one of your mood ratings",
        operation_id="self_reports_destroy",
    )
    def delete(self, request: Request, pk: int) -> Response:
        self_report_delete(user=request.user, self_report_id=pk, channel=Channel.API)
        return Response(status=status.HTTP_204_NO_CONTENT)
