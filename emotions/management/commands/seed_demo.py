"""Create a demo account with ~90 days of generated assessments, so a new install shows charts at once.

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

from emotions.ml.labels import CLASSES, NEGATIVE_CLASSES, negativity, valence_of
from emotions.models import PhotoAssessment
from emotions.selectors import user_tzinfo

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

    @transaction.atomic
    def handle(self, *args: Any, username: str, password: str | None, days: int, seed: int, **options: Any) -> None:
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

        self.stdout.write(f"{'Created' if created else 'Refreshed'} user {username!r} with {len(rows)} assessments.")
        if printed_password:
            self.stdout.write(f"Password: {printed_password}")

    def _generate(self, *, user: Any, days: int, rng: random.Random) -> list[PhotoAssessment]:
        tz = user_tzinfo(user)
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
                        face_box=[120, 90, 200, 200],
                        faces_found=1,
                        model_version=DEMO_MODEL_VERSION,
                        is_demo=True,
                    )
                )
        return rows
