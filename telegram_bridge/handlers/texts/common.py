"""What the bot says everywhere: the reply language, links to the site, help, and answers to what it cannot read."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.services import ConsentRequired


def reply_language(language_code: str | None) -> str:
    return "ru" if (language_code or "").lower().startswith("ru") else "en"


def site_url(name: str) -> str:
    return settings.SITE_URL + reverse(name)


def help_text() -> str:
    return (
        _(
            "Send me a selfie and I will estimate the emotion on your face; the website shows how it changes "
            "over days and weeks.\n"
            "/start - connect this chat to your account\n"
            "/stats - your last 7 and 30 days\n"
            "/mood - tell me how you feel (1-5)\n"
            "/remind HH:MM - a daily check-in at this time; /remind off stops it\n"
            "/cbi - a short burnout questionnaire (six questions)\n"
            "/share - who sees your data; stop sharing\n"
            "/keepphotos on|off - keep your photos in this chat (by default I delete them after the analysis)\n"
            "/unlink - disconnect this chat from your account\n"
            "/delete - delete your account and all your data\n"
            "/help - this message"
        )
        + "\n"
        + _("/undo - delete your latest entry (asks first)")
        + "\n"
        + _("/digest Sun 19:00 - a weekly summary with a chart; /digest off stops it")
    )


def unknown_command_text() -> str:
    return _("I do not know this command.") + " " + help_text()


def malformed_text(*, about_photo: bool) -> str:
    if about_photo:
        return _("I could not read this message. Please send the photo again.")
    return _("I could not read this message. Please send it again.")


def too_big_text() -> str:
    return _("This file is larger than 20 MB, the most Telegram lets me download. Please send a smaller photo.")


def sticker_text() -> str:
    return _("Nice sticker! To check your mood I need a real photo of your face.")


def video_text() -> str:
    return _("I cannot analyse videos. Please send a photo of your face instead.")


def voice_text() -> str:
    return _("I cannot listen to voice messages. Please send a photo of your face.")


def send_a_selfie_text() -> str:
    return _("Send me a selfie and I will estimate your emotion. /help shows what I can do.")


def not_linked_text() -> str:
    return _(
        "This chat is not connected to an account yet. Sign in on the website, open your profile and press "
        "“Connect Telegram”: %(url)s"
    ) % {"url": site_url("accounts:profile")}


def consent_required_text(exc: ConsentRequired) -> str:
    return (
        exc.message
        + " "
        + _("Please read and accept the terms on the website: %(url)s") % {"url": site_url("accounts:privacy")}
    )
