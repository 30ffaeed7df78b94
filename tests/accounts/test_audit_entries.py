"""An audit the patient can read: repeated views of the same thing by the same psychologist within
AUDIT_REPEAT_WINDOW_MINUTES are one entry with a count and first/last time; the records stay one per view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import AuditEvent, User
from accounts.selectors import audit_read_days, audit_read_entries
from tests.conftest import link_patient, two_factor_client_for
from tests.factories import PsychologistProfileFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SORTS = ("name", "last", "share", "change", "flag", "name", "last", "share")


def _psychologist(user: User, name: str) -> Client:
    psychologist = PsychologistProfileFactory(user__first_name=name).user
    link_patient(user, psychologist)
    return two_factor_client_for(psychologist)


def test_eight_sort_clicks_are_one_entry_with_count_eight(client_logged_in: Client, user: User) -> None:
    portal = _psychologist(user, "Greta")
    with time_machine.travel(START, tick=False) as traveller:
        for sort in SORTS:
            assert portal.get(reverse("portal:patients"), {"sort": sort}).status_code == 200
            traveller.shift(timedelta(seconds=7))

    # The records stay one per view (append-only); the page reads them as one entry.
    assert AuditEvent.objects.filter(subject_user=user, action=AuditEvent.Action.PORTAL_LIST_VIEW).count() == 8
    [entry] = audit_read_entries(user=user)
    assert (entry.count, entry.first_at, entry.last_at) == (8, START, START + timedelta(seconds=49))

    response = client_logged_in.get(reverse("accounts:privacy"))
    [day] = response.context["read_days"]
    assert day.actor.first_name == "Greta" and [e.count for e in day.entries] == [8]
    body = response.content.decode()
    # One time format per language (burnout_site/formats): 24-hour in English too.
    assert '<tr data-count="8"><td>Saw you in their patient list</td><td>8</td><td>10:00</td></tr>' in body

    russian = client_logged_in.get(reverse("accounts:privacy"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    seen_in_list = "Видел(а) вас в списке пациентов"  # noqa: RUF001
    assert f'<tr data-count="8"><td>{seen_in_list}</td><td>8</td><td>10:00</td></tr>' in russian
    window_note = "Просмотры одного и того же в течение 30 минут показаны одной строкой"
    assert window_note in russian


def test_a_view_past_the_window_starts_a_new_entry(user: User, settings: SettingsWrapper) -> None:
    settings.AUDIT_REPEAT_WINDOW_MINUTES = 30
    portal = _psychologist(user, "Greta")
    for minutes in (0, 10, 30, 31, 45):
        with time_machine.travel(START + timedelta(minutes=minutes), tick=False):
            portal.get(reverse("portal:patients"))

    entries = audit_read_entries(user=user)
    # 0, 10 and 30 are within 30 minutes of the first view; 31 opens the next entry, which 45 joins.
    assert [(entry.count, entry.first_at.minute, entry.last_at.minute) for entry in entries] == [
        (2, 31, 45),
        (3, 0, 30),
    ]


def test_other_things_and_other_people_are_other_entries_grouped_by_psychologist_and_day(user: User) -> None:
    greta, olaf = _psychologist(user, "Greta"), _psychologist(user, "Olaf")
    with time_machine.travel(START, tick=False) as traveller:
        greta.get(reverse("portal:patients"))
        traveller.shift(timedelta(minutes=1))
        greta.get(reverse("portal:patient_detail", args=[user.pk]))
        traveller.shift(timedelta(minutes=1))
        greta.get(reverse("portal:patient_detail", args=[user.pk]), {"days": 90})
        traveller.shift(timedelta(minutes=1))
        olaf.get(reverse("portal:patients"))
    with time_machine.travel(START + timedelta(days=1), tick=False):
        greta.get(reverse("portal:patients"))

    groups = audit_read_days(user=user)

    summary = [
        (group.actor.first_name, group.day.isoformat(), [(entry.action, entry.count) for entry in group.entries])
        for group in groups
    ]
    assert summary == [
        ("Greta", "2026-03-03", [("portal_list_view", 1)]),
        ("Olaf", "2026-03-02", [("portal_list_view", 1)]),
        # The patient page opens with the "since last session" brief, a read of its own.
        ("Greta", "2026-03-02", [("portal_detail_view", 2), ("brief_view", 2), ("portal_list_view", 1)]),
    ]


def test_days_follow_the_persons_time_zone(user: User) -> None:
    user.timezone = "Asia/Tokyo"
    user.save(update_fields=["timezone"])
    portal = _psychologist(user, "Greta")
    with time_machine.travel(datetime(2026, 3, 2, 20, 0, tzinfo=UTC), tick=False):
        portal.get(reverse("portal:patients"))
    [group] = audit_read_days(user=user)
    assert group.day.isoformat() == "2026-03-03"  # 05:00 in Tokyo
