"""manage.py bench_dashboard [--days 1095] [--per-day 2] [--requests 50] [--period 365]

Times a person's dashboard over years of daily data and prints one JSON line: two photos, one mood
rating with sleep, workload and tags, a weekly questionnaire answer a day. The data is generated inside a
transaction that is rolled back at the end.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from burnout_site.bench.pages import logged_in_client, time_page
from emotions.factor_models import FactorTag
from emotions.ml.labels import CLASSES, NEGATIVE_CLASSES, valence_of
from emotions.models import PhotoAssessment, QuestionnaireResponse, SelfReport

User = get_user_model()
CBI_EVERY_DAYS = 7


def _probabilities(label: str) -> dict[str, float]:
    rest = 0.4 / (len(CLASSES) - 1)
    return {name: (0.6 if name == label else rest) for name in CLASSES}


def _generate(days: int, per_day: int) -> object:
    """One person with `per_day` assessments and one mood rating a day, and a weekly CBI answer."""
    person = User.objects.create(username=f"bench-dash-{uuid.uuid4().hex[:8]}")
    now = timezone.now()
    rows, reports, answers = [], [], []
    for day in range(days):
        for slot in range(per_day):
            label = CLASSES[(day * per_day + slot) % len(CLASSES)]
            probabilities = _probabilities(label)
            rows.append(
                PhotoAssessment(
                    user=person,
                    captured_at=now - timedelta(days=day, hours=3 * slot),
                    status="done",
                    label=label,
                    valence=valence_of(label),
                    probabilities=probabilities,
                    faces_found=1,
                    negativity=sum(p for name, p in probabilities.items() if name in NEGATIVE_CLASSES),
                )
            )
        # Factors on every rating (sleep 5-9 hours, workload 1-5), so "What goes with your harder days" has
        # rhythms and factors to rank, as for a person who records them.
        reports.append(
            SelfReport(
                user=person,
                at=now - timedelta(days=day),
                mood=1 + day % 5,
                sleep_hours=Decimal(5 + day % 5),
                workload=1 + (day * 3) % 5,
            )
        )
        if day % CBI_EVERY_DAYS == 0:
            answers.append(
                QuestionnaireResponse(user=person, at=now - timedelta(days=day), answers=[50] * 6, score=50.0)
            )
    PhotoAssessment.objects.bulk_create(rows, batch_size=2000)
    SelfReport.objects.bulk_create(reports, batch_size=2000)
    _tag(person, reports)
    QuestionnaireResponse.objects.bulk_create(answers, batch_size=2000)
    return person


def _tag(person: object, reports: list[SelfReport]) -> None:
    """Three of the person's own tags, each on a different share of the ratings (every 2nd, 3rd, 4th day)."""
    tags = FactorTag.objects.bulk_create(
        [FactorTag(user=person, name=name) for name in ("deadline", "gym", "late coffee")]
    )
    links = [
        SelfReport.tags.through(selfreport_id=report.pk, factortag_id=tag.pk)
        for index, report in enumerate(reports)
        for every, tag in enumerate(tags, start=2)
        if index % every == 0
    ]
    SelfReport.tags.through.objects.bulk_create(links, batch_size=2000)


class Command(BaseCommand):
    help = "Time the dashboard over generated years of daily data (rolled back afterwards)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=3 * 365, help="days of history")
        parser.add_argument("--per-day", type=int, default=2, help="assessments per day")
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument("--period", type=int, default=365, choices=(30, 90, 365), help="the dashboard's switch")

    def handle(self, *args: object, **options: int) -> None:
        if min(options["days"], options["per_day"], options["requests"]) <= 0:
            raise CommandError("--days, --per-day and --requests must be positive", returncode=2)
        url = f"{reverse('emotions:dashboard')}?days={options['period']}"
        with transaction.atomic():
            client = logged_in_client(_generate(options["days"], options["per_day"]))
            result = time_page(client, url, options["requests"])
            transaction.set_rollback(True)
        result.update(days=options["days"], per_day=options["per_day"], period=options["period"])
        self.stdout.write(json.dumps(result))
