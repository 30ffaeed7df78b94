"""The printable report of one person's period: the brief, the charts, the tables, as an A4 PDF (WeasyPrint).

`patient_report_read` is the psychologist's download (only the categories the patient shares with them) and
`own_report_read` the person's own; both record the download on the person's privacy page inside the read,
like every clinician read (emotions.selectors.clinician). The template is templates/reports/patient_report.html.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AuditEvent
from accounts.services import audit_record
from burnout_site.errors import Refusal
from emotions.models import BurnoutFlag, QuestionnaireResponse, SelfReport
from emotions.report_charts import MOOD_COLOUR, NEGATIVE_COLOUR, line_chart_png
from emotions.selectors.brief import (
    ALL_CATEGORIES,
    FLAGS,
    MOOD,
    QUESTIONNAIRE,
    READINGS,
    Brief,
    brief_build,
    patient_brief_read,
)
from emotions.selectors.dynamics import assessment_dynamics
from emotions.selectors.periods import user_tzinfo_get

if TYPE_CHECKING:
    from accounts.models import CareLink, User

REPORT_MIN_DAYS, REPORT_MAX_DAYS, REPORT_DEFAULT_DAYS = 7, 365, 90
# Up to this many days the charts show days, then weeks; the table shows weeks up to REPORT_WEEKLY_TABLE_DAYS,
# then months, so a year still fits the second page.
REPORT_DAILY_CHART_DAYS, REPORT_WEEKLY_TABLE_DAYS = 31, 92
REPORT_CBI_ROWS = 8


def report_days_parse(raw: object) -> int:
    """`?days=` of a report: a whole number of days in the documented bounds, else an `invalid` refusal."""
    if raw is None or raw == "":
        return REPORT_DEFAULT_DAYS
    try:
        days = int(str(raw))
    except ValueError:
        days = 0
    if not REPORT_MIN_DAYS <= days <= REPORT_MAX_DAYS:
        raise Refusal(
            "invalid",
            _("Give the report's period as a whole number of days from %(min)s to %(max)s.")
            % {"min": REPORT_MIN_DAYS, "max": REPORT_MAX_DAYS},
            field="days",
        )
    return days


@dataclass(frozen=True)
class ReportRow:
    label: str
    readings: int
    negative_share: float | None
    unsure: int
    mood: float | None


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _group_rows(
    buckets: Iterable[Any], moods: dict[date, list[int]], key: Callable[[date], date], label: Callable[[date], str]
) -> list[ReportRow]:
    grouped: dict[date, dict[str, Any]] = {}
    for bucket in buckets:
        row = grouped.setdefault(key(bucket.start), {"n": 0, "neg": 0, "unsure": 0, "moods": []})
        row["n"] += bucket.count
        row["neg"] += bucket.negative
        row["unsure"] += bucket.unsure
        row["moods"] += moods.get(bucket.start, [])
    return [
        ReportRow(
            label=label(start),
            readings=row["n"],
            negative_share=row["neg"] / row["n"] if row["n"] else None,
            unsure=row["unsure"],
            mood=sum(row["moods"]) / len(row["moods"]) if row["moods"] else None,
        )
        for start, row in sorted(grouped.items())
    ]


def _moods_by_day(user: User, first_day: date, tz: Any, now: datetime) -> dict[date, list[int]]:
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=tz)
    moods: dict[date, list[int]] = {}
    for at, mood in SelfReport.objects.filter(user=user, at__gte=start, at__lte=now).values_list("at", "mood"):
        moods.setdefault(at.astimezone(tz).date(), []).append(mood)
    return moods


def _charts(rows: list[ReportRow], days: list[date], categories: Collection[str]) -> list[str]:
    charts = []
    if READINGS in categories:
        charts.append(
            line_chart_png(
                days=days,
                values=[row.negative_share for row in rows],
                label=str(_("Share of negative readings, %")),
                colour=NEGATIVE_COLOUR,
                y_limits=(0, 1),
                percent=True,
            )
        )
    if MOOD in categories:
        charts.append(
            line_chart_png(
                days=days,
                values=[row.mood for row in rows],
                label=str(_("Mood (1–5), mean")),
                colour=MOOD_COLOUR,
                y_limits=(1, 5),
            )
        )
    return charts


def report_context(
    *, user: User, name: str, days: int, brief: Brief, viewer: User, now: datetime | None = None
) -> dict[str, Any]:
    """What the report's template shows, over the categories of `brief` (the shared ones) only."""
    now = now or timezone.now()
    tz = user_tzinfo_get(user=user)
    last_day = timezone.localdate(now, timezone=tz)
    first_day = last_day - timedelta(days=days - 1)
    categories = brief.categories
    daily = assessment_dynamics(user=user, first_day=first_day, last_day=last_day, bucket="day")
    moods = _moods_by_day(user, first_day, tz, now) if MOOD in categories else {}
    by_day = days <= REPORT_DAILY_CHART_DAYS
    chart_rows = _group_rows(daily, moods, (lambda day: day) if by_day else _week_start, str)
    chart_days = sorted({bucket.start if by_day else _week_start(bucket.start) for bucket in daily})
    if days <= REPORT_WEEKLY_TABLE_DAYS:
        table = _group_rows(daily, moods, _week_start, lambda start: _("week of %(day)s") % {"day": _short(start)})
    else:
        table = _group_rows(daily, moods, lambda day: day.replace(day=1), lambda start: _month(start))
    period_start = datetime.combine(first_day, datetime.min.time(), tzinfo=tz)
    cbi = []
    if QUESTIONNAIRE in categories:
        answers = QuestionnaireResponse.objects.filter(
            user=user, instrument=QuestionnaireResponse.Instrument.CBI_PERSONAL, at__gte=period_start, at__lte=now
        )
        cbi = list(answers.order_by("-at", "-id")[:REPORT_CBI_ROWS])
    flags = []
    if FLAGS in categories:
        flags = list(
            BurnoutFlag.objects.filter(user=user, raised_at__lte=now)
            .exclude(cleared_at__lt=period_start)
            .order_by("raised_at", "id")
        )
    viewer_tz = user_tzinfo_get(user=viewer)
    return {
        "name": name,
        "first_day": first_day,
        "last_day": last_day,
        "days": days,
        "generated_at": timezone.localtime(now, viewer_tz),
        "brief": brief,
        "charts": _charts(chart_rows, chart_days, categories),
        "table": table,
        "cbi": cbi,
        "flags": flags,
        "show": {category: category in categories for category in ALL_CATEGORIES},
        "user_tz": tz,
        "site_name": getattr(settings, "SITE_NAME", "Burnout detector"),
    }


