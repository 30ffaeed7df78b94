"""manage.py pilot_report [--from DATE] [--to DATE] [--format md|csv|json]

The pilot's figures over the people with an active research consent: photo negativity against their own
mood (pooled and the median of per-person correlations), valence-vs-mood agreement, photos per person,
weekly retention of active people, the share of photos without a face, and the model's agreement with people's
own "Was this right?" answers (overall, per class, a confusion table). Definitions: docs/pilot-report.md.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from emotions.ml.labels import CLASSES
from emotions.selectors import pilot_report_build

FORMATS = ("md", "csv", "json")


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {raw!r}") from None


def _num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _flat(report: dict[str, Any]) -> list[tuple[str, Any]]:
    """(metric, value) rows: the CSV body, and the base of the Markdown table."""
    rows: list[tuple[str, Any]] = [
        ("from", report["from"]),
        ("to", report["to"]),
        ("users", report["users"]),
    ]
    pooled = report["correlation"]["pooled"]
    rows += [(f"correlation_pooled_{key}", value) for key, value in pooled.items()]
    rows += [
        ("correlation_per_user_median", report["correlation"]["per_user_median"]),
        ("correlation_users_with_rho", report["correlation"]["users_with_rho"]),
    ]
    rows += [(f"agreement_{key}", value) for key, value in report["agreement"].items()]
    rows += [(f"assessments_per_user_{key}", value) for key, value in report["assessments_per_user"].items()]
    rows += [(f"no_face_{key}", value) for key, value in report["no_face"].items()]
    feedback = report["feedback"]
    rows += [(f"feedback_{key}", value) for key, value in feedback["overall"].items()]
    for name, figures in feedback["per_class"].items():
        rows += [(f"feedback_class_{name}_{key}", value) for key, value in figures.items()]
    for given, row in feedback["confusion"].items():
        rows += [(f"feedback_confusion_{given}_read_{read}", count) for read, count in row.items()]
    for week in report["retention"]:
        start = week["week"].isoformat()
        rows += [
            (f"week_{start}_active", week["active"]),
            (f"week_{start}_retained", week["retained"]),
            (f"week_{start}_retention", week["retention"]),
        ]
    return rows


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(report, default=lambda value: value.isoformat(), indent=2, sort_keys=True)


def render_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["metric", "value"])
    for key, value in _flat(report):
        writer.writerow([key, "" if value is None else (value.isoformat() if isinstance(value, date) else value)])
    return out.getvalue()


def _feedback_md(feedback: dict[str, Any]) -> list[str]:
    overall = feedback["overall"]
    lines = [
        '## Agreement with people\'s own feedback ("Was this right?")',
        "",
        f"Readings checked: {overall['checked']}. Called right: {overall['agreed']} "
        f"(agreement {_num(overall['agreement'])}).",
        "",
        "| class | read as it | agreed | agreement | labelled as it by people | recall |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {row['read']} | {row['agreed']} | {_num(row['agreement'])} | {row['labelled']} "
        f"| {_num(row['recall'])} |"
        for name, row in feedback["per_class"].items()
    ]
    lines += [
        "",
        "Confusion (rows: the person's label; columns: the model's reading):",
        "",
        "| person \\ model | " + " | ".join(CLASSES) + " |",
        "|---|" + "---|" * len(CLASSES),
    ]
    lines += [
        f"| {given} | " + " | ".join(str(row[read]) for read in CLASSES) + " |"
        for given, row in feedback["confusion"].items()
    ]
    return [*lines, ""]


def render_md(report: dict[str, Any]) -> str:
    pooled = report["correlation"]["pooled"]
    agreement = report["agreement"]
    per_user = report["assessments_per_user"]
    no_face = report["no_face"]
    period = f"{report['from'] or 'start'} to {report['to'] or 'now'}"
    lines = [
        "# Pilot report",
        "",
        f"Period: {period}. People with an active research consent: {report['users']}.",
        "",
        "## Photo negativity against self-reported mood (Spearman)",
        "",
        "| | n | rho | 95% CI | note |",
        "|---|---|---|---|---|",
        f"| pooled | {pooled['n']} | {_num(pooled['rho'])} | {_num(pooled['ci_low'])} to {_num(pooled['ci_high'])} "
        f"| {pooled['reason'] or ''} |",
        f"| median of per-person rho | {report['correlation']['users_with_rho']} people "
        f"| {_num(report['correlation']['per_user_median'])} | | |",
        "",
        "## Valence against mood (mood 1-2 negative, 4-5 positive, 3 left out)",
        "",
        f"Pairs: {agreement['n']}. Accuracy: {_num(agreement['accuracy'])}. Cohen's kappa: "
        f"{_num(agreement['kappa'])}{' (' + agreement['reason'] + ')' if agreement['reason'] else ''}.",
        "",
        "## Photos per person",
        "",
        f"Mean {_num(per_user['mean'], 1)}, median {_num(per_user['median'], 1)}, "
        f"min {_num(per_user['min'])}, max {_num(per_user['max'])}.",
        "",
        "## Weekly retention of active people",
        "",
        "| week (Monday, UTC) | active | still active from the week before | retention |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {week['week'].isoformat()} | {week['active']} | {_num(week['retained'])} | {_num(week['retention'])} |"
        for week in report["retention"]
    ]
    lines += [
        "",
        "## Photos without a face",
        "",
        f"{no_face['no_face']} of {no_face['finished']} analysed photos: share {_num(no_face['share'])}.",
        "",
        "## Unsure readings (not counted in the pairs above)",
        "",
        f"{report['unsure']['unsure']} of {report['unsure']['done']} readings with a face: "
        f"share {_num(report['unsure']['share'])}.",
        "",
        *_feedback_md(report["feedback"]),
    ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print the pilot's figures (people with an active research consent only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", type=_date, help="First day (YYYY-MM-DD, UTC), included.")
        parser.add_argument("--to", dest="last", type=_date, help="Last day (YYYY-MM-DD, UTC), included.")
        parser.add_argument("--format", choices=FORMATS, default="md")

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = options["first"], options["last"]
        if first and last and first > last:
            raise CommandError("--to must not be before --from.")
        report = pilot_report_build(first_day=first, last_day=last)
        renderer = {"md": render_md, "csv": render_csv, "json": render_json}[options["format"]]
        self.stdout.write(renderer(report), ending="" if options["format"] == "csv" else "\n")
