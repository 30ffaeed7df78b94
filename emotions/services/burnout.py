"""Burnout flags: raise and clear them from the rules (emotions.burnout), and alert the psychologists."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import caches
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.channels import ALERT_BY_EMAIL, channel_alert_deliver
from accounts.models import PsychologistProfile, SharingCategory
from accounts.selectors import care_link_list_visible
from burnout_site.queue import task_enqueue
from burnout_site.shared_cache import SHARED_CACHE_UNAVAILABLE
from emotions.burnout import burnout_rule_states
from emotions.models import BurnoutFlag, PhotoAssessment, QuestionnaireResponse

if TYPE_CHECKING:
    from accounts.models import CareLink, User

logger = logging.getLogger(__name__)

# The worker imports it by this dotted name (emotions/tasks.py).
EVALUATE_TASK = "emotions.tasks.evaluate_person_burnout_flags"


def burnout_flag_evaluate_soon(*, user_id: int) -> None:
    """After the commit of a new reading, mood rating or answer, queue the evaluation of the person's rules.

    The daily evaluation stays: it notices silence (a window that empties), and it catches up on an
    evaluation the broker could not queue.
    """
    transaction.on_commit(partial(_burnout_evaluation_enqueue, user_id))


# An evaluation queued and not yet started reads everything committed before it starts, so a second one queued
# meanwhile would only repeat it: a person's burst of readings (a day's photos sent at once, 500 in the load
# test) queued one evaluation each, ahead of everybody's bot replies in the one FIFO queue. A marker in the
# shared cache says "one is waiting"; the task removes it as it starts. Should the queued task be lost (the
# Redis broker is at-most-once), the marker expires after this long and the daily evaluation catches up.
EVALUATION_PENDING_SECONDS = 600


def _evaluation_pending_key(user_id: int) -> str:
    return f"burnout-evaluation-pending:{user_id}"


def _burnout_evaluation_enqueue(user_id: int) -> None:
    key = _evaluation_pending_key(user_id)
    cache = caches["shared"]
    try:
        # The database cache's add() also answers False when its own write failed (a locked SQLite file in a
        # burst): only a marker that is really there means one is waiting.
        waiting = not cache.add(key, 1, EVALUATION_PENDING_SECONDS) and cache.get(key) is not None
    except SHARED_CACHE_UNAVAILABLE:
        # Without the cache, queue it: an extra evaluation costs a little, a missing one loses a signal.
        logger.warning("the shared cache is unavailable: the burnout evaluation of user %s is queued anyway", user_id)
        waiting = False
    if waiting:
        return
    what = f"the burnout evaluation of user {user_id}"
    if not task_enqueue(EVALUATE_TASK, user_id, what=what, group="burnout-flags"):
        burnout_evaluation_started(user_id=user_id)  # nothing waits: the next event queues one again


def burnout_evaluation_started(*, user_id: int) -> None:
    """The queued evaluation is starting: events from now on queue a new one (it may not see them)."""
    try:
        caches["shared"].delete(_evaluation_pending_key(user_id))
    except SHARED_CACHE_UNAVAILABLE:
        # The marker then expires by itself; until then new events rely on the daily evaluation.
        logger.warning("could not clear the pending burnout evaluation of user %s", user_id)


@transaction.atomic
def burnout_flag_evaluate(*, user: User, now: datetime | None = None) -> list[BurnoutFlag]:
    """Raise the rules that started to hold, clear those that stopped; returns the flags raised now.

    A rule that keeps holding keeps its open flag: one episode, one message to the psychologist.
    """
    now = now or timezone.now()
    # One evaluation of a person at a time: the daily one and those after each new answer may meet, and
    # both would raise the same episode (the constraint stops the second row, but only at its commit).
    list(type(user)._default_manager.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    open_rows = BurnoutFlag.objects.select_for_update().filter(user=user, cleared_at=None)
    open_flags = {flag.rule: flag for flag in open_rows}
    raised = []
    for state in burnout_rule_states(user=user, now=now):
        flag = open_flags.get(state.rule)
        if state.holds and flag is None:
            flag = BurnoutFlag(user=user, rule=state.rule, raised_at=now, value=state.value)
            flag.full_clean()
            flag.save()
            raised.append(flag)
        elif not state.holds and flag is not None:
            flag.cleared_at = now
            flag.save(update_fields=["cleared_at"])
    if raised:
        transaction.on_commit(partial(_burnout_flags_notify, user.pk, [flag.pk for flag in raised]))
    return raised


def burnout_flag_evaluate_all(*, now: datetime | None = None) -> int:
    """Every patient with photos or questionnaire answers, or with a flag still open."""
    from accounts.models import User as UserModel

    people = UserModel.objects.filter(role=UserModel.Role.PATIENT).filter(
        Exists(PhotoAssessment.objects.filter(user=OuterRef("pk")))
        | Exists(QuestionnaireResponse.objects.filter(user=OuterRef("pk")))
        | Exists(BurnoutFlag.objects.filter(user=OuterRef("pk"), cleared_at=None))
    )
    return sum(len(burnout_flag_evaluate(user=person, now=now)) for person in people.iterator())


def _burnout_flags_notify(user_id: int, flag_ids: list[int]) -> None:
    """Alert each psychologist the person shares with now: by the channel they chose, e-mail by default."""
    flags = list(BurnoutFlag.objects.filter(pk__in=flag_ids, user_id=user_id))
    # Not while the person has withdrawn the processing consent: that pauses what psychologists see and hear;
    # and only to the psychologists the person shares their flags with.
    links = list(
        care_link_list_visible(category=SharingCategory.FLAGS)
        .filter(patient_id=user_id)
        .select_related("psychologist", "patient")
    )
    if not flags or not links:
        return
    chosen = dict(
        PsychologistProfile.objects.filter(user_id__in=[link.psychologist_id for link in links]).values_list(
            "user_id", "alert_channel"
        )
    )
    for link in links:
        channel = chosen.get(link.psychologist_id, ALERT_BY_EMAIL)
        if channel == ALERT_BY_EMAIL or not _burnout_alert_handed(channel=channel, link=link, flags=flags):
            burnout_alert_email(link=link, flags=flags)


def _burnout_alert_handed(*, channel: str, link: CareLink, flags: list[BurnoutFlag]) -> bool:
    """Whether the registered channel the psychologist chose took the alert over (accounts/channels.py)."""
    try:
        return channel_alert_deliver(name=channel, link=link, flags=flags)
    except Exception:
        # A second alert is better than none: a broken channel's links get the e-mail.
        logger.exception("Burnout alert channel %r failed for care link %s: e-mail instead", channel, link.pk)
        return False


@dataclass(frozen=True)
class BurnoutAlert:
    subject: str
    body: str


def burnout_alert_compose(*, link: CareLink, flags: list[BurnoutFlag], language: str) -> BurnoutAlert:
    """The alert's words in `language`, whatever the channel: who, which signals, where to look, what it is not."""
    with translation.override(language or settings.LANGUAGE_CODE):
        name = link.alias or link.patient.display_name
        rules = ", ".join(str(flag.get_rule_display()) for flag in flags)
        url = settings.SITE_URL + reverse("portal:patient_detail", args=[link.patient_id])
        subject = _("Burnout signal for %(name)s") % {"name": name}
        body = _(
            "A burnout signal was raised for %(name)s, who shares their data with you: %(rules)s.\n\n"
            "Their dynamics in the portal: %(url)s\n\nA signal is not a diagnosis."
        ) % {"name": name, "rules": rules, "url": url}
    return BurnoutAlert(subject=subject, body=body)


def burnout_alert_email(*, link: CareLink, flags: list[BurnoutFlag]) -> bool:
    """E-mail the alert to the link's psychologist; False if not sent (no address, or a failure: logged)."""
    psychologist = link.psychologist
    if not psychologist.email:
        return False
    alert = burnout_alert_compose(link=link, flags=flags, language=psychologist.language)
    try:
        send_mail(alert.subject, alert.body, None, [psychologist.email])
    except Exception:
        logger.exception("Could not e-mail the burnout signal to psychologist %s", psychologist.pk)
        return False
    return True


def burnout_flag_export_rows(*, user: User) -> list[dict[str, object]]:
    return [
        {"id": row.pk, "rule": row.rule, "raised_at": row.raised_at, "cleared_at": row.cleared_at, "value": row.value}
        for row in BurnoutFlag.objects.filter(user=user).order_by("raised_at", "id")
    ]


def burnout_flag_erase_for_user(*, user: User) -> None:
    BurnoutFlag.objects.filter(user=user).delete()
