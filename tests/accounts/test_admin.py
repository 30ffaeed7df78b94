from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_admin_user_pages_render(admin_client: Client, user: User) -> None:
    assert admin_client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 200
    assert admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).status_code == 200


def test_admin_add_user_with_role(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "doc",
            "email": "doc@example.com",
            "role": User.Role.PSYCHOLOGIST,
            "usable_password": "true",
            "password1": "violet-harbour-lantern-81",
            "password2": "violet-harbour-lantern-81",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(username="doc").role == User.Role.PSYCHOLOGIST