def _short(day: date) -> str:
    from django.utils import formats

    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _month(day: date) -> str:
    from django.utils import formats

    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def _weasyprint() -> tuple[Any, Any]:
    """WeasyPrint's HTML and URLFetcher, imported on first use: it loads pango at import, which only the report
    needs. Its import also switches Pillow's process-wide LOAD_TRUNCATED_IMAGES on; put it back, or every photo
    validated later in this process (web or worker) would accept a truncated file (emotions/photos.py)."""
    from PIL import ImageFile

    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return HTML, URLFetcher


def report_pdf_render(context: dict[str, Any], *, language: str) -> bytes:
    """The report's HTML in `language`, printed to PDF by WeasyPrint."""
    HTML, URLFetcher = _weasyprint()
    with translation.override(language):
        html = render_to_string("reports/patient_report.html", context)
    # Only the report's own `data:` images: nothing is read from the disk or the network, whatever a name holds.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def _language_of(user: User) -> str:
    return user.language or translation.get_language() or settings.LANGUAGE_CODE


def _record(actor: User, subject: User, days: int, by: str) -> None:
    audit_record(
        actor=actor, subject_user=subject, action=AuditEvent.Action.REPORT_DOWNLOADED, detail={"days": days, "by": by}
    )


def patient_report_read(
    *, psychologist: User, link: CareLink, categories: Collection[str], days: int, now: datetime | None = None
) -> bytes:
    """The PDF a psychologist downloads of the patient of `link` (theirs, active): shared categories only."""
    language = _language_of(psychologist)
    with translation.override(language):
        brief = patient_brief_read(psychologist=psychologist, link=link, categories=categories, now=now)
        context = report_context(
            user=link.patient,
            name=link.alias or link.patient.display_name,
            days=days,
            brief=brief,
            viewer=psychologist,
            now=now,
        )
    pdf = report_pdf_render(context, language=language)
    _record(psychologist, link.patient, days, "psychologist")
    return pdf


def own_report_read(*, user: User, days: int, now: datetime | None = None) -> bytes:
    """The PDF a person downloads of their own data (to bring to a clinician not on the platform)."""
    language = _language_of(user)
    now = now or timezone.now()
    today = timezone.localdate(now, timezone=user_tzinfo_get(user=user))
    with translation.override(language):
        brief = brief_build(user=user, first_day=today - timedelta(days=days - 1), now=now)
        context = report_context(user=user, name=user.display_name, days=days, brief=brief, viewer=user, now=now)
    pdf = report_pdf_render(context, language=language)
    _record(user, user, days, "self")
    return pdf
