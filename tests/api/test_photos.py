"""POST /photos/, GET /assessments/ and /assessments/{id}/: the photo's path through the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ConsentDocument, ConsentKind, User
from accounts.selectors import consent_current_document
from emotions.ml.labels import CLASSES
from emotions.models import PhotoAssessment
from tests.api.conftest import assert_error, client_for
from tests.emotions import images
from tests.emotions.test_upload_page import BAD_UPLOADS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHOTOS = "/api/v1/photos/"
ASSESSMENTS = "/api/v1/assessments/"

# The code each bad upload of the web page's set is refused with.
BAD_UPLOAD_CODES = {
    "empty": "empty",
    "text": "not_an_image",
    "truncated-jpeg": "damaged",
    "one-pixel": "too_small",
    "decompression-bomb": "too_many_pixels",
    "gif": "unsupported_format",
    "over-10-mb": "too_large",
}


def _image(name: str = "me.jpg", content: bytes | None = None, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, images.face_jpeg() if content is None else content, content_type=content_type)


def _assessment(user: User, **fields: object) -> PhotoAssessment:
    values: dict[str, object] = {
        "status": PhotoAssessment.Status.DONE,
        "label": "sad",
        "valence": "negative",
        "negativity": 0.8,
        "probabilities": {
            "angry": 0.1,
            "disgust": 0.0,
            "fear": 0.1,
            "happy": 0.05,
            "sad": 0.6,
            "surprise": 0.05,
            "neutral": 0.1,
        },
        "faces_found": 1,
        "model_version": "test",
        **fields,
    }
    return PhotoAssessment.objects.create(user=user, source="api", **values)


# --- upload ------------------------------------------------------------------------------------------------


def test_upload_is_accepted_and_analysed(
    patient_api: APIClient, user: User, django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = patient_api.post(PHOTOS, {"image": _image(content=images.face_jpeg(images.SAD_FACE))})

    assert response.status_code == 202
    body = response.json()
    assessment = PhotoAssessment.objects.get()
    assert body == {
        "id": assessment.pk,
        "status": "pending",
        "status_url": f"http://testserver/api/v1/assessments/{assessment.pk}/",
    }
    assert response["Location"] == body["status_url"]
    assert assessment.user == user
    assert assessment.source == "api"

    detail = patient_api.get(body["status_url"]).json()
    assert detail["status"] == "done"
    assert detail["label"] in CLASSES
    assert set(detail["probabilities"]) == set(CLASSES)
    assert detail["error"] is None
    assert detail["faces_found"] == 1
    assert not PhotoAssessment.objects.get().photo  # deleted after the analysis (no retention)


def test_upload_with_captured_at(patient_api: APIClient) -> None:
    response = patient_api.post(PHOTOS, {"image": _image(), "captured_at": "2026-01-02T03:04:05+03:00"})
    assert response.status_code == 202
    assert PhotoAssessment.objects.get().captured_at == datetime(2026, 1, 2, 0, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "yesterday",
            "Datetime has wrong format. Use one of these formats instead: "
            "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
        ),
        ("2099-01-01T00:00:00Z", "The time the photo was taken must not be in the future."),
        ("1999-12-31T00:00:00Z", "Give a date between the years 2000 and 2100."),
    ],
)
def test_upload_with_a_bad_captured_at(patient_api: APIClient, value: str, message: str) -> None:
    response = patient_api.post(PHOTOS, {"image": _image(), "captured_at": value})
    error = assert_error(response, 400, "invalid", message)
    assert error["fields"] == {"captured_at": [message]}
    assert not PhotoAssessment.objects.exists()


@pytest.mark.parametrize(("name", "content", "message"), BAD_UPLOADS)
def test_bad_upload_is_refused_with_its_code_and_message(
    patient_api: APIClient,
    new_media_files: Callable,
    request: pytest.FixtureRequest,
    name: str,
    content: bytes,
    message: str,
) -> None:
    case = request.node.callspec.id
    response = patient_api.post(PHOTOS, {"image": _image(name, content)})

    error = assert_error(response, 400, BAD_UPLOAD_CODES[case], message)
    assert error["fields"] == {"image": [message]}
    assert not PhotoAssessment.objects.exists()
    assert not new_media_files()


def test_upload_without_a_file(patient_api: APIClient) -> None:
    error = assert_error(patient_api.post(PHOTOS, {}), 400, "invalid", "Please choose a photo to upload.")
    assert error["fields"] == {"image": ["Please choose a photo to upload."]}


def test_upload_with_text_instead_of_a_file(patient_api: APIClient) -> None:
    error = assert_error(patient_api.post(PHOTOS, {"image": "selfie"}), 400, "invalid")
    assert error["fields"] == {"image": ["The submitted data was not a file. Check the encoding type on the form."]}


def test_upload_needs_a_login(api: APIClient, new_media_files: Callable) -> None:
    assert_error(api.post(PHOTOS, {"image": _image()}), 401, "not_authenticated")
    assert not PhotoAssessment.objects.exists()
    assert not new_media_files()


def test_upload_without_processing_consent(new_media_files: Callable) -> None:
    client = client_for(UserFactory())
    document = consent_current_document(kind=ConsentKind.PROCESSING)

    error = assert_error(client.post(PHOTOS, {"image": _image()}), 403, "consent_required")
    assert error["document"] == document.pk
    assert error["message"].startswith("Before we analyse photos, please read and accept the current consent")
    assert not PhotoAssessment.objects.exists()
    assert not new_media_files()


def test_upload_after_a_new_consent_version(user: User) -> None:
    current = consent_current_document(kind=ConsentKind.PROCESSING)
    newer = ConsentDocument.objects.create(
        kind=ConsentKind.PROCESSING, version=current.version + 1, text="v2", published=True
    )
    error = assert_error(client_for(user).post(PHOTOS, {"image": _image()}), 403, "consent_required")
    assert error["document"] == newer.pk


def test_upload_when_no_consent_document_is_published(user: User) -> None:
    ConsentDocument.objects.filter(kind=ConsentKind.PROCESSING).update(published=False)
    assert_error(client_for(user).post(PHOTOS, {"image": _image()}), 503, "consent_unavailable")


# --- list and detail -------------------------------------------------------------------------------------------


def test_list_is_the_persons_own_newest_first(patient_api: APIClient, user: User) -> None:
    now = timezone.now()
    older = _assessment(user, captured_at=now - timedelta(days=2))
    newer = _assessment(
        user,
        captured_at=now - timedelta(hours=1),
        status="no_face",
        label="",
        valence="",
        negativity=None,
        probabilities=None,
        faces_found=0,
        error_code="no_face",
        error="x",
    )
    _assessment(UserFactory(), captured_at=now)

    body = patient_api.get(ASSESSMENTS).json()

    assert [item["id"] for item in body["results"]] == [newer.pk, older.pk]
    assert body["next"] is None and body["previous"] is None
    first = body["results"][0]
    assert first["status"] == "no_face"
    assert first["error"] == {
        "code": "no_face",
        "message": "We could not find a face in this photo. Face the camera in good light, with your whole face "
        "in the frame and no sunglasses.",
    }
    second = body["results"][1]
    assert second["label"] == "sad" and second["label_display"] == "Sad"
    assert second["negativity"] == 0.8
    assert second["url"] == f"http://testserver/api/v1/assessments/{older.pk}/"


def test_list_pages_with_a_cursor(patient_api: APIClient, user: User) -> None:
    now = timezone.now()
    rows = [_assessment(user, captured_at=now - timedelta(minutes=n)) for n in range(5)]

    first = patient_api.get(ASSESSMENTS, {"page_size": 2}).json()
    second = patient_api.get(first["next"]).json()
    third = patient_api.get(second["next"]).json()

    seen = [item["id"] for page in (first, second, third) for item in page["results"]]
    assert seen == [row.pk for row in rows]
    assert third["next"] is None
    assert "cursor=" in first["next"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"cursor": "garbage"}, "cursor", "This page link is not valid. Start again from the first page."),
        ({"page_size": "0"}, "page_size", "Ask for between 1 and 100 items per page."),
        ({"page_size": "101"}, "page_size", "Ask for between 1 and 100 items per page."),
        ({"page_size": "ten"}, "page_size", "Ask for between 1 and 100 items per page."),
        ({"from": "2026-13-01"}, "from", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
        ({"to": "1900-01-01"}, "to", "Give a date between the years 2000 and 2100."),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "to", "The end of the period must not be before its start."),
    ],
)
def test_list_invalid_parameters(patient_api: APIClient, params: dict, field: str, message: str) -> None:
    error = assert_error(patient_api.get(ASSESSMENTS, params), 400, "invalid", message)
    assert error["fields"] == {field: [message]}


def test_list_date_range_in_the_persons_time_zone(patient_api: APIClient, user: User) -> None:
    user.timezone = "Asia/Tokyo"
    user.save()
    # 2026-03-01 23:30 in UTC is already 2 March in Tokyo.
    late = _assessment(user, captured_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    early = _assessment(user, captured_at=datetime(2026, 3, 1, 1, 0, tzinfo=UTC))

    def ids(**params: str) -> list[int]:
        return [item["id"] for item in patient_api.get(ASSESSMENTS, params).json()["results"]]

    assert ids(**{"from": "2026-03-01", "to": "2026-03-01"}) == [early.pk]
    assert ids(**{"from": "2026-03-02"}) == [late.pk]
    assert ids(to="2026-03-02") == [late.pk, early.pk]


def test_list_needs_a_login(api: APIClient) -> None:
    assert_error(api.get(ASSESSMENTS), 401, "not_authenticated")


def test_detail(patient_api: APIClient, user: User) -> None:
    assessment = _assessment(user, face_box=[10, 20, 30, 40])
    body = patient_api.get(f"{ASSESSMENTS}{assessment.pk}/").json()
    assert body["id"] == assessment.pk
    assert body["face_box"] == [10, 20, 30, 40]
    assert body["source"] == "api"


def test_detail_of_another_persons_assessment_is_404(patient_api: APIClient) -> None:
    theirs = _assessment(UserFactory())
    assert_error(patient_api.get(f"{ASSESSMENTS}{theirs.pk}/"), 404, "not_found", "No such assessment.")
    assert_error(patient_api.get(f"{ASSESSMENTS}999999/"), 404, "not_found", "No such assessment.")


def test_detail_needs_a_login(api: APIClient, user: User) -> None:
    assessment = _assessment(user)
    assert_error(api.get(f"{ASSESSMENTS}{assessment.pk}/"), 401, "not_authenticated")
