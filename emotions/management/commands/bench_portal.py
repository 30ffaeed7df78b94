"""manage.py bench_portal [--patients 200] [--photos 30] [--requests 50]

Times the psychologist's patient list page with generated data and prints one JSON
line. Everything it creates lives in one transaction that is rolled back at the end,
so the command leaves the database as it found it.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import CareLink, PsychologistProfile
from burnout_site.bench.pages import logged_in_client, time_page
from emotions.models import PhotoAssessment

User = get_user_model()


def _generate(patients: int, photos: int) -> object:
    """A verified psychologist linked to `patients` people with `photos` daily assessments each."""
    tag = uuid.uuid4().hex[:8]
    psychologist = User.objects.create(username=f"bench-psy-{tag}", role=User.Role.PSYCHOLOGIST)
    PsychologistProfile.objects.create(
        user=psychologist, licence_number="BENCH", issuing_body="Bench", country="Bench", verified_at=timezone.now()
    )
    people = User.objects.bulk_create([User(username=f"bench-{tag}-{i}") for i in range(patients)])
    CareLink.objects.bulk_create([CareLink(patient=p, psychologist=psychologist) for p in people])
    now = timezone.now()
    PhotoAssessment.objects.bulk_create(
        [
            PhotoAssessment(
                user=person,
                captured_at=now - timedelta(days=day, hours=i % 24),
                status="done",
                label="sad" if (i + day) % 3 == 0 else "happy",
                valence="negative" if (i + day) % 3 == 0 else "positive",
                negativity=0.5,
                faces_found=1,
            )
            for i, person in enumerate(people)
            for day in range(photos)
        ],
        batch_size=2000,
    )
    return psychologist


def _client_for(psychologist: object) -> Client:
    # Logged in with a verified second factor, as after the real TOTP step.
    device = TOTPDevice.objects.create(user=psychologist, name="bench", confirmed=True)
    client = logged_in_client(psychologist)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


class Command(BaseCommand):
    help = "Time the portal's patient list with generated patients (rolled back afterwards)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, default=200)
        parser.add_argument("--photos", type=int, default=30, help="assessments per patient, one a day")
        parser.add_argument("--requests", type=int, default=50)

    def handle(self, *args: object, **options: int) -> None:
        if min(options["patients"], options["photos"], options["requests"]) <= 0:
            raise CommandError("--patients, --photos and --requests must be positive", returncode=2)
        with transaction.atomic():
            client = _client_for(_generate(options["patients"], options["photos"]))
            result = time_page(client, reverse("portal:patients"), options["requests"])
            transaction.set_rollback(True)
        result.update(patients=options["patients"], photos_each=options["photos"])
        self.stdout.write(json.dumps(result))
