"""Erasure: the account and everything about the person goes, whichever channel confirmed it."""

from __future__ import annotations

from functools import partial

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from burnout_site.errors import Refusal
from burnout_site.queue import task_queue_forget
from burnout_site.rate_limits import rate_limits_forget

from ..models import AuditEvent, Channel, DataExport, PsychologistProfile, User
from ..personal_data import personal_data_sections
from ..task_records import task_records_forget
from .audit import audit_record
from .export import EXPORT_TASK, _export_delete
from .users import user_sessions_forget

WRONG_PASSWORD_MESSAGE = _("The password is not correct. Your account was not deleted.")


@transaction.atomic
def user_erase(*, user: User, password: str, channel: str = Channel.WEB) -> None:
    """Delete the account and everything about the person, after checking their password (web page, API)."""
    if not user.check_password(password):
        raise Refusal("wrong_password", str(WRONG_PASSWORD_MESSAGE), field="password")
    user_erase_confirmed(user=user, channel=channel)


@transaction.atomic
def user_erase_confirmed(*, user: User, channel: str) -> None:
    """Delete the account and everything about the person, who the caller has already confirmed it is.

    Each channel confirms in its own way: the password on the web page and in the API, a signed,
    short-lived confirmation button bound to the linked Telegram account in the bot.

    Rows of other apps go through their registered sections (accounts cannot import them); care
    links, consent events, devices and exports go with the user row; audit lines about the person
    stay for the other party (a psychologist's own record of access) but lose the link to them
    and their detail. Sessions, admin log lines and django-axes login records naming the account are removed too,
    and so are the task records whose arguments name the person's rows and the rate-limit counters by their id.
    The one line that records the erasure names the channel it came from, never the person.
    """
    user_id = user.pk
    for section in personal_data_sections():
        section.erase(user=user)

    exports = list(DataExport.objects.filter(user=user))
    task_queue_forget(func=EXPORT_TASK, ids=[export.pk for export in exports])
    for export in exports:
        _export_delete(export)

    AuditEvent.objects.filter(subject_user=user).update(subject_user=None, detail={})
    AuditEvent.objects.filter(actor=user).update(actor=None, detail={})
    _admin_log_forget(user)
    user_sessions_forget(user_id=user_id)
    _login_records_forget(user.username)
    user.delete()
    # The queued and recorded tasks whose arguments name the person's rows, now that the rows are gone; once
    # more after the commit, for a task a worker finished meanwhile. The cache is not transactional: after.
    task_records_forget()
    transaction.on_commit(task_records_forget)
    transaction.on_commit(partial(rate_limits_forget, user_id=user_id))
    audit_record(actor=None, subject_user=None, action=AuditEvent.Action.ACCOUNT_ERASED, detail={"channel": channel})


def _admin_log_forget(user: User) -> None:
    # Admin history lines about this account (and its profile) carry its name in object_repr.
    targets = [(User, user.pk)]
    profile = PsychologistProfile.objects.filter(user=user).first()
    if profile is not None:
        targets.append((PsychologistProfile, profile.pk))
    for model, pk in targets:
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(pk)).delete()


def _login_records_forget(username: str) -> None:
    """django-axes keeps log-ins and failed attempts by username (and IP address): they go with the account."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=username).delete()
