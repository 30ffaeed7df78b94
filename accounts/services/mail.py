"""E-mail to one person about their own account, written in their language."""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from ..models import User

logger = logging.getLogger(__name__)


def user_mail_send(*, user: User, template: str, context: dict[str, Any], language: str = "") -> bool:
    """Send `accounts/email/<template>_subject.txt` and `_body.txt` to the person; False when there is no address
    or the mail server refused it (logged by account id: the address and the body, which may hold a link that
    signs in, stay out of the log).

    In the account's saved language; else in `language` (the page's, when a page asked for the mail); else
    the site's default. Tasks run outside any request, so the language is chosen here, not inherited.
    """
    if not user.email:
        return False
    with translation.override(user.language or language or None):
        context = {**context, "user": user}
        subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
        body = render_to_string(f"accounts/email/{template}_body.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except Exception as exc:
        # The error's class only: an SMTP server's answer quotes the address ("<anna@...>: rejected").
        logger.error("could not send the %s e-mail to account %s: %s", template, user.pk, type(exc).__name__)
        return False
    return True
