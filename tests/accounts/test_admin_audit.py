"""The admin panel: staff access to people's data is audited, raw photos are never shown, model versions."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, User
from emotions.models import PhotoAssessment, SelfReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo_assessment(user: User, settings, tmp_path) -> PhotoAssessment:
    settings.MEDIA_ROOT = tmp_path
    assessment = PhotoAssessment.objects.create(user=user, status="done", model_version="resnet-v2")
    assessment.photo.save("face.jpg", ContentFile(b"\xff\xd8not-really-a-jpeg"), save=True)
    return assessment


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_opening_a_photo_assessment_is_audited_and_shows_no_photo(
    admin_client: Client, admin_user: User, user: User, photo_assessment: PhotoAssessment
) -> None:
    response = admin_client.get(reverse("admin:emotions_photoassessment_change", args=[photo_assessment.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert photo_assessment.photo.name not in content
    assert "/media/" not in content
    assert "photo retained" in content.lower()
    [event] = _events(AuditEvent.Action.ADMIN_VIEW)
    assert event.actor == admin_user
    assert event.subject_user == user
    assert event.detail == {"model": "emotions.photoassessment", "id": photo_assessment.pk}


def test_photo_assessment_list_shows_no_photo(admin_client: Client, photo_assessment: PhotoAssessment) -> None:
    response = admin_client.get(reverse("admin:emotions_photoassessment_changelist"))

    assert response.status_code == 200
    assert photo_assessment.photo.name not in response.content.decode()
    assert "/media/" not in response.content.decode()


def test_saving_and_deleting_user_data_is_audited(admin_client: Client, admin_user: User, user: User) -> None:
    report = SelfReport.objects.create(user=user, mood=3)
    url = reverse("admin:emotions_selfreport_change", args=[report.pk])

    assert admin_client.post(url, {}).status_code == 302
    [change] = _events(AuditEvent.Action.ADMIN_CHANGE)
    assert (change.actor, change.subject_user) == (admin_user, user)
    assert change.detail["model"] == "emotions.selfreport"

    response = admin_client.post(reverse("admin:emotions_selfreport_delete", args=[report.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not SelfReport.objects.exists()
    [delete] = _events(AuditEvent.Action.ADMIN_DELETE)
    assert (delete.actor, delete.subject_user) == (admin_user, user)
    assert delete.detail == {"model": "emotions.selfreport", "id": report.pk}


def test_opening_a_user_is_audited_with_the_user_as_subject(admin_client: Client, admin_user: User, user: User) -> None:
    assert admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).status_code == 200

    [event] = _events(AuditEvent.Action.ADMIN_VIEW)
    assert (event.actor, event.subject_user) == (admin_user, user)


def test_bulk_delete_is_audited_per_row(admin_client: Client, admin_user: User, user: User) -> None:
    reports = [SelfReport.objects.create(user=user, mood=mood) for mood in (2, 4)]

    response = admin_client.post(
        reverse("admin:emotions_selfreport_changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in reports], "post": "yes"},
    )

    assert response.status_code == 302
    assert sorted(e.detail["id"] for e in _events(AuditEvent.Action.ADMIN_DELETE)) == sorted(r.pk for r in reports)


def test_model_versions_page_counts_per_version_and_status(admin_client: Client, user: User) -> None:
    PhotoAssessment.objects.create(user=user, status="done", model_version="resnet-v1")
    PhotoAssessment.objects.create(user=user, status="done", model_version="resnet-v2")
    PhotoAssessment.objects.create(user=user, status="done", model_version="resnet-v2")
    PhotoAssessment.objects.create(user=user, status="failed", model_version="resnet-v2")

    response = admin_client.get(reverse("admin:emotions_modelversionsummary_changelist"))

    assert response.status_code == 200
    rows = {row["version"]: row for row in response.context["rows"]}
    assert rows["resnet-v1"]["total"] == 1
    assert rows["resnet-v2"]["total"] == 3
    statuses = [s.value for s in PhotoAssessment.Status]
    assert rows["resnet-v2"]["counts"][statuses.index("done")] == 2
    assert rows["resnet-v2"]["counts"][statuses.index("failed")] == 1
    assert (
        reverse("admin:emotions_modelversionsummary_changelist")
        in admin_client.get(reverse("admin:index")).content.decode()
    )
