"""/dynamics/ (aggregated in the database) and a psychologist's /patients/ (active links, 2FA, audited)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import AuditEvent, User
from accounts.services import care_link_revoke
from emotions.ml.labels import CLASSES
from emotions.models import PhotoAssessment
from tests.api.conftest import assert_error, client_for
from tests.conftest import link_patient
from tests.factories import PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

DYNAMICS = "/api/v1/dynamics/"


def _photo(user: User, at: datetime, label: str = "sad", negativity: float = 0.8, **fields: object) -> None:
    valence = {"happy": "positive", "neutral": "neutral", "surprise": "neutral"}.get(label, "negative")
    values = {"status": "done", "label": label, "valence": valence, "negativity": negativity, **fields}
    PhotoAssessment.objects.create(user=user, captured_at=at, **values)


@pytest.fixture
def history(user: User) -> User:
    _photo(user, datetime(2026, 3, 2, 9, tzinfo=UTC), "sad", 0.9)
    _photo(user, datetime(2026, 3, 2, 18, tzinfo=UTC), "happy", 0.1)
    _photo(user, datetime(2026, 3, 4, 12, tzinfo=UTC), "angry", 0.7)
    _photo(user, datetime(2026, 3, 9, 12, tzinfo=UTC), "neutral", 0.2)
    # Not counted: no face, pending, outside the period, someone else's.
    _photo(user, datetime(2026, 3, 3, 12, tzinfo=UTC), "", None, status="no_face", valence="")
    PhotoAssessment.objects.create(user=user, captured_at=datetime(2026, 3, 3, 13, tzinfo=UTC))
    _photo(user, datetime(2026, 2, 20, 12, tzinfo=UTC))
    _photo(UserFactory(), datetime(2026, 3, 2, 12, tzinfo=UTC))
    return user


def test_daily_dynamics(patient_api: APIClient, history: User) -> None:
    body = patient_api.get(DYNAMICS, {"from": "2026-03-02", "to": "2026-03-04"}).json()

    assert (body["from"], body["to"], body["bucket"], body["timezone"]) == ("2026-03-02", "2026-03-04", "day", "UTC")
    first, empty, third = body["buckets"]
    assert first == {
        "start": "2026-03-02",
        "end": "2026-03-02",
        "count": 2,
        "negative": 1,
        "negative_share": 0.5,
        "mean_negativity": pytest.approx(0.5),
        "class_mix": {name: {"sad": 1, "happy": 1}.get(name, 0) for name in CLASSES},
        "mean_mood": None,
        "unsure": 0,  # added by issue 14: unsure readings are counted apart
    }
    assert empty["count"] == 0 and empty["negative_share"] is None and empty["mean_negativity"] is None
    assert third["count"] == 1 and third["negative_share"] == 1.0 and third["class_mix"]["angry"] == 1


def test_weekly_dynamics_cut_to_the_period(patient_api: APIClient, history: User) -> None:
    # 2026-03-04 is a Wednesday: the first week is cut to Wednesday..Sunday.
    body = patient_api.get(DYNAMICS, {"from": "2026-03-04", "to": "2026-03-10", "bucket": "week"}).json()
    weeks = [(item["start"], item["end"], item["count"]) for item in body["buckets"]]
    assert weeks == [("2026-03-04", "2026-03-08", 1), ("2026-03-09", "2026-03-10", 1)]

    whole = patient_api.get(DYNAMICS, {"from": "2026-03-02", "to": "2026-03-08", "bucket": "week"}).json()
    assert [(item["count"], item["negative"]) for item in whole["buckets"]] == [(3, 2)]


def test_days_follow_the_persons_time_zone(patient_api: APIClient, user: User) -> None:
    user.timezone = "America/New_York"
    user.save()
    _photo(user, datetime(2026, 3, 3, 2, tzinfo=UTC))  # still 2 March in New York
    body = patient_api.get(DYNAMICS, {"from": "2026-03-02", "to": "2026-03-03"}).json()
    assert [item["count"] for item in body["buckets"]] == [1, 0]
    assert body["timezone"] == "America/New_York"


@time_machine.travel(datetime(2026, 3, 10, 12, tzinfo=UTC), tick=False)
def test_defaults_are_the_last_30_days(patient_api: APIClient, history: User) -> None:
    body = patient_api.get(DYNAMICS).json()
    assert (body["from"], body["to"]) == ("2026-02-09", "2026-03-10")
    assert len(body["buckets"]) == 30
    assert sum(item["count"] for item in body["buckets"]) == 5


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"bucket": "month"}, "bucket", '"month" is not a valid choice.'),
        ({"from": "03/02/2026"}, "from", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
        ({"from": "0001-01-01"}, "from", "Give a date between the years 2000 and 2100."),
        ({"to": "9999-12-31"}, "to", "Give a date between the years 2000 and 2100."),
        ({"from": "2026-03-05", "to": "2026-03-04"}, "to", "The end of the period must not be before its start."),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "from", "The period can be at most 731 days long."),
        ({"from": "2099-01-01"}, "from", "The end of the period must not be before its start."),
    ],
)
def test_dynamics_invalid_parameters(patient_api: APIClient, params: dict, field: str, message: str) -> None:
    error = assert_error(patient_api.get(DYNAMICS, params), 400, "invalid", message)
    assert error["fields"] == {field: [message]}


def test_dynamics_needs_a_login(api: APIClient) -> None:
    assert_error(api.get(DYNAMICS), 401, "not_authenticated")


# --- the psychologist's side ---------------------------------------------------------------------------------


def test_patient_list_and_dynamics(psychologist_api: APIClient, two_factor_psychologist: User, history: User) -> None:
    link_patient(history, two_factor_psychologist)
    link_patient(UserFactory(), PsychologistProfileFactory().user)  # someone else's patient

    page = psychologist_api.get("/api/v1/patients/").json()

    assert (page["next"], page["previous"]) == (None, None)
    rows = page["results"]
    assert [row["id"] for row in rows] == [history.pk]
    assert rows[0]["name"] == history.username
    assert set(rows[0]) == {
        "id",
        "name",
        "categories",
        "last_assessment_at",
        "recent_total",
        "recent_share",
        "previous_share",
        "share_change",
        "flagged",
        "latest_cbi",
        "recent_unsure",  # added by issue 14: unsure readings are counted apart
    }
    assert AuditEvent.objects.filter(
        actor=two_factor_psychologist,
        subject_user=history,
        action=AuditEvent.Action.API_READ,
        detail__what="patient_list",
    ).exists()

    response = psychologist_api.get(
        f"/api/v1/patients/{history.pk}/dynamics/", {"from": "2026-03-02", "to": "2026-03-04"}
    )
    assert response.status_code == 200
    assert [item["count"] for item in response.json()["buckets"]] == [2, 0, 1]
    read = AuditEvent.objects.get(actor=two_factor_psychologist, subject_user=history, detail__what="dynamics")
    assert read.detail == {"what": "dynamics", "from": "2026-03-02", "to": "2026-03-04"}


def test_patient_list_sort_is_validated(psychologist_api: APIClient) -> None:
    error = assert_error(psychologist_api.get("/api/v1/patients/", {"sort": "age"}), 400, "invalid")
    assert error["fields"] == {"sort": ['"age" is not a valid choice.']}


def _patient_named(psychologist: User, name: str) -> User:
    patient = UserFactory(first_name=name)
    link_patient(patient, psychologist)
    return patient


def test_patient_list_pages_follow_the_sort_and_survive_changes(
    psychologist_api: APIClient, two_factor_psychologist: User
) -> None:
    patients = {
        name: _patient_named(two_factor_psychologist, name) for name in ("Anna", "Boris", "Dina", "Egor", "Fedor")
    }

    first = psychologist_api.get("/api/v1/patients/", {"sort": "name", "page_size": 2}).json()
    assert [row["name"] for row in first["results"]] == ["Anna", "Boris"]
    assert first["previous"] is None
    # Only the rows on the page were read.
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.API_READ)
    assert set(reads.values_list("subject_user_id", flat=True)) == {
        patients["Anna"].pk,
        patients["Boris"].pk,
    }

    # A patient who sorts before the page boundary joins meanwhile: the next page does not repeat Boris.
    _patient_named(two_factor_psychologist, "Arkady")
    second = psychologist_api.get(first["next"]).json()
    assert [row["name"] for row in second["results"]] == ["Dina", "Egor"]

    back = psychologist_api.get(second["previous"]).json()
    assert [row["name"] for row in back["results"]] == ["Arkady", "Boris"]

    last = psychologist_api.get(second["next"]).json()
    assert [row["name"] for row in last["results"]] == ["Fedor"]
    assert last["next"] is None


def test_patient_list_page_after_a_revoked_anchor(psychologist_api: APIClient, two_factor_psychologist: User) -> None:
    for name in ("Anna", "Boris", "Dina"):
        _patient_named(two_factor_psychologist, name)
    first = psychologist_api.get("/api/v1/patients/", {"sort": "name", "page_size": 2}).json()
    boris = User.objects.get(first_name="Boris")
    care_link_revoke(link=boris.care_links_as_patient.get(), patient=boris)

    second = psychologist_api.get(first["next"]).json()
    assert [row["name"] for row in second["results"]] == ["Dina"]


CURSOR_INVALID = "This page link is not valid. Start again from the first page."
PAGE_SIZE_INVALID = "Ask for between 1 and 100 items per page."


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"cursor": "forged"}, "cursor", CURSOR_INVALID),
        ({"page_size": "0"}, "page_size", PAGE_SIZE_INVALID),
        ({"page_size": "x"}, "page_size", PAGE_SIZE_INVALID),
    ],
)
def test_patient_list_bad_page_parameters(
    psychologist_api: APIClient, two_factor_psychologist: User, params: dict, field: str, message: str
) -> None:
    _patient_named(two_factor_psychologist, "Anna")
    error = assert_error(psychologist_api.get("/api/v1/patients/", params), 400, "invalid")
    assert error["fields"] == {field: [message]}
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.API_READ).exists()


def test_other_and_former_patients_are_404(psychologist_api: APIClient, two_factor_psychologist: User) -> None:
    stranger = UserFactory()
    former = UserFactory()
    link = link_patient(former, two_factor_psychologist)
    care_link_revoke(link=link, patient=former)

    for patient in (stranger, former):
        response = psychologist_api.get(f"/api/v1/patients/{patient.pk}/dynamics/")
        assert_error(response, 404, "not_found", "No such patient shares data with you.")
    assert psychologist_api.get("/api/v1/patients/").json()["results"] == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.API_READ).exists()


def test_dynamics_of_a_patient_invalid_parameters(psychologist_api: APIClient, two_factor_psychologist: User) -> None:
    patient = UserFactory()
    link_patient(patient, two_factor_psychologist)
    response = psychologist_api.get(f"/api/v1/patients/{patient.pk}/dynamics/", {"bucket": "year"})
    assert assert_error(response, 400, "invalid")["fields"] == {"bucket": ['"year" is not a valid choice.']}


@pytest.mark.parametrize("path", ["/api/v1/patients/", "/api/v1/patients/1/dynamics/"])
def test_patient_data_access_steps(path: str) -> None:
    patient_client = client_for(UserFactory(consents=["processing"]))
    assert_error(patient_client.get(path), 403, "psychologists_only")

    pending = PsychologistProfileFactory(verified_at=None).user
    assert_error(client_for(pending).get(path), 403, "psychologist_not_verified")

    verified = PsychologistProfileFactory().user
    assert_error(client_for(verified).get(path), 403, "otp_setup_required")

    TOTPDevice.objects.create(user=verified, name="phone", confirmed=True)
    error = assert_error(client_for(verified).get(path), 403, "otp_required")
    assert error["message"] == "Sign in again with your two-factor code to see patients' data."


def test_patient_data_over_a_session_needs_a_verified_session(two_factor_psychologist: User) -> None:
    browser = Client()
    browser.force_login(two_factor_psychologist)
    assert_error(browser.get("/api/v1/patients/"), 403, "otp_required")

    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=two_factor_psychologist).persistent_id
    session.save()
    assert browser.get("/api/v1/patients/").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/patients/", "/api/v1/patients/1/dynamics/"])
def test_patients_need_a_login(api: APIClient, path: str) -> None:
    assert_error(api.get(path), 401, "not_authenticated")


def test_period_limit_in_russian(user: User) -> None:
    user.language = "ru"
    user.save()
    response = client_for(user).get(DYNAMICS, {"from": "2020-01-01", "to": "2026-01-01"})
    assert_error(response, 400, "invalid", "Период может длиться не более 731 дня.")
