"""The upload page: bad input is a 400 with the message and leaves nothing behind; good input is analysed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from emotions.models import PhotoAssessment
from tests.emotions import images
from tests.emotions.conftest import upload

pytestmark = pytest.mark.django_db

ALLOWED = "Please send a photo in one of these formats: JPEG, PNG, WebP."

BAD_UPLOADS = [
    pytest.param("empty.jpg", b"", "The file is empty. Please choose a photo.", id="empty"),
    pytest.param(
        "notes.jpg",
        b"Dear diary, today I felt fine.\n" * 20,
        f"This file is not a picture we can read. {ALLOWED}",
        id="text",
    ),
    pytest.param(
        "cut.jpg",
        images.truncated_jpeg(),
        "The image file is damaged or incomplete. Please send the photo again.",
        id="truncated-jpeg",
    ),
    pytest.param(
        "dot.png",
        images.tiny_png(),
        "The image is too small (1 x 1 pixels). Please send a photo at least 48 pixels on each side.",
        id="one-pixel",
    ),
    pytest.param(
        "bomb.png",
        images.bomb_png(20_000),
        "The image has too many pixels. Please send a photo of at most 40 megapixels.",
        id="decompression-bomb",
    ),
    pytest.param("anim.gif", images.gif_image(), f"GIF files are not supported. {ALLOWED}", id="gif"),
    pytest.param(
        "huge.jpg",
        b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024),
        "The file is larger than 10.0\xa0MB. Please send a smaller photo.",
        id="over-10-mb",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_UPLOADS)
def test_bad_upload_is_refused_with_its_message(
    client_logged_in: Client, new_media_files: Callable, name: str, content: bytes, message: str
) -> None:
    response = client_logged_in.post(reverse("emotions:upload"), {"photo": upload(name, content)})

    assert response.status_code == 400
    assert response.context["form"].errors["photo"] == [message]
    assert message.replace("\xa0", "&nbsp;") in response.content.decode() or message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not PhotoAssessment.objects.exists()
    assert not new_media_files()


def test_post_without_a_file(client_logged_in: Client) -> None:
    response = client_logged_in.post(reverse("emotions:upload"), {})
    assert response.status_code == 400
    assert response.context["form"].errors["photo"] == ["Please choose a photo to upload."]


def test_upload_page_renders(client_logged_in: Client) -> None:
    response = client_logged_in.get(reverse("emotions:upload"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert 'accept="image/jpeg,image/png,image/webp"' in body
    assert "up to 10.0\xa0MB" in body


def test_pages_need_login(client: Client) -> None:
    for url in (
        reverse("emotions:upload"),
        reverse("emotions:dashboard"),
        reverse("emotions:assessment_detail", args=[1]),
        reverse("emotions:assessment_status", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_face_upload_is_analysed_and_shown(
    client_logged_in: Client, django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_logged_in.post(
            reverse("emotions:upload"), {"photo": upload("me.jpg", images.face_jpeg(images.SAD_FACE))}
        )

    assessment = PhotoAssessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("emotions:assessment_detail", args=[assessment.pk])
    assert assessment.source == "web"
    assert assessment.status == "done"

    page = client_logged_in.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "Top emotion:" in body
    assert assessment.label_display in body
    assert body.count("<meter") == 8  # negativity + one per class
    assert "data-poll-url" not in body
