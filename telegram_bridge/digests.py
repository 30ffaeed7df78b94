"""The weekly digest's schedule: reading `/digest Sun 19:00`, storing it, and claiming the digests that are due.

A digest is due once a week, on the chosen weekday (0 = Monday) at or after the chosen time of the person's time
zone. Claiming is a compare-and-set on `digest_last_on` like the daily reminder's: of several workers, one sends.
"""

from __future__ import annotations

from datetime import datetime, time

from django.utils.translation import gettext as _

from burnout_site.errors import Refusal
from emotions.schedules import schedule_claim_due, schedule_first_claim
from telegram_bridge.models import TelegramAccount

OFF_WORDS = ("off", "stop", "выкл", "стоп")
# Three-letter English and two-letter Russian names and the whole words, Monday first (date.weekday()).
_DAY_NAMES = (
    ("mon", "monday", "пн", "понедельник"),
    ("tue", "tuesday", "вт", "вторник"),
    ("wed", "wednesday", "ср", "среда"),  # noqa: RUF001 (Russian names)
    ("thu", "thursday", "чт", "четверг"),
    ("fri", "friday", "пт", "пятница"),
    ("sat", "saturday", "сб", "суббота"),  # noqa: RUF001 (Russian names)
    ("sun", "sunday", "вс", "воскресенье"),
)
WEEKDAY_BY_NAME = {name: index for index, names in enumerate(_DAY_NAMES) for name in names}


class DigestScheduleRefused(Refusal):
    """`/digest` with input that is not a day and a time: what is wrong, nothing changed."""


def digest_schedule_parse(text: str) -> tuple[int, time] | None:
    """`Sun 19:00` -> (6, 19:00); `off` -> None. Anything else is refused with a message saying what to send."""
    words = text.lower().split()
    if len(words) == 1 and words[0] in OFF_WORDS:
        return None
    if len(words) != 2:
        raise DigestScheduleRefused("invalid", _("Send the day and the time, for example: /digest Sun 19:00."))
    day, clock = words
    weekday = WEEKDAY_BY_NAME.get(day.rstrip(".,"))
    if weekday is None:
        raise DigestScheduleRefused(
            "invalid",
            _("I do not know the day “%(day)s”. Use Mon, Tue, Wed, Thu, Fri, Sat or Sun.") % {"day": day},
        )
    try:
        at = datetime.strptime(clock, "%H:%M").time()
    except ValueError:
        raise DigestScheduleRefused(
            "invalid", _("I could not read the time “%(time)s”. Give it as HH:MM, for example 19:00.") % {"time": clock}
        ) from None
    return weekday, at


def telegram_digest_set(
    *, account: TelegramAccount, schedule: tuple[int, time] | None, now: datetime | None = None
) -> None:
    """Set (or with None turn off) the weekly digest; a time already past today, on that weekday, starts next week."""
    account.digest_weekday, account.digest_at = schedule if schedule is not None else (None, None)
    account.digest_last_on = schedule_first_claim(
        user=account.user, at=account.digest_at, weekday=account.digest_weekday, now=now
    )
    account.full_clean()
    account.save(update_fields=["digest_weekday", "digest_at", "digest_last_on"])


def telegram_digest_claim_due(*, now: datetime | None = None) -> list[TelegramAccount]:
    """Accounts whose weekly digest is due and that this caller claimed: each is returned to one caller per week."""
    rows = TelegramAccount.objects.filter(digest_weekday__isnull=False)
    due = schedule_claim_due(
        rows, at_field="digest_at", last_field="digest_last_on", weekday_field="digest_weekday", now=now
    )
    return [account for account, _today in due]
