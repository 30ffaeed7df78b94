"""bench_report's machinery: one patient with a generated year of data, and the timing of their PDF report."""

from __future__ import annotations

import io
import time
import uuid
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import CareLink, PsychologistProfile, SharingCategory
from burnout_site.bench.stats import percentile

User = get_user_model()


def year_of_data(*, days: int, photos_per_day: int) -> CareLink:
    """A verified psychologist and a patient sharing every category, with `days` days of photos, a mood a day,
    a questionnaire every two weeks and a flag episode a month."""
    from emotions.models import BurnoutFlag, PhotoAssessment, QuestionnaireResponse, SelfReport

    tag = uuid.uuid4().hex[:8]
    psychologist = User.objects.create(username=f"bench-psy-{tag}", role=User.Role.PSYCHOLOGIST)
    PsychologistProfile.objects.create(
        user=psychologist, licence_number="BENCH", issuing_body="Bench", country="Bench", verified_at=timezone.now()
    )
    patient = User.objects.create(username=f"bench-{tag}", first_name="Bench")
    link = CareLink(patient=patient, psychologist=psychologist)
    link.categories_set(SharingCategory.values)
    link.save()
    now = timezone.now()
    photos = []
    for day in range(days):
        for index in range(photos_per_day):
            negative = (day + index) % 3 == 0
            photos.append(
                PhotoAssessment(
                    user=patient,
                    captured_at=now - timedelta(days=day, hours=index + 1),
                    status="done",
                    label="sad" if negative else "happy",
                    valence="negative" if negative else "positive",
                    negativity=0.7 if negative else 0.1,
                    confidence=0.3 if index == 0 and day % 10 == 0 else 0.8,
                    faces_found=1,
                )
            )
    PhotoAssessment.objects.bulk_create(photos, batch_size=2000)
    SelfReport.objects.bulk_create(
        [SelfReport(user=patient, mood=1 + day % 5, at=now - timedelta(days=day, hours=2)) for day in range(days)]
    )
    cbi = QuestionnaireResponse.Instrument.CBI_PERSONAL
    QuestionnaireResponse.objects.bulk_create(
        [
            QuestionnaireResponse(
                user=patient, instrument=cbi, answers={}, score=40 + day % 50, at=now - timedelta(days=day)
            )
            for day in range(0, days, 14)
        ]
    )
    BurnoutFlag.objects.bulk_create(
        [
            BurnoutFlag(
                user=patient,
                rule=BurnoutFlag.Rule.RISE,
                raised_at=now - timedelta(days=day),
                cleared_at=now - timedelta(days=day - 5),
            )
            for day in range(35, days, 30)
        ]
    )
    return link


def time_report(*, link: CareLink, days: int, runs: int) -> dict[str, Any]:
    """Seconds to build the psychologist's PDF of `days` days, `runs` times: the read, charts and WeasyPrint."""
    from pypdf import PdfReader

    from emotions.reports import patient_report_read
    from emotions.selectors.clinician import link_categories

    seconds: list[float] = []
    pdf = b""
    for _ in range(runs):
        started = time.perf_counter()
        pdf = patient_report_read(
            psychologist=link.psychologist, link=link, categories=link_categories(link=link), days=days
        )
        seconds.append(time.perf_counter() - started)
    return {
        "runs": runs,
        "seconds_p50": round(percentile(seconds, 50) or 0, 3),
        "seconds_min": round(min(seconds), 3),
        "seconds_max": round(max(seconds), 3),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
    }
