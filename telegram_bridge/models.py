"""Telegram accounts linked to web accounts, one-time link tokens, and the updates already received."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emotions.models import CBI_ITEM_KEYS

# An unfinished questionnaire older than this starts again: the answers are about "the last weeks",
# and answers given days apart are not one questionnaire.
CBI_PROGRESS_TTL = timedelta(hours=24)


class TelegramAccount(models.Model):
    """The Telegram user a web account is linked to: one each way."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_account", verbose_name=_("user")
    )
    telegram_user_id = models.BigIntegerField(_("Telegram user id"), unique=True)
    chat_id = models.BigIntegerField(_("chat id"))
    # Telegram's language_code ("en", "ru", "pt-br"...): the bot answers in Russian or English from it.
    language = models.CharField(_("language"), max_length=16, blank=True)
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)
    # /remind HH:MM: a daily check-in at this local time (the user's time zone); null is off.
    remind_at = models.TimeField(_("daily reminder at"), null=True, blank=True)
    # The local date of the last reminder: claimed with a conditional UPDATE, so two workers send one.
    remind_last_on = models.DateField(_("last reminder on"), null=True, blank=True)
    # /keepphotos on: the photos the person sends stay in the chat. By default the bot deletes each photo
    # message after its analysis, as the website deletes the stored photo (docs/privacy.md).
    keep_photos = models.BooleanField(_("keep photos in the chat"), default=False)
    # The result reply says once that the photo left the chat; later replies do not repeat it.
    photo_deletion_told = models.BooleanField(_("told that photos are deleted"), default=False)

    class Meta:
        verbose_name = _("Telegram account")
        verbose_name_plural = _("Telegram accounts")

    def __str__(self) -> str:
        return f"{self.user_id} ↔ tg:{self.telegram_user_id}"


class TelegramLinkToken(models.Model):
    """A one-time token of a "Connect Telegram" deep link; only its sha256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_link_tokens", verbose_name=_("user")
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram link token")
        verbose_name_plural = _("Telegram link tokens")

    def __str__(self) -> str:
        return f"{self.user_id} {self.token_hash[:8]}…"


class ProcessedUpdate(models.Model):
    """One Telegram update, received once: the unique update_id turns a replay into a no-op.

    The update's JSON is kept only until the task has handled it, then cleared: it can hold
    messages and names, and the row is needed afterwards only for its id.
    """

    update_id = models.BigIntegerField(_("update id"), unique=True)
    telegram_user_id = models.BigIntegerField(_("Telegram user id"), null=True, blank=True, db_index=True)
    payload = models.JSONField(_("payload"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    # Marked handled only after the handlers ran: a worker killed half-way leaves the update claimed, and
    # the sweep queues it again once the claim is older than TELEGRAM_UPDATE_REQUEUE_AFTER_SECONDS.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("processed update")
        verbose_name_plural = _("processed updates")

    def __str__(self) -> str:
        return f"update {self.update_id}"


class CbiProgress(models.Model):
    """The CBI questionnaire someone is answering in the chat, one item per message.

    Kept server-side so that a person who stops half-way can send /cbi later and go on where they
    were, until CBI_PROGRESS_TTL after the start. Its primary key is the run id in the buttons'
    callback data, so a button of an earlier, finished run cannot answer this one.
    """

    account = models.OneToOneField(
        TelegramAccount, on_delete=models.CASCADE, related_name="cbi_progress", verbose_name=_("Telegram account")
    )
    # Item key -> answer key, as QuestionnaireResponse.answers stores them (no order: jsonb keeps none).
    answers = models.JSONField(_("answers so far"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("unfinished questionnaire")
        verbose_name_plural = _("unfinished questionnaires")

    def __str__(self) -> str:
        return f"{self.account_id} cbi {len(self.answers)}/{len(CBI_ITEM_KEYS)}"

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.started_at + CBI_PROGRESS_TTL <= (now or timezone.now())

    def next_item(self) -> int | None:
        """The position in CBI_ITEM_KEYS of the first unanswered item; None when all are answered."""
        return next((index for index, key in enumerate(CBI_ITEM_KEYS) if key not in self.answers), None)
