from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.accounts.totp import totp_code
from tests.factories import UserFactory

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


# --- two-factor sign-in: the admin shows everyone's health data -------------------------------------------


def test_staff_password_alone_does_not_open_the_admin_then_setting_up_a_code_does(
    client: Client, password: str
) -> None:
    staff = UserFactory(is_staff=True, is_superuser=True)

    signed_in = client.post(
        reverse("admin:login") + "?next=" + reverse("admin:index"),
        {"username": staff.username, "password": password, "next": reverse("admin:index")},
        follow=True,
    )

    setup_url = reverse("accounts:otp_setup")
    assert signed_in.redirect_chain[-1][0] == f"{setup_url}?next=%2Fadmin%2F"
    assert "Set up two-factor authentication" in signed_in.content.decode()
    # Signed in with the password, still no data: every admin page sends to the missing step.
    assert client.get(reverse("admin:accounts_user_changelist"))["Location"].startswith(reverse("admin:login"))

    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    done = client.post(setup_url, {"token": totp_code(device), "next": reverse("admin:index")})

    # Set-up now shows the recovery codes once, then leads on to the admin.
    codes_page = f"{reverse('accounts:otp_recovery_codes')}?next=%2Fadmin%2F"
    assert done.status_code == 302 and done["Location"] == codes_page
    assert f'href="{reverse("admin:index")}"' in client.get(codes_page).content.decode()
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert "Burnout detector administration" in client.get(reverse("admin:index")).content.decode()


def test_staff_with_a_device_must_type_its_code_for_the_page_they_asked(client: Client) -> None:
    staff = UserFactory(is_staff=True)
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    asked = reverse("admin:accounts_user_changelist")

    sent = client.get(asked, follow=True)

    assert sent.redirect_chain[-1][0] == f"{reverse('accounts:otp_verify')}?next=%2Fadmin%2Faccounts%2Fuser%2F"
    right = client.post(reverse("accounts:otp_verify"), {"token": totp_code(device), "next": asked})
    assert right["Location"] == asked
    # Past both steps; a staff member without model permissions still sees no one's data.
    assert client.get(asked).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 200


def test_two_factor_pages_do_not_exist_for_patients(client_logged_in: Client) -> None:
    assert client_logged_in.get(reverse("accounts:otp_setup")).status_code == 404
    assert client_logged_in.get(reverse("accounts:otp_verify")).status_code == 404
    assert client_logged_in.get(reverse("admin:index"))["Location"].startswith(reverse("admin:login"))


def test_only_staff_see_the_administration_link(admin_client: Client, client_logged_in: Client) -> None:
    link = f'href="{reverse("admin:index")}"'
    assert link in admin_client.get(reverse("accounts:profile")).content.decode()
    assert link not in client_logged_in.get(reverse("accounts:profile")).content.decode()
