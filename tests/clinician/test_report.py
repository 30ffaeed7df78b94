"""The printable report: a real PDF parsed back with pypdf (pages, the patient's name, the period) in English and
Russian, from the portal, the API and the person's own dashboard; every download is on the person's privacy page."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.test import Client
from django.utils.html import escape
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.models import AuditEvent, CareLink, User
from tests.api.conftest import assert_error, client_for

from .conftest import NOW

pytestmark = pytest.mark.django_db


def _text(response: object) -> tuple[int, str]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), " ".join(page.extract_text() for page in reader.pages)


def _downloads(patient: User) -> list[tuple[int | None, dict]]:
    events = AuditEvent.objects.filter(subject_user=patient, action=AuditEvent.Action.REPORT_DOWNLOADED)
    return [(event.actor_id, event.detail) for event in events.order_by("id")]


@time_machine.travel(NOW, tick=False)
def test_the_portal_pdf_in_english(history: User, link: CareLink, portal_client: Client) -> None:
    response = portal_client.get(f"/portal/patients/{history.pk}/report.pdf?days=30")

    pages, text = _text(response)
    assert 1 <= pages <= 2
    assert "Emotional dynamics of Mira" in text
    assert "Period: 19 Feb 2026 – 20 Mar 2026 (30 days)." in text
    assert "Generated on" in text
    # No session recorded: the brief covers the last 14 days (28 readings, 12 negative).
    assert "Negative share: 43 % of 28 counted readings." in text
    assert "Not a diagnosis" in text
    assert 'attachment; filename="report-' in response["Content-Disposition"]
    assert _downloads(history) == [(link.psychologist_id, {"days": 30, "by": "psychologist"})]


@time_machine.travel(NOW, tick=False)
def test_the_api_pdf_in_the_psychologists_language_russian(
    history: User, link: CareLink, verified_psychologist: User, psychologist_api: APIClient
) -> None:
    verified_psychologist.language = "ru"
    verified_psychologist.save(update_fields=["language"])

    response = psychologist_api.get(f"/api/v1/patients/{history.pk}/report.pdf?days=365")

    pages, text = _text(response)
    assert 1 <= pages <= 2
    assert "Mira" in text
    assert "Период: 21.03.2025 – 20.03.2026 (365 дн.)." in text
    assert "Не диагноз" in text  # noqa: RUF001
    assert _downloads(history) == [(verified_psychologist.pk, {"days": 365, "by": "psychologist"})]


@time_machine.travel(NOW, tick=False)
def test_the_patient_downloads_their_own_report_and_sees_it_on_the_privacy_page(history: User) -> None:
    response = client_for(history).get("/api/v1/me/report.pdf?days=90")
    pages, text = _text(response)
    assert 1 <= pages <= 2
    assert "Period: 21 Dec 2025 – 20 Mar 2026 (90 days)." in text

    web = Client()
    web.force_login(history)
    _text(web.get("/report.pdf?days=30"))
    assert _downloads(history) == [(history.pk, {"days": 90, "by": "self"}), (history.pk, {"days": 30, "by": "self"})]
    privacy = web.get("/accounts/privacy/")
    assert "Downloaded a PDF report of your data" in privacy.content.decode()
    # Two downloads within the repeat window are one line with its count (accounts.selectors.audit_read_entries).
    [day] = privacy.context["read_days"]
    assert [(entry.action, entry.count) for entry in day.entries] == [("report_downloaded", 2)]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Give the report's period as a whole number of days from 7 to 365."),
        ("ru", "Укажите период отчёта целым числом дней от 7 до 365."),
    ],
)
@pytest.mark.parametrize("days", ["0", "366", "abc", "3.5"])
def test_a_bad_period_is_refused_with_the_reason(history: User, language: str, message: str, days: str) -> None:
    response = client_for(history).get(f"/api/v1/me/report.pdf?days={days}", HTTP_ACCEPT_LANGUAGE=language)

    assert_error(response, 400, "invalid", message)
    web = Client()
    web.force_login(history)
    page = web.get(f"/report.pdf?days={days}", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 400
    assert escape(message) in page.content.decode()
    assert _downloads(history) == []
