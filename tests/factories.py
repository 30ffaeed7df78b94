"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import factory
from django.utils import timezone

from accounts.models import ConsentEvent, ConsentKind, PsychologistProfile, User
from accounts.selectors import consent_current_document

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

    @factory.post_generation
    def consents(obj: User, create: bool, extracted: Sequence[str] | None, **kwargs: Any) -> None:
        """`UserFactory(consents=["processing"])`: the person has accepted the current documents of these kinds."""
        if create and extracted:
            for kind in extracted:
                grant_consent(obj, kind)


class PsychologistFactory(UserFactory):
    username = factory.Sequence(lambda n: f"psychologist{n}")
    role = User.Role.PSYCHOLOGIST


def grant_consent(user: User, kind: str = ConsentKind.PROCESSING, channel: str = "web") -> ConsentEvent:
    """A grant of the current document, written directly (no audit line): test set-up, not the behaviour under test."""
    document = consent_current_document(kind=kind)
    assert document is not None, f"no published {kind} document: did the data migration run?"
    return ConsentEvent.objects.create(user=user, document=document, granted=True, channel=channel)


class PsychologistProfileFactory(factory.django.DjangoModelFactory):
    """Licence details, verified by default (pass verified_at=None for a pending one)."""

    class Meta:
        model = PsychologistProfile

    user = factory.SubFactory(PsychologistFactory)
    licence_number = factory.Sequence(lambda n: f"LIC-{n:05d}")
    issuing_body = "State Board of Psychology"
    country = "Germany"
    verified_at = factory.LazyFunction(timezone.now)
