"""Create a demo account with ~90 days of generated assessments, so a new install shows charts at once.

The demo user also gets mood self-reports (most linked to a photo, lower on more negative days), a weekly
CBI questionnaire, the processing and research consents, and a verified demo psychologist they share with,
so the dashboard, the portal, the burnout flags and `pilot_report` all have something to show.

Idempotent: running it again keeps one `demo` user and replaces its generated rows
(so the series always ends today); real assessments of that user are never touched.
"""

from __future__ import annotations

import math
import random
import secrets
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import CareLink, ConsentKind, PsychologistProfile, SharingCategory
from accounts.selectors import consent_current_document, consent_is_active, psychologist_profile_get
from accounts.services import care_link_create, consent_grant
from emotions.confidence import confidence_of
from emotions.ml.labels import CLASSES, NEGATIVE_CLASSES, negativity, valence_of
from emotions.models import CBI_ANSWER_POINTS, CBI_ITEM_KEYS, PhotoAssessment, QuestionnaireResponse, SelfReport
from emotions.selectors import user_tzinfo_get
from emotions.services import burnout_flag_evaluate, questionnaire_cbi_score

DEMO_MODEL_VERSION = "demo"
POSITIVE_OR_NEUTRAL = tuple(name for name in CLASSES if name not in NEGATIVE_CLASSES)
NEGATIVE = tuple(name for name in CLASSES if name in NEGATIVE_CLASSES)


def negative_share_on(day_index: int, days: int) -> float:
    """A plausible arc: calm, a slow build-up of negative days, then recovery."""
    phase = day_index / max(1, days - 1)
    return 0.15 + 0.45 * math.sin(math.pi * phase) ** 2


def generated_probabilities(rng: random.Random, top: str) -> dict[str, float]:
    """Seven probabilities summing to 1 whose largest is `top` (a Dirichlet draw, then the top boosted)."""
    weights = {name: rng.gammavariate(1.0, 1.0) for name in CLASSES}
    weights[top] = max(weights.values()) + rng.gammavariate(3.0, 1.0)
    total = sum(weights.values())
    return {name: value / total for name, value in weights.items()}


