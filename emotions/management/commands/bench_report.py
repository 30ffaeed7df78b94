"""manage.py bench_report [--days 365] [--photos-per-day 5] [--runs 5]

Times the printable PDF report of one patient with a generated year of data (the read, the server-side charts
and WeasyPrint) and prints one JSON line. Everything it creates is rolled back at the end.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from burnout_site.bench.report import time_report, year_of_data
from emotions.reports import REPORT_MAX_DAYS, REPORT_MIN_DAYS


class Command(BaseCommand):
    help = "Time the PDF report of a patient with a generated year of data (rolled back afterwards)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=REPORT_MAX_DAYS)
        parser.add_argument("--photos-per-day", type=int, default=5)
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args: object, **options: int) -> None:
        if not REPORT_MIN_DAYS <= options["days"] <= REPORT_MAX_DAYS:
            raise CommandError(f"--days must be from {REPORT_MIN_DAYS} to {REPORT_MAX_DAYS}", returncode=2)
        if min(options["photos_per_day"], options["runs"]) <= 0:
            raise CommandError("--photos-per-day and --runs must be positive", returncode=2)
        with transaction.atomic():
            link = year_of_data(days=options["days"], photos_per_day=options["photos_per_day"])
            result = time_report(link=link, days=options["days"], runs=options["runs"])
            transaction.set_rollback(True)
        result.update(days=options["days"], photos_per_day=options["photos_per_day"])
        self.stdout.write(json.dumps(result))
