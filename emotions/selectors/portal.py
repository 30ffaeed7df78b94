"""The psychologist's portal: one row per patient sharing with them now, in one query whatever their number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Expression
from django.db.models.functions import Cast, Coalesce, Lower, NullIf
from django.utils import timezone

from accounts.models import CareLink, SharingCategory
from accounts.selectors import care_link_list_visible_to
from emotions.burnout import burnout_windows
from emotions.confidence import counted_q, unsure_q
from emotions.models import BurnoutFlag, FlagAcknowledgement, PhotoAssessment, QuestionnaireResponse, SelfReport
from emotions.selectors.burnout import burnout_flag_open_exists

PORTAL_SORTS = ("flag", "name", "last", "share", "change")
READINGS, QUESTIONNAIRE, FLAGS = SharingCategory.READINGS, SharingCategory.QUESTIONNAIRE, SharingCategory.FLAGS
MOOD = SharingCategory.MOOD


# Recency colour of the last photo: (at most this many days ago, colour name); older is grey.
RECENCY_COLOURS: tuple[tuple[int, str], ...] = ((2, "green"), (7, "yellow"), (30, "red"))


@dataclass(frozen=True)
class PortalRow:
    link_id: int
    patient_id: int
    name: str
    last_assessment_at: datetime | None
    recent_total: int | None  # counted readings (finished, not unsure) in the recent window
    recent_share: float | None
    previous_share: float | None
    share_change: float | None
    # "Needs attention": a burnout flag (emotions.BurnoutFlag, evaluated by emotions.burnout) is open now.
    flagged: bool
    recency: str
    # The last CBI personal-burnout score (0-100), None when the patient never answered it.
    latest_cbi: float | None = None
    # The rules of the open flags, in the order they were raised (their display names).
    flag_rules: tuple[str, ...] = ()
    # Unsure readings of the recent window: listed on the patient's page, left out of the shares above.
    recent_unsure: int | None = 0
    # What the patient shares with this psychologist: the fields of any other category are None (flagged False).
    categories: tuple[str, ...] = tuple(SharingCategory.values)
    # An open flag this psychologist has not acknowledged yet (emotions.FlagAcknowledgement); False without flags.
    unacknowledged: bool = False
    # Nothing shared for PORTAL_QUIET_AFTER_DAYS days (or ever): the latest of the shared categories' data.
    quiet: bool = False
    last_data_at: datetime | None = None

    def shares(self, category: str) -> bool:
        return category in self.categories

    @property
    def shared(self) -> dict[str, bool]:
        """For templates: `row.shared.readings`."""
        return {category: category in self.categories for category in SharingCategory.values}

    @property
    def recent_percent(self) -> int | None:
        return None if self.recent_share is None else round(self.recent_share * 100)

    @property
    def change_points(self) -> int | None:
        return None if self.share_change is None else round(self.share_change * 100)


def _recency(last: datetime | None, now: datetime) -> str:
    if last is None:
        return "grey"
    age_days = (now - last).total_seconds() / 86400
    for limit, colour in RECENCY_COLOURS:
        if age_days <= limit:
            return colour
    return "grey"


def _shared(category: str, expression: Expression | Any, output_field: Any, default: Any = None) -> Case:
    """`expression` where the link shares `category`, else `default`: computed in SQL from the link's column
    (CareLink.category_field, the same definition as `CareLink.shares`), so sorting never orders by a value
    the psychologist may not see."""
    return Case(
        When(Q(**{CareLink.category_field(category): True}), then=expression),
        default=Value(default),
        output_field=output_field,
    )


def portal_patient_row_list(*, psychologist: Any, sort: str = "flag", now: datetime | None = None) -> list[PortalRow]:
    """One row per patient sharing with this psychologist now, in one query whatever their number.

    Windows are the last PORTAL_WINDOW_DAYS × 24 h and the same span before (not calendar days in each
    patient's zone: the list compares many people at one moment). Only counted readings (finished, not
    unsure: emotions.confidence) enter the shares; the recent unsure ones are counted apart.
    """
    now = now or timezone.now()
    recent_start, previous_start = burnout_windows(now=now)
    # Only the analysed photos of the two windows are joined (FilteredRelation puts the condition in
    # the JOIN), so the grouped rows stay bounded however long people have used the product; the last
    # photo comes from a subquery on the (user, captured_at) index.
    pa = "window_photos"
    counted = counted_q(prefix="window_photos__")
    negative = counted & Q(window_photos__valence=PhotoAssessment.Valence.NEGATIVE)
    recent = Q(window_photos__captured_at__gte=recent_start)
    previous = Q(window_photos__captured_at__lt=recent_start)

    def share(negative_field: str, total_field: str) -> ExpressionWrapper:
        return ExpressionWrapper(
            Cast(negative_field, FloatField()) / NullIf(Cast(total_field, FloatField()), Value(0.0)),
            output_field=FloatField(),
        )

    last_photo = (
        PhotoAssessment.objects.filter(user=OuterRef("patient_id")).order_by("-captured_at").values("captured_at")[:1]
    )
    latest_cbi = (
        QuestionnaireResponse.objects.filter(
            user=OuterRef("patient_id"), instrument=QuestionnaireResponse.Instrument.CBI_PERSONAL
        )
        .order_by("-at", "-id")
        .values("score")[:1]
    )
    last_mood = SelfReport.objects.filter(user=OuterRef("patient_id")).order_by("-at").values("at")[:1]
    last_answer = QuestionnaireResponse.objects.filter(user=OuterRef("patient_id")).order_by("-at").values("at")[:1]
    links: QuerySet[CareLink] = (
        care_link_list_visible_to(psychologist=psychologist)
        .annotate(
            window_photos=FilteredRelation(
                "patient__photo_assessments",
                condition=Q(
                    patient__photo_assessments__status=PhotoAssessment.Status.DONE,
                    patient__photo_assessments__captured_at__gte=previous_start,
                    patient__photo_assessments__captured_at__lte=now,
                ),
            ),
            last_assessment_at=_shared(READINGS, Subquery(last_photo), DateTimeField()),
            latest_cbi=_shared(QUESTIONNAIRE, Subquery(latest_cbi), FloatField()),
            flagged=_shared(FLAGS, burnout_flag_open_exists(user_ref="patient_id"), BooleanField(), False),
            unacknowledged=_shared(FLAGS, _unacknowledged_exists(psychologist), BooleanField(), False),
            last_mood_at=_shared(MOOD, Subquery(last_mood), DateTimeField()),
            last_answer_at=_shared(QUESTIONNAIRE, Subquery(last_answer), DateTimeField()),
        )
        .annotate(
            recent_total=_shared(READINGS, Count(pa, filter=recent & counted), IntegerField()),
            recent_unsure=_shared(
                READINGS, Count(pa, filter=recent & unsure_q(prefix="window_photos__")), IntegerField()
            ),
            recent_negative=_shared(READINGS, Count(pa, filter=recent & negative), IntegerField()),
            previous_total=_shared(READINGS, Count(pa, filter=previous & counted), IntegerField()),
            previous_negative=_shared(READINGS, Count(pa, filter=previous & negative), IntegerField()),
        )
        .annotate(
            recent_share=share("recent_negative", "recent_total"),
            previous_share=share("previous_negative", "previous_total"),
        )
        .annotate(
            share_change=ExpressionWrapper(F("recent_share") - F("previous_share"), output_field=FloatField()),
            display_name=Coalesce(
                NullIf("alias", Value("")), NullIf("patient__first_name", Value("")), "patient__username"
            ),
        )
    )
    name_order = (Lower("display_name").asc(), F("pk").asc())
    orderings = {
        "name": name_order,
        "last": (F("last_assessment_at").desc(nulls_last=True), *name_order),
        "share": (F("recent_share").desc(nulls_last=True), *name_order),
        "change": (F("share_change").desc(nulls_last=True), *name_order),
        # Signals this psychologist has not acknowledged first, then the other open ones.
        "flag": (
            F("unacknowledged").desc(),
            F("flagged").desc(),
            F("recent_share").desc(nulls_last=True),
            *name_order,
        ),
    }
    links = links.order_by(*orderings.get(sort, orderings["flag"]))
    # Plain values, not model instances: with hundreds of patients building objects costs more than the query.
    fields = ("pk", "patient_id", "display_name", "last_assessment_at", "recent_total", "recent_share")
    fields += ("previous_share", "share_change", "flagged", "latest_cbi", "recent_unsure", "unacknowledged")
    fields += ("last_mood_at", "last_answer_at")
    fields += tuple(CareLink.category_field(category) for category in SharingCategory.values)
    values = list(links.values(*fields))
    rules = _open_flag_rules([row["patient_id"] for row in values if row["flagged"]])
    return [
        PortalRow(
            link_id=row["pk"],
            patient_id=row["patient_id"],
            name=row["display_name"],
            last_assessment_at=row["last_assessment_at"],
            recent_total=row["recent_total"],
            recent_share=row["recent_share"],
            previous_share=row["previous_share"],
            share_change=row["share_change"],
            flagged=bool(row["flagged"]),
            recency=_recency(row["last_assessment_at"], now),
            latest_cbi=row["latest_cbi"],
            flag_rules=tuple(rules.get(row["patient_id"], ())),
            recent_unsure=row["recent_unsure"],
            categories=tuple(c for c in SharingCategory.values if row[CareLink.category_field(c)]),
            unacknowledged=bool(row["unacknowledged"]),
            **_quietness(row, now),
        )
        for row in values
    ]


def _quietness(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The latest shared data of a row and whether it is older than PORTAL_QUIET_AFTER_DAYS (or absent)."""
    stamps = [row[name] for name in ("last_assessment_at", "last_mood_at", "last_answer_at") if row[name]]
    last = max(stamps) if stamps else None
    quiet = last is None or now - last > timedelta(days=settings.PORTAL_QUIET_AFTER_DAYS)
    return {"last_data_at": last, "quiet": quiet}


def _unacknowledged_exists(psychologist: Any) -> Exists:
    """An open flag of the row's patient that this psychologist has not acknowledged."""
    seen = FlagAcknowledgement.objects.filter(flag=OuterRef("pk"), psychologist=psychologist)
    return Exists(
        BurnoutFlag.objects.filter(user=OuterRef("patient_id"), cleared_at__isnull=True).filter(~Exists(seen))
    )


def _open_flag_rules(patient_ids: list[int]) -> dict[int, list[str]]:
    """The display names of each patient's open flags (one query for the whole list)."""
    rules: dict[int, list[str]] = {}
    if not patient_ids:
        return rules
    open_flags = BurnoutFlag.objects.filter(user_id__in=patient_ids, cleared_at__isnull=True)
    for flag in open_flags.order_by("raised_at", "id").only("user_id", "rule"):
        rules.setdefault(flag.user_id, []).append(str(flag.get_rule_display()))
    return rules
