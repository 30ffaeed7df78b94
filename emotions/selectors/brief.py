"""The "since last session" brief: what changed for a patient since a day, in figures and in plain words.

`brief_build` computes it for any span (the patient's own report uses the report's period);
`patient_brief_read` is the psychologist's read: it starts at their last recorded session (or the last
BRIEF_DEFAULT_DAYS days), keeps only the categories the patient shares with them, and records the audit
line inside, like every read in emotions.selectors.clinician.

"Before" is the span of the same length just before the brief starts, so a change compares like with like.
Shares count only counted readings (emotions.confidence); unsure readings are reported apart.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Q
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import audit_record
from emotions.confidence import unsure_q
from emotions.models import BurnoutFlag, CareSession, PhotoAssessment, QuestionnaireResponse, SelfReport
from emotions.selectors.feedback import FeedbackAgreement, assessment_feedback_agreement_get
from emotions.selectors.periods import user_tzinfo_get

if TYPE_CHECKING:
    from accounts.models import CareLink, User

BRIEF_DEFAULT_DAYS = 14
# What a patient can share, by category (issue 15): each figure of the brief belongs to one.
READINGS, MOOD, QUESTIONNAIRE, FLAGS = "readings", "mood", "questionnaire", "flags"
ALL_CATEGORIES: frozenset[str] = frozenset({READINGS, MOOD, QUESTIONNAIRE, FLAGS})


@dataclass(frozen=True)
class MoodNote:
    at: datetime
    mood: int
    note: str


@dataclass(frozen=True)
class Brief:
    """Figures of one span [first_day, last_day] (days of the patient's zone). None: not shared, or no data."""

    first_day: date
    last_day: date
    since_session: bool
    categories: frozenset[str]
    readings: int = 0
    share_now: float | None = None
    share_before: float | None = None
    unsure: int = 0
    agreement: FeedbackAgreement | None = None
    mood_ratings: int = 0
    mood_now: float | None = None
    mood_before: float | None = None
    mood_notes: tuple[MoodNote, ...] = ()
    cbi_now: float | None = None
    cbi_before: float | None = None
    flags_raised: tuple[BurnoutFlag, ...] = ()
    flags_cleared: tuple[BurnoutFlag, ...] = ()
    days_without_data: int = 0
    sentences: tuple[str, ...] = field(default=())

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def share_change(self) -> float | None:
        if self.share_now is None or self.share_before is None:
            return None
        return self.share_now - self.share_before


def _day_start(day: date, tz: object) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=tz)  # type: ignore[arg-type]


def _share(rows: dict[str, int], prefix: str) -> float | None:
    total = rows[f"{prefix}_total"]
    return rows[f"{prefix}_negative"] / total if total else None


def _readings(user: User, start: datetime, before: datetime, end: datetime) -> dict[str, int]:
    now_q, before_q = Q(captured_at__gte=start), Q(captured_at__lt=start)
    negative = Q(valence=PhotoAssessment.Valence.NEGATIVE)
    counted = PhotoAssessment.objects.counted().filter(user=user, captured_at__gte=before, captured_at__lte=end)
    rows = counted.aggregate(
        now_total=Count("id", filter=now_q),
        now_negative=Count("id", filter=now_q & negative),
        before_total=Count("id", filter=before_q),
        before_negative=Count("id", filter=before_q & negative),
    )
    rows["unsure"] = PhotoAssessment.objects.filter(
        unsure_q(), user=user, captured_at__gte=start, captured_at__lte=end
    ).count()
    return rows


def _mood(user: User, start: datetime, before: datetime, end: datetime) -> dict[str, object]:
    reports = SelfReport.objects.filter(user=user, at__lte=end)
    now = reports.filter(at__gte=start).aggregate(avg=Avg("mood"), n=Count("id"))
    then = reports.filter(at__gte=before, at__lt=start).aggregate(avg=Avg("mood"))
    notes = tuple(
        MoodNote(at=row.at, mood=row.mood, note=row.note)
        for row in reports.filter(at__gte=start).exclude(note="").order_by("at", "id")[:20]
    )
    return {"now": now["avg"], "n": now["n"], "before": then["avg"], "notes": notes}


def _cbi(user: User, start: datetime, end: datetime) -> tuple[float | None, float | None]:
    """The last score in the span, and the last one answered before it."""
    answers = QuestionnaireResponse.objects.filter(
        user=user, instrument=QuestionnaireResponse.Instrument.CBI_PERSONAL, at__lte=end
    ).order_by("-at", "-id")
    now = answers.filter(at__gte=start).values_list("score", flat=True).first()
    before = answers.filter(at__lt=start).values_list("score", flat=True).first()
    return now, before


