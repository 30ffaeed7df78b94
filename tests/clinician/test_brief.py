"""The "since last session" brief: its figures on a generated history against hand-computed values
(tests/clinician/conftest.py `history`), only the shared categories, and the audit line of the read."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from accounts.models import AuditEvent, CareLink, User
from emotions.models import CareSession
from emotions.selectors.brief import ALL_CATEGORIES, brief_build, patient_brief_read

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_the_brief_since_the_session_matches_the_hand_computed_figures(history: User) -> None:
    brief = brief_build(user=history, first_day=date(2026, 3, 11), since_session=True, now=NOW)

    assert (brief.first_day, brief.last_day, brief.days) == (date(2026, 3, 11), date(2026, 3, 20), 10)
    assert brief.readings == 20
    assert brief.share_now == pytest.approx(0.5)
    assert brief.share_before == pytest.approx(0.25)
    assert brief.share_change == pytest.approx(0.25)
    assert brief.unsure == 1
    assert (brief.agreement.checked, brief.agreement.agreed) == (2, 1)
    assert brief.mood_ratings == 3
    assert brief.mood_now == pytest.approx(3.0)
    assert brief.mood_before == pytest.approx(5.0)
    assert [note.note for note in brief.mood_notes] == ["A hard week at work"]
    assert (brief.cbi_now, brief.cbi_before) == (75, 50)
    assert [flag.rule for flag in brief.flags_raised] == ["rise"]
    assert [flag.rule for flag in brief.flags_cleared] == ["negative_share"]
    assert brief.days_without_data == 2


def test_the_brief_in_plain_words_english_and_russian(history: User) -> None:
    brief = brief_build(user=history, first_day=date(2026, 3, 11), since_session=True, now=NOW)
    text = " ".join(brief.sentences)
    assert "Since the last session on 11 Mar 2026 (10 days)." in text
    assert "Negative share: 50 % of 20 counted readings. +25 points against 25 % in the span before." in text
    assert "1 reading was unsure and is not counted." in text
    assert "Mood: 3.0 of 5 on average over 3 ratings. 5.0 in the span before." in text
    assert "Burnout questionnaire: 75 of 100. The score before was 50." in text
    assert "Signals raised: Rise in negative photos (17 Mar 2026)." in text
    assert "The patient checked 2 readings and called 1 right (50 %)." in text
    assert "No data on 2 of 10 days." in text

    with translation.override("ru"):
        russian = " ".join(
            brief_build(user=history, first_day=date(2026, 3, 11), since_session=True, now=NOW).sentences
        )
    assert "С последней встречи 11.03.2026 (10 дн.)." in russian  # noqa: RUF001
    assert "Доля негативных: 50 % из 20 учтённых снимков. +25 п. п. к 25 % в период до этого." in russian
    assert "Настроение: 3,0 из 5 в среднем по 3 оценкам. 5,0 в период до этого." in russian
    assert "Нет данных за 2 из 10 дн." in russian


def test_only_the_shared_categories_are_read(history: User) -> None:
    brief = brief_build(user=history, first_day=date(2026, 3, 11), categories={"readings"}, now=NOW)

    assert brief.share_now == pytest.approx(0.5)
    assert (brief.mood_now, brief.mood_notes, brief.cbi_now, brief.flags_raised) == (None, (), None, ())
    # Only the days with a reading count as days with data: 03-16..03-20.
    assert brief.days_without_data == 5
    text = " ".join(brief.sentences)
    assert "Mood" not in text and "questionnaire" not in text and "Signals" not in text

    mood_only = brief_build(user=history, first_day=date(2026, 3, 11), categories={"mood"}, now=NOW)
    assert (mood_only.readings, mood_only.share_now, mood_only.agreement) == (0, None, None)
    assert "Negative share" not in " ".join(mood_only.sentences)


def test_the_psychologist_reads_from_the_last_session_and_the_read_is_audited(
    history: User, link: CareLink, verified_psychologist: User
) -> None:
    CareSession.objects.create(link=link, on=date(2026, 3, 4))
    CareSession.objects.create(link=link, on=date(2026, 3, 11))

    brief = patient_brief_read(psychologist=verified_psychologist, link=link, categories=ALL_CATEGORIES, now=NOW)

    assert (brief.first_day, brief.since_session, brief.readings) == (date(2026, 3, 11), True, 20)
    event = AuditEvent.objects.get(action=AuditEvent.Action.BRIEF_VIEW)
    assert (event.actor, event.subject_user) == (verified_psychologist, history)
    assert event.detail == {"from": "2026-03-11", "to": "2026-03-20"}


def test_without_a_session_the_brief_covers_the_last_14_days(
    history: User, link: CareLink, verified_psychologist: User
) -> None:
    brief = patient_brief_read(psychologist=verified_psychologist, link=link, categories=ALL_CATEGORIES, now=NOW)

    assert (brief.first_day, brief.days, brief.since_session) == (date(2026, 3, 7), 14, False)
    # 03-07..03-20: the readings of 03-07 and 03-08 (8, 2 negative) join the span's 20 (10 negative).
    assert brief.readings == 28
    assert brief.share_now == pytest.approx(12 / 28)
    assert "From 7 Mar 2026 to 20 Mar 2026 (14 days)." in brief.sentences[0]
