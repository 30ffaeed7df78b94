from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.services import user_create, user_profile_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "violet-harbour-lantern-81"


def test_user_create_stores_role_and_hashes_password() -> None:
    user = user_create(username="bob", email="Bob@EXAMPLE.com", password=STRONG_PASSWORD, role=User.Role.PATIENT)

    user.refresh_from_db()
    assert user.role == User.Role.PATIENT
    assert user.email == "Bob@example.com"  # domain part normalised, local part kept
    assert user.password != STRONG_PASSWORD
    assert user.check_password(STRONG_PASSWORD)


def test_user_create_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        user_create("bob", "bob@example.com", STRONG_PASSWORD, User.Role.PATIENT)  # type: ignore[misc]


def test_user_create_rejects_taken_username_and_email() -> None:
    UserFactory(username="bob", email="bob@example.com")

    with pytest.raises(ValidationError) as exc_info:
        user_create(username="BOB", email="BOB@example.com", password=STRONG_PASSWORD, role=User.Role.PATIENT)

    assert exc_info.value.message_dict == {
        "username": ["A user with that username already exists."],
        "email": ["A user with that email address already exists."],
    }


def test_user_create_runs_password_validators() -> None:
    with pytest.raises(ValidationError) as exc_info:
        user_create(username="bob", email="bob@example.com", password="123", role=User.Role.PATIENT)

    assert (
        "This password is too short. It must contain at least 8 characters." in exc_info.value.message_dict["password"]
    )
    assert not User.objects.exists()


def test_user_create_rejects_unknown_role() -> None:
    with pytest.raises(ValidationError) as exc_info:
        user_create(username="bob", email="bob@example.com", password=STRONG_PASSWORD, role="admin")

    assert exc_info.value.message_dict == {"role": ["Value 'admin' is not a valid choice."]}
    assert not User.objects.exists()


def test_user_create_allows_several_accounts_without_email() -> None:
    user_create(username="a1", email="", password=STRONG_PASSWORD, role=User.Role.PATIENT)
    user_create(username="a2", email="", password=STRONG_PASSWORD, role=User.Role.PATIENT)

    assert User.objects.filter(email="").count() == 2


def test_database_refuses_same_email_in_another_case() -> None:
    # The constraint is the last line behind the selector check (concurrent sign-ups).
    UserFactory(email="bob@example.com")

    with pytest.raises(ValidationError) as exc_info:
        UserFactory.build(username="other", email="BOB@example.com").full_clean()

    assert "A user with that email address already exists." in exc_info.value.messages


def test_user_profile_update_rejects_bad_values_and_leaves_user_untouched() -> None:
    user = UserFactory(timezone="UTC")

    with pytest.raises(ValidationError) as exc_info:
        user_profile_update(user=user, first_name="X", email="x@example.com", timezone="Nowhere/City", language="xx")

    assert exc_info.value.message_dict == {
        "timezone": ["“Nowhere/City” is not a known time zone."],
        "language": ["“xx” is not an available language."],
    }
    assert user.first_name != "X"
    user.refresh_from_db()
    assert user.timezone == "UTC"


def test_user_profile_update_saves_fields() -> None:
    user = UserFactory()

    user_profile_update(user=user, first_name=" Bob ", email="bob@example.com", timezone="Asia/Tokyo", language="ru")

    user.refresh_from_db()
    assert (user.first_name, user.email, user.timezone, user.language) == (
        "Bob",
        "bob@example.com",
        "Asia/Tokyo",
        "ru",
    )
