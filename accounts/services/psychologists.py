"""Psychologists' licence details, their verification by an admin, and where their alerts go."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from burnout_site.errors import Refusal

from ..channels import alert_channel_connect_url, alert_channel_connected, alert_channel_label
from ..models import AuditEvent, PsychologistProfile, User, psychologist_code_generate
from .audit import audit_record

PSYCHOLOGISTS_ONLY_MESSAGE = _("Only psychologist accounts have licence details.")


@transaction.atomic
def psychologist_profile_save(
    *, user: User, licence_number: str, issuing_body: str, country: str
) -> PsychologistProfile:
    """Create or change the licence details. A change after verification needs a new verification."""
    if not user.is_psychologist:
        raise Refusal("not_psychologist", str(PSYCHOLOGISTS_ONLY_MESSAGE))
    profile = PsychologistProfile.objects.select_for_update().filter(user=user).first()
    values = {
        "licence_number": licence_number.strip(),
        "issuing_body": issuing_body.strip(),
        "country": country.strip(),
    }
    if profile is None:
        profile = PsychologistProfile(user=user, **values)
        _profile_save_with_unique_code(profile)
        return profile
    changed = any(getattr(profile, field) != value for field, value in values.items())
    for field, value in values.items():
        setattr(profile, field, value)
    if changed and profile.is_verified:
        # The admin vouched for the licence they checked, not for whatever is typed in later.
        profile.verified_at = None
        profile.verified_by = None
    profile.full_clean()
    profile.save()
    return profile


def _profile_save_with_unique_code(profile: PsychologistProfile) -> None:
    for _attempt in range(5):
        profile.full_clean(exclude=["code"])
        try:
            with transaction.atomic():
                profile.save()
            return
        except IntegrityError:
            # A collision in 31^8 codes is unlikely, not impossible: draw again.
            profile.code = psychologist_code_generate()
    raise RuntimeError("could not draw a unique psychologist code")


def alert_channel_not_connected_message(*, channel: str) -> str:
    """The refusal of a channel still to be connected, with the address of the page that connects it."""
    return _("Connect %(channel)s to your account first: %(url)s") % {
        "channel": alert_channel_label(channel=channel),
        "url": alert_channel_connect_url(channel=channel) or settings.SITE_URL,
    }


@transaction.atomic
def psychologist_alert_channel_set(*, profile: PsychologistProfile, channel: str) -> PsychologistProfile:
    """Choose where burnout alerts go; a channel that is not connected yet is refused (code `not_connected`)."""
    # Django's own "not a valid choice" for a channel that does not exist, before asking whether it is connected.
    channel = PsychologistProfile._meta.get_field("alert_channel").clean(channel, profile)
    # Refused rather than saved with a note: a choice that silently means e-mail would surprise later.
    # (Unlinking afterwards does fall back to e-mail: an alert is never lost for want of a channel.)
    if channel != profile.alert_channel and not alert_channel_connected(user=profile.user, channel=channel):
        raise Refusal("not_connected", str(alert_channel_not_connected_message(channel=channel)), field="alert_channel")
    profile.alert_channel = channel
    profile.save(update_fields=["alert_channel"])
    return profile


@transaction.atomic
def psychologist_verify(*, profile: PsychologistProfile, by: User) -> PsychologistProfile:
    if profile.is_verified:
        return profile
    profile.verified_at = timezone.now()
    profile.verified_by = by
    profile.full_clean()
    profile.save(update_fields=["verified_at", "verified_by"])
    audit_record(actor=by, subject_user=profile.user, action=AuditEvent.Action.PSYCHOLOGIST_VERIFIED)
    return profile