def _days_with_data(user: User, categories: Collection[str], start: datetime, end: datetime, tz: object) -> set[date]:
    """The patient's calendar days in the span with anything shared: a finished reading, a rating, an answer."""
    stamps: list[datetime] = []
    if READINGS in categories:
        done = PhotoAssessment.objects.filter(user=user, status=PhotoAssessment.Status.DONE)
        stamps += done.filter(captured_at__gte=start, captured_at__lte=end).values_list("captured_at", flat=True)
    if MOOD in categories:
        stamps += SelfReport.objects.filter(user=user, at__gte=start, at__lte=end).values_list("at", flat=True)
    if QUESTIONNAIRE in categories:
        answers = QuestionnaireResponse.objects.filter(user=user, at__gte=start, at__lte=end)
        stamps += answers.values_list("at", flat=True)
    return {stamp.astimezone(tz).date() for stamp in stamps}  # type: ignore[arg-type]


def brief_build(
    *,
    user: User,
    first_day: date,
    since_session: bool = False,
    categories: Collection[str] = ALL_CATEGORIES,
    now: datetime | None = None,
) -> Brief:
    """The brief of `user` from `first_day` (a day of their zone) to now, over the shared `categories` only."""
    now = now or timezone.now()
    tz = user_tzinfo_get(user=user)
    last_day = timezone.localdate(now, timezone=tz)
    first_day = min(first_day, last_day)
    start = _day_start(first_day, tz)
    before = _day_start(first_day - timedelta(days=(last_day - first_day).days + 1), tz)
    figures: dict[str, object] = {}
    if READINGS in categories:
        rows = _readings(user, start, before, now)
        figures.update(
            readings=rows["now_total"],
            share_now=_share(rows, "now"),
            share_before=_share(rows, "before"),
            unsure=rows["unsure"],
            agreement=assessment_feedback_agreement_get(user=user),
        )
    if MOOD in categories:
        mood = _mood(user, start, before, now)
        figures.update(
            mood_ratings=mood["n"], mood_now=mood["now"], mood_before=mood["before"], mood_notes=mood["notes"]
        )
    if QUESTIONNAIRE in categories:
        figures["cbi_now"], figures["cbi_before"] = _cbi(user, start, now)
    if FLAGS in categories:
        flags = BurnoutFlag.objects.filter(user=user).order_by("raised_at", "id")
        figures["flags_raised"] = tuple(flags.filter(raised_at__gte=start, raised_at__lte=now))
        figures["flags_cleared"] = tuple(flags.filter(cleared_at__gte=start, cleared_at__lte=now))
    span = (last_day - first_day).days + 1
    figures["days_without_data"] = span - len(_days_with_data(user, categories, start, now, tz))
    brief = Brief(
        first_day=first_day,
        last_day=last_day,
        since_session=since_session,
        categories=frozenset(categories),
        **figures,  # type: ignore[arg-type]
    )
    # Imported here: the words depend on the figures module, not the other way round.
    from emotions.brief_words import brief_sentences

    return Brief(**{**brief.__dict__, "sentences": tuple(brief_sentences(brief))})


def care_session_last(*, link: CareLink, today: date) -> CareSession | None:
    return CareSession.objects.filter(link=link, on__lte=today).order_by("-on", "-id").first()


def care_session_list(*, link: CareLink) -> list[CareSession]:
    return list(CareSession.objects.filter(link=link).order_by("-on", "-id"))


def patient_brief_read(
    *, psychologist: User, link: CareLink, categories: Collection[str], now: datetime | None = None
) -> Brief:
    """The psychologist's brief of the patient of `link` (an active link of theirs), recorded as read.

    The caller got `link` through the care-link door (accounts.selectors) and the shared categories
    from it; the brief never reads a category that is not in `categories`.
    """
    now = now or timezone.now()
    patient = link.patient
    today = timezone.localdate(now, timezone=user_tzinfo_get(user=patient))
    session = care_session_last(link=link, today=today)
    first_day = session.on if session else today - timedelta(days=BRIEF_DEFAULT_DAYS - 1)
    brief = brief_build(
        user=patient, first_day=first_day, since_session=session is not None, categories=categories, now=now
    )
    audit_record(
        actor=psychologist,
        subject_user=patient,
        action=AuditEvent.Action.BRIEF_VIEW,
        detail={"from": brief.first_day.isoformat(), "to": brief.last_day.isoformat()},
    )
    return brief
