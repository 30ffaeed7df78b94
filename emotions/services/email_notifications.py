"""Reminders by e-mail for people who use only the website: the daily check-in and the weekly digest.

Each e-mail carries an unsubscribe link signed with django.core.signing (the user id and which e-mail): it works
without logging in, and a forged or altered link is refused. Sent by scheduled sweeps (emotions.tasks).
"""

from __future__ import annotations

import logging
from datetime import datetime, time

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from burnout_site.errors import Refusal
from emotions.digest import weekly_digest_lines
from emotions.models import EmailNotifications
from emotions.schedules import schedule_claim_due, schedule_first_claim
from emotions.selectors.journal import journal_checked_in_on
from emotions.selectors.summary import week_summary_get

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "emotions.email.unsubscribe"
REMINDER, DIGEST = "reminder", "digest"


def email_notifications_get(*, user: User) -> EmailNotifications:
    """The person's e-mail settings (all off until they choose)."""
    return EmailNotifications.objects.filter(user=user).first() or EmailNotifications(user=user)


@transaction.atomic
def email_notifications_set(
    *, user: User, remind_at: time | None, digest: tuple[int, time] | None, now: datetime | None = None
) -> EmailNotifications:
    """Turn the daily reminder and the weekly digest on (at these local times) or off (None)."""
    if (remind_at is not None or digest is not None) and not user.email:
        raise Refusal("invalid", _("Add an e-mail address to your profile first: the e-mails need somewhere to go."))
    row = email_notifications_get(user=user)
    row.remind_at = remind_at
    row.remind_last_on = schedule_first_claim(user=user, at=remind_at, now=now)
    row.digest_weekday, row.digest_at = digest if digest is not None else (None, None)
    row.digest_last_on = schedule_first_claim(user=user, at=row.digest_at, weekday=row.digest_weekday, now=now)
    row.full_clean()
    row.save()
    return row


def email_unsubscribe_token(*, user: User, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)


def email_unsubscribe(*, token: str) -> str:
    """Turn off the e-mail the signed token names; returns which (`reminder` or `digest`). Idempotent."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, kind = int(payload["u"]), str(payload["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Refusal("invalid", _("This unsubscribe link is not valid. Log in to change your e-mails.")) from None
    if kind not in (REMINDER, DIGEST):
        raise Refusal("invalid", _("This unsubscribe link is not valid. Log in to change your e-mails."))
    fields = {"remind_at": None} if kind == REMINDER else {"digest_at": None, "digest_weekday": None}
    EmailNotifications.objects.filter(user_id=user_id).update(**fields)
    return kind


def _unsubscribe_url(user: User, kind: str) -> str:
    return settings.SITE_URL + reverse(
        "emotions:email_unsubscribe", args=[email_unsubscribe_token(user=user, kind=kind)]
    )


def _message(user: User, kind: str, subject: str, lines: list[str]) -> EmailMessage:
    footer = _("To stop these e-mails, open this link (no log-in needed): %(url)s") % {
        "url": _unsubscribe_url(user, kind)
    }
    settings_line = _("Change the days and times: %(url)s") % {
        "url": settings.SITE_URL + reverse("emotions:email_settings")
    }
    body = "\n".join([*lines, "", settings_line, footer])
    message = EmailMessage(subject, body, None, [user.email])
    # RFC 8058 one-click unsubscribe: mail programs show their own button that POSTs to this address.
    message.extra_headers = {"List-Unsubscribe": f"<{_unsubscribe_url(user, kind)}>"}
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def _language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def email_reminders_send(*, now: datetime | None = None) -> int:
    """The daily check-ins due now, except to people who already checked in today; returns how many were sent."""
    sent = 0
    for row, today in schedule_claim_due(
        EmailNotifications.objects.exclude(user__email=""), at_field="remind_at", last_field="remind_last_on", now=now
    ):
        if journal_checked_in_on(user=row.user, day=today):
            continue
        with translation.override(_language(row.user)):
            lines = [
                _("Time for your daily check-in: how do you feel today?"),
                _("Rate your mood or add a photo: %(url)s")
                % {"url": settings.SITE_URL + reverse("emotions:dashboard")},
            ]
            message = _message(row.user, REMINDER, _("Your daily check-in"), lines)
        sent += _send(message)
    return sent


def email_digests_send(*, now: datetime | None = None) -> int:
    """The weekly digests due now: the week in words and the four-week chart attached as a PNG."""
    # Imported here: the chart module loads matplotlib lazily, and only this sweep (in the worker) draws.
    from emotions.charts import chart_weekly_png

    sent = 0
    due = schedule_claim_due(
        EmailNotifications.objects.exclude(user__email="").filter(digest_weekday__isnull=False),
        at_field="digest_at",
        last_field="digest_last_on",
        weekday_field="digest_weekday",
        now=now,
    )
    for row, _today in due:
        with translation.override(_language(row.user)):
            lines = weekly_digest_lines(week_summary_get(user=row.user, now=now))
            lines.append(_("Your charts: %(url)s") % {"url": settings.SITE_URL + reverse("emotions:dashboard")})
            message = _message(row.user, DIGEST, _("Your week"), lines)
            message.attach("week.png", chart_weekly_png(user=row.user, now=now), "image/png")
        sent += _send(message)
    return sent


def _send(message: EmailMessage) -> int:
    try:
        return message.send()
    except OSError:
        # One unreachable mailbox or a mail server hiccup must not stop the others; the address is not logged.
        logger.warning("could not send a reminder e-mail", exc_info=True)
        return 0


def email_notifications_export_rows(*, user: User) -> list[dict[str, object]]:
    return [
        {
            "remind_at": row.remind_at.isoformat() if row.remind_at else None,
            "digest_weekday": row.digest_weekday,
            "digest_at": row.digest_at.isoformat() if row.digest_at else None,
        }
        for row in EmailNotifications.objects.filter(user=user)
    ]


def email_notifications_erase_for_user(*, user: User) -> None:
    EmailNotifications.objects.filter(user=user).delete()
