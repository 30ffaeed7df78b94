"""The journal: every kind of entry in one list, filtered and paged; deleting one entry behind a confirmation,
audited, gone from the dashboard data and the export (a photo's file too); weekday and time-of-day rhythms."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.services.export import _export_sections
from emotions import selectors
from emotions.models import CBI_ITEM_KEYS, BurnoutFlag, PhotoAssessment, QuestionnaireResponse, SelfReport
from emotions.services import assessment_create, photo_validate, questionnaire_cbi_create, self_report_create
from tests.emotions import images
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

JOURNAL = "/journal/"


def reading(user: User, at: datetime, negativity: float = 0.2, label: str = "sad") -> PhotoAssessment:
    return PhotoAssessment.objects.create(
        user=user,
        captured_at=at,
        status=PhotoAssessment.Status.DONE,
        label=label,
        valence="negative",
        negativity=negativity,
        probabilities={label: 1.0},
    )


def mood(user: User, at: datetime, value: int, note: str = "") -> SelfReport:
    return SelfReport.objects.create(user=user, at=at, mood=value, note=note)


@pytest.fixture
def history(user: User) -> dict[str, object]:
    now = timezone.now()
    return {
        "old_reading": reading(user, now - timedelta(days=40), 0.7, "angry"),
        "reading": reading(user, now - timedelta(hours=3), 0.25, "happy"),
        "mood": mood(user, now - timedelta(hours=2), 2, note="Long meeting, <b>tired</b>"),
        "cbi": questionnaire_cbi_create(user=user, answers=dict.fromkeys(CBI_ITEM_KEYS, "often")),
    }


def entries_on(html: str) -> list[str]:
    return re.findall(r'class="journal-entry journal-(\w+)"', html)


def test_the_journal_lists_every_kind_newest_first_with_notes(client_logged_in: Client, history: dict) -> None:
    html = client_logged_in.get(JOURNAL).content.decode()
    assert entries_on(html) == ["questionnaire", "self_report", "assessment", "assessment"]
    assert "Long meeting, &lt;b&gt;tired&lt;/b&gt;" in html  # the note, escaped
    assert "2 of 5" in html and "Burnout score 75 of 100" in html and "Happy, negative tone 25%" in html
    assert f'href="{JOURNAL}"' in client_logged_in.get(reverse("emotions:dashboard")).content.decode()


def test_someone_elses_entries_are_not_in_the_journal(client_logged_in: Client) -> None:
    mood(UserFactory(), timezone.now(), 1, note="not yours")
    html = client_logged_in.get(JOURNAL).content.decode()
    assert "not yours" not in html and entries_on(html) == []
    assert "Nothing recorded in this period." in html


def test_filter_by_kind_and_period(client_logged_in: Client, history: dict) -> None:
    html = client_logged_in.get(JOURNAL, {"kind": "assessment"}).content.decode()
    assert entries_on(html) == ["assessment", "assessment"]
    html = client_logged_in.get(JOURNAL, {"kind": "assessment", "period": "30"}).content.decode()
    assert entries_on(html) == ["assessment"]


@pytest.mark.parametrize(
    ("language", "params", "message"),
    [
        ("en", {"kind": "photos"}, "Select a valid choice. photos is not one of the available choices."),
        ("ru", {"period": "7"}, "Выберите корректный вариант. 7 нет среди допустимых значений."),
        ("en", {"cursor": "forged"}, "This page link is not valid. Start again from the first page."),
        ("ru", {"cursor": "forged"}, "Ссылка на эту страницу недействительна. Начните снова с первой страницы."),  # noqa: RUF001
    ],
)
def test_a_bad_filter_is_a_400_that_says_why(
    client_logged_in: Client, history: dict, language: str, params: dict, message: str
) -> None:
    response = client_logged_in.get(JOURNAL, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_pages_follow_each_other_without_gaps_or_repeats(client_logged_in: Client, user: User) -> None:
    start = timezone.now() - timedelta(days=5)
    same_moment = start + timedelta(hours=1)
    for index in range(23):
        reading(user, start + timedelta(minutes=index * 7))
    # Rows of different kinds at the very same moment still have one order.
    mood(user, same_moment, 3)
    reading(user, same_moment)
    seen: list[str] = []
    url: str | None = JOURNAL
    pages = 0
    while url:
        html = client_logged_in.get(url).content.decode()
        seen += re.findall(r'href="/journal/(\w+)/(\d+)/delete/', html) and [
            f"{kind}:{pk}" for kind, pk in re.findall(r'href="/journal/(\w+)/(\d+)/delete/', html)
        ]
        match = re.search(r'<a href="([^"]+)">Older', html)
        url = match.group(1).replace("&amp;", "&") if match else None
        pages += 1
        if pages == 2:
            newer = re.search(r'<a href="([^"]+)">← Newer', html)
            assert newer is not None
            back = client_logged_in.get(newer.group(1).replace("&amp;", "&")).content.decode()
            assert len(entries_on(back)) == 20 and "Newer" not in back
    assert pages == 2
    assert len(seen) == 25 == len(set(seen))


def test_delete_asks_first_then_deletes_on_post_and_audits(client_logged_in: Client, history: dict, user: User) -> None:
    report = history["mood"]
    url = reverse("emotions:journal_entry_delete", args=["self_report", report.pk])
    page = client_logged_in.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Delete this entry?" in html and "csrfmiddlewaretoken" in html and "<script>" not in html
    assert SelfReport.objects.filter(pk=report.pk).exists()  # a GET deletes nothing
    response = client_logged_in.post(url, {"next": "/journal/?kind=self_report"}, follow=True)
    assert response.redirect_chain[-1][0] == "/journal/?kind=self_report"
    assert "The entry was deleted." in response.content.decode()
    assert not SelfReport.objects.filter(pk=report.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.ENTRY_DELETED)
    assert (event.actor, event.subject_user, event.detail) == (user, user, {"kind": "self_report", "channel": "web"})


def test_delete_needs_the_csrf_token(user: User, history: dict) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("emotions:journal_entry_delete", args=["questionnaire", history["cbi"].pk]))
    assert response.status_code == 403
    assert QuestionnaireResponse.objects.filter(pk=history["cbi"].pk).exists()


@pytest.mark.parametrize(
    ("language", "kind", "message"),
    [
        ("en", "self_report", "No such mood rating."),
        ("ru", "self_report", "Такой оценки настроения нет."),
        ("en", "assessment", "No such assessment."),
        ("en", "questionnaire", "No such questionnaire answer."),
        ("en", "thing", "No such entry."),
    ],
)
def test_someone_elses_entry_cannot_be_deleted(
    client_logged_in: Client, language: str, kind: str, message: str
) -> None:
    other = UserFactory()
    rows = {
        "self_report": mood(other, timezone.now(), 4),
        "assessment": reading(other, timezone.now()),
        "questionnaire": questionnaire_cbi_create(user=other, answers=dict.fromkeys(CBI_ITEM_KEYS, "never")),
    }
    pk = rows[kind].pk if kind in rows else 1
    url = reverse("emotions:journal_entry_delete", args=[kind, pk])
    response = client_logged_in.post(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert message in response.content.decode()
    assert client_logged_in.get(url).status_code == 404
    assert SelfReport.objects.count() == 1 and PhotoAssessment.objects.count() == 1
    assert QuestionnaireResponse.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ENTRY_DELETED).exists()


def test_deleting_a_reading_deletes_its_photo_and_leaves_the_charts_and_export(
    client_logged_in: Client,
    user: User,
    media_root: Path,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # analysis not run: the photo file stays
        assessment = assessment_create(user=user, photo=photo_validate(data=images.face_jpeg()))
    kept = reading(user, timezone.now() - timedelta(days=1), 0.9)
    photo_path = Path(assessment.photo.path)
    assert photo_path.is_file()
    self_report_create(user=user, mood=4, assessment=assessment.pk, source="web")
    with django_capture_on_commit_callbacks(execute=True):
        client_logged_in.post(reverse("emotions:journal_entry_delete", args=["assessment", assessment.pk]))
    assert not photo_path.exists()
    assert list(PhotoAssessment.objects.values_list("pk", flat=True)) == [kept.pk]
    assert SelfReport.objects.get().assessment is None  # the rating stays, no longer tied to the photo
    sections = _export_sections(user)
    assert [row["id"] for row in sections["assessments"]] == [kept.pk]
    summary = selectors.assessment_period_summary(user=user, days=7)
    assert summary.done == 1


# --- rhythms ----------------------------------------------------------------------------------------------------


def _weeks_of_moods(user: User, *, weeks: int, hard_weekday: int, tz: str = "UTC") -> None:
    """One rating a day at 21:30 local time; the hard weekday rated 2, every other day 4."""
    zone = ZoneInfo(tz)
    today = timezone.localtime(timezone.now(), zone).date()
    for offset in range(1, weeks * 7 + 1):
        day = today - timedelta(days=offset)
        at = datetime(day.year, day.month, day.day, 21, 30, tzinfo=zone)
        mood(user, at, 2 if day.weekday() == hard_weekday else 4)


def test_the_hardest_weekday_is_named_with_the_days_behind_it(client_logged_in: Client, user: User) -> None:
    _weeks_of_moods(user, weeks=4, hard_weekday=0)
    html = client_logged_in.get(JOURNAL).content.decode()
    assert "Hardest day of the week by your mood: Monday." in html
    assert "Days behind it: 4 of 28." in html
    html = client_logged_in.get(JOURNAL, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Самый тяжёлый день недели по настроению: понедельник." in html
    assert "Дней в расчёте: 4 из 28." in html


def test_weekdays_follow_the_persons_time_zone(user: User) -> None:
    # 21:30 in Vladivostok (UTC+10) is 11:30 UTC of the same day; 01:30 there is the previous day in UTC.
    user.timezone = "Asia/Vladivostok"
    user.save()
    zone = ZoneInfo(user.timezone)
    today = timezone.localtime(timezone.now(), zone).date()
    for offset in range(1, 29):
        day = today - timedelta(days=offset)
        at = datetime(day.year, day.month, day.day, 1, 30, tzinfo=zone)  # still the day before in UTC
        mood(user, at, 2 if day.weekday() == 2 else 4)
    [pattern] = selectors.patterns_compute(user=user).weekday
    assert pattern.group == 2  # Wednesday there, Tuesday in UTC


def test_no_rhythm_is_claimed_from_too_few_days(client_logged_in: Client, user: User) -> None:
    _weeks_of_moods(user, weeks=2, hard_weekday=0)
    html = client_logged_in.get(JOURNAL).content.decode()
    assert "Hardest day of the week" not in html
    assert "No day of the week or time of day stands out yet." in html
    assert "In this period: 14 days with a mood rating, 0 days with photos." in html


def test_the_hardest_time_of_day_by_photos(user: User) -> None:
    with time_machine.travel(datetime(2026, 6, 30, 23, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        for offset in range(1, 21):
            day = timezone.now() - timedelta(days=offset)
            reading(user, day.replace(hour=9), 0.2)
            reading(user, day.replace(hour=19), 0.6)
        patterns = selectors.patterns_compute(user=user)
    [pattern] = patterns.daypart
    assert (pattern.group, pattern.value_percent, pattern.overall_percent, pattern.group_days) == (
        "evening",
        60,
        40,
        20,
    )


def test_deleting_an_entry_evaluates_the_flags_after_the_commit_as_a_new_one_does(
    client_logged_in: Client, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        answer = questionnaire_cbi_create(user=user, answers=dict.fromkeys(CBI_ITEM_KEYS, "always"))
    assert BurnoutFlag.objects.filter(user=user, rule="cbi", cleared_at=None).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client_logged_in.post(reverse("emotions:journal_entry_delete", args=["questionnaire", answer.pk]))

    # The rule no longer sees the deleted answer, so the evaluation queued by the deletion closed its episode.
    assert not QuestionnaireResponse.objects.filter(pk=answer.pk).exists()
    assert not BurnoutFlag.objects.filter(user=user, cleared_at=None).exists()


def test_a_reading_shows_how_sure_it_is_and_an_unsure_one_is_left_out_of_the_rhythms(
    client_logged_in: Client, user: User
) -> None:
    with time_machine.travel(datetime(2026, 6, 30, 23, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        for offset in range(1, 21):
            day = timezone.now() - timedelta(days=offset)
            reading(user, day.replace(hour=9), 0.2)
            reading(user, day.replace(hour=19), 0.6)
            # Very negative but unsure: listed in the journal, counted in no share (emotions/confidence.py).
            unsure = reading(user, day.replace(hour=14), 0.95)
            PhotoAssessment.objects.filter(pk=unsure.pk).update(confidence=0.3)
        PhotoAssessment.objects.filter(user=user, confidence=None).update(confidence=0.9)
        patterns = selectors.patterns_compute(user=user)
        html = client_logged_in.get(JOURNAL, {"kind": "assessment"}).content.decode()
        html_ru = client_logged_in.get(JOURNAL, {"kind": "assessment"}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    [pattern] = patterns.daypart
    assert (pattern.group, pattern.value_percent, pattern.overall_percent) == ("evening", 60, 40)
    assert "How sure: unsure (30%)</span> · not counted" in html
    assert "How sure: sure (90%)" in html
    assert "Уверенность: низкая (30%)" in html_ru and "не учитывается" in html_ru
