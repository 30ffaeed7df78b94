"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import factory

from accounts.models import User

# One known password for every factory user, so tests can log in through the real form.
DEFAULT_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A patient by default; pass `role=User.Role.PSYCHOLOGIST` or use PsychologistFactory for the other role."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password(DEFAULT_PASSWORD)
    role = User.Role.PATIENT
    timezone = "UTC"


class PsychologistFactory(UserFactory):
    username = factory.Sequence(lambda n: f"psychologist{n}")
    role = User.Role.PSYCHOLOGIST