class Command(BaseCommand):
    help = "Create (or refresh) the demo user with generated assessments over the last days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", help="set this password (default: a random one, printed, for a new user)")
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--seed", type=int, default=20240601, help="random seed: the same seed, the same data")
        parser.add_argument("--psychologist", default="demo-psychologist", help="username of the demo psychologist")

    @transaction.atomic
    def handle(
        self,
        *args: Any,
        username: str,
        password: str | None,
        days: int,
        seed: int,
        psychologist: str,
        **options: Any,
    ) -> None:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username)
        printed_password = None
        if password:
            user.set_password(password)
        elif created:
            printed_password = secrets.token_urlsafe(12)
            user.set_password(printed_password)
        if created or password:
            user.full_clean(exclude=["password"])
            user.save()

        PhotoAssessment.objects.filter(user=user, is_demo=True).delete()
        rows = self._generate(user=user, days=days, rng=random.Random(seed))
        for row in rows:
            row.full_clean(exclude=["user"])
        PhotoAssessment.objects.bulk_create(rows, batch_size=500)

        rng = random.Random(seed + 1)
        SelfReport.objects.filter(user=user, is_demo=True).delete()
        reports = self._self_reports(user=user, photos=PhotoAssessment.objects.filter(user=user, is_demo=True), rng=rng)
        SelfReport.objects.bulk_create(reports, batch_size=500)
        QuestionnaireResponse.objects.filter(user=user, is_demo=True).delete()
        answers = self._questionnaires(user=user, days=days, rng=rng)
        QuestionnaireResponse.objects.bulk_create(answers)
        self._consents(user)
        doctor = self._psychologist(user, psychologist)
        burnout_flag_evaluate(user=user)

        self.stdout.write(
            f"{'Created' if created else 'Refreshed'} user {username!r} with {len(rows)} assessments, "
            f"{len(reports)} mood ratings and {len(answers)} questionnaires, shared with {doctor.username!r}."
        )
        if printed_password:
            self.stdout.write(f"Password: {printed_password}")

    def _generate(self, *, user: Any, days: int, rng: random.Random) -> list[PhotoAssessment]:
        tz = user_tzinfo_get(user=user)
        today = timezone.localtime(timezone.now(), tz).date()
        now = timezone.now()
        rows = []
        for index in range(days):
            day = today - timedelta(days=days - 1 - index)
            share = negative_share_on(index, days)
            for _photo in range(rng.randint(1, 4)):
                moment = datetime.combine(day, time(rng.randint(8, 21), rng.randint(0, 59)), tzinfo=tz)
                if moment > now:
                    moment = now - timedelta(minutes=rng.randint(1, 30))
                top = rng.choice(NEGATIVE) if rng.random() < share else rng.choice(POSITIVE_OR_NEUTRAL)
                probabilities = generated_probabilities(rng, top)
                ordered = [probabilities[name] for name in CLASSES]
                rows.append(
                    PhotoAssessment(
                        user=user,
                        source=PhotoAssessment.Source.WEB,
                        captured_at=moment,
                        analyzed_at=moment,
                        status=PhotoAssessment.Status.DONE,
                        probabilities=probabilities,
                        label=top,
                        valence=valence_of(top),
                        negativity=min(1.0, negativity(ordered)),
                        confidence=confidence_of(probabilities),
                        face_box=[120, 90, 200, 200],
                        faces_found=1,
                        model_version=DEMO_MODEL_VERSION,
                        is_demo=True,
                    )
                )
        return rows

    def _self_reports(self, *, user: Any, photos: Any, rng: random.Random) -> list[SelfReport]:
        """About two days in three, a rating of the day's first photo: lower mood on more negative photos."""
        reports = []
        seen_days: set[Any] = set()
        tz = user_tzinfo_get(user=user)
        for photo in photos.order_by("captured_at"):
            day = timezone.localtime(photo.captured_at, tz).date()
            if day in seen_days or rng.random() > 0.66:
                seen_days.add(day)
                continue
            seen_days.add(day)
            mood = round(5 - 4 * photo.negativity + rng.gauss(0, 0.7))
            reports.append(
                SelfReport(
                    user=user,
                    at=photo.captured_at + timedelta(minutes=1),
                    mood=min(5, max(1, mood)),
                    assessment=photo,
                    source=SelfReport.Source.WEB,
                    is_demo=True,
                )
            )
        return reports

    def _questionnaires(self, *, user: Any, days: int, rng: random.Random) -> list[QuestionnaireResponse]:
        """One CBI a week, following the same arc as the photos (about 20 when calm, 65 at the worst)."""
        now = timezone.now()
        by_points = {points: key for key, points in CBI_ANSWER_POINTS.items()}
        responses = []
        for index in range(0, days, 7):
            target = 20 + 100 * (negative_share_on(index, days) - 0.15)
            answers = {
                item: by_points[min(100, max(0, round((target + rng.gauss(0, 15)) / 25) * 25))]
                for item in CBI_ITEM_KEYS
            }
            responses.append(
                QuestionnaireResponse(
                    user=user,
                    instrument=QuestionnaireResponse.Instrument.CBI_PERSONAL,
                    answers=answers,
                    score=questionnaire_cbi_score(answers=answers),
                    at=now - timedelta(days=days - 1 - index, hours=2),
                    is_demo=True,
                )
            )
        return responses

    def _consents(self, user: Any) -> None:
        for kind in (ConsentKind.PROCESSING, ConsentKind.RESEARCH):
            document = consent_current_document(kind=kind)
            if document is not None and not consent_is_active(user=user, kind=kind):
                consent_grant(user=user, document=document)

    def _psychologist(self, patient: Any, username: str) -> Any:
        """A verified psychologist the demo user shares with (they set up two-factor sign-in at first login)."""
        user_model = get_user_model()
        doctor, created = user_model.objects.get_or_create(
            username=username, defaults={"role": user_model.Role.PSYCHOLOGIST, "first_name": "Demo"}
        )
        if created:
            doctor_password = secrets.token_urlsafe(12)
            doctor.set_password(doctor_password)
            doctor.save()
            self.stdout.write(f"Psychologist {username!r} password: {doctor_password}")
        profile = psychologist_profile_get(user=doctor) or PsychologistProfile.objects.create(
            user=doctor,
            licence_number="DEMO-0001",
            issuing_body="Demo board",
            country="Demo",
            verified_at=timezone.now(),
        )
        if not CareLink.objects.filter(patient=patient, psychologist=doctor, status=CareLink.Status.ACTIVE).exists():
            care_link_create(patient=patient, code=profile.code, categories=SharingCategory.values)
        return doctor
