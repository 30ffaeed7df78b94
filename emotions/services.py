"""Writes for the emotions app: photo validation, assessments and their analysis.

Every entry channel (web page, REST API, Telegram bot) goes through the same two
calls: `photo_validate(data=...)` then `assessment_create(...)`. The worker calls
`assessment_analyze(...)`. Nothing here imports torch at module level: the model is
loaded lazily inside the worker (emotions.ml imports torch).
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import IO, TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat, floatformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.models import ConsentKind
from accounts.selectors import care_links_visible, consent_is_active
from accounts.services import consent_require, task_queue_forget
from burnout_site.errors import Refusal
from emotions.models import (
    CBI_ANSWER_POINTS,
    CBI_ITEM_KEYS,
    ERROR_MESSAGES,
    SELF_REPORT_ALREADY_SAVED,
    SELF_REPORT_ASSESSMENT_NOT_FOUND,
    BurnoutFlag,
    PhotoAssessment,
    QuestionnaireResponse,
    SelfReport,
)
from emotions.signals import burnout_flags_raised

if TYPE_CHECKING:
    from accounts.models import CareLink, User
    from emotions.ml.predictor import FaceAnalysis, Predictor

logger = logging.getLogger(__name__)

ANALYZE_TASK = "emotions.tasks.analyze_assessment"
# Photos re-scored together: their faces make one batch (each photo is read only when it is decoded).
REANALYZE_CHUNK = 64
# Mean grey level (0..255) under which a photo without a face is reported as too dark.
DARK_BRIGHTNESS = 40.0
# A pending row older than this has lost its task (worker killed, broker lost it, all
# retries spent): the stale sweep fails it, so that nobody watches a spinner forever.
# Well above the broker's retry cycle (Q_CLUSTER timeout 120 s, retry 300 s, 3 attempts).
ANALYSIS_STALE_AFTER = timedelta(hours=1)
JPEG_QUALITY = 92
# libjpeg's JPEG_MAX_DIMENSION: the re-encode cannot write a longer side, whatever the pixel count.
JPEG_MAX_SIDE = 65_500

# What people may upload. Pillow names some phone JPEGs (a main image followed by
# previews) "MPO" after opening them as JPEG; they are JPEG files to the person who took them.
ALLOWED_FORMATS_TEXT = "JPEG, PNG, WebP"
_PILLOW_FORMATS = ("JPEG", "PNG", "WEBP")

# Formats we recognise only to name them in the refusal. Pillow is not asked to open
# them at all: fewer decoders see untrusted bytes.
_FOREIGN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"%PDF", "PDF"),
)
# Greyscale deeper than 8 bits, as Pillow opens a 16-bit PNG ("I" is what older Pillows gave it).
_WIDE_GREY_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I")
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}


# --- photo validation ------------------------------------------------------------


class PhotoRejected(Refusal):
    """An upload we will not analyse."""


@dataclass(frozen=True)
class ValidatedPhoto:
    """A decoded, oriented photo re-encoded as a JPEG without any metadata.

    Re-encoding drops EXIF (GPS position, device serials, capture time) and anything
    appended to the file; orientation is applied to the pixels first, so the face is
    upright for the detector without the EXIF tag.
    """

    content: bytes = field(repr=False)
    width: int
    height: int
    original_format: str

    content_type: ClassVar[str] = "image/jpeg"
    extension: ClassVar[str] = "jpg"

    def open_image(self) -> Image.Image:
        return Image.open(io.BytesIO(self.content))


def photo_validate(*, data: bytes | IO[bytes]) -> ValidatedPhoto:
    """Check an upload and return it cleaned; raise PhotoRejected with a message otherwise.

    `data` is the raw bytes or a binary file object (a Django UploadedFile, an open
    file, a BytesIO), so the web form, the REST API and the Telegram bot share it.
    """
    raw = _read_capped(data)
    if not raw:
        raise PhotoRejected("empty", _("The file is empty. Please choose a photo."))
    foreign = _foreign_format(raw)
    if foreign:
        raise PhotoRejected(
            "unsupported_format",
            _("%(format)s files are not supported. Please send a photo in one of these formats: %(allowed)s.")
            % {"format": foreign, "allowed": ALLOWED_FORMATS_TEXT},
        )

    image = _decode(raw)
    original_format = "JPEG" if image.format == "MPO" else str(image.format)
    image = _oriented(image)
    width, height = image.size
    if min(width, height) < settings.PHOTO_MIN_SIDE:
        raise PhotoRejected(
            "too_small",
            _(
                "The image is too small (%(width)s x %(height)s pixels). "
                "Please send a photo at least %(min_side)s pixels on each side."
            )
            % {"width": width, "height": height, "min_side": settings.PHOTO_MIN_SIDE},
        )
    if max(width, height) > JPEG_MAX_SIDE:
        raise PhotoRejected(
            "too_long_side",
            _(
                "The image is too long or too wide (%(width)s x %(height)s pixels). "
                "Please send a photo at most %(max_side)s pixels on each side."
            )
            % {"width": width, "height": height, "max_side": JPEG_MAX_SIDE},
        )
    return ValidatedPhoto(content=_encode_jpeg(image), width=width, height=height, original_format=original_format)


def _too_large() -> PhotoRejected:
    return PhotoRejected(
        "too_large",
        _("The file is larger than %(limit)s. Please send a smaller photo.")
        % {"limit": filesizeformat(settings.PHOTO_MAX_BYTES)},
    )


def _too_many_pixels() -> PhotoRejected:
    return PhotoRejected(
        "too_many_pixels",
        _("The image has too many pixels. Please send a photo of at most %(megapixels)s megapixels.")
        # floatformat -2: "40" for the default cap, "0.04" for a tiny one, in the reader's locale.
        % {"megapixels": floatformat(settings.PHOTO_MAX_PIXELS / 1_000_000, -2)},
    )


def _read_capped(data: bytes | IO[bytes]) -> bytes:
    """The upload's bytes, refusing anything over PHOTO_MAX_BYTES before it is decoded."""
    limit = settings.PHOTO_MAX_BYTES
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
    else:
        # An UploadedFile knows its size already: refuse without reading a byte.
        size = getattr(data, "size", None)
        if isinstance(size, int) and size > limit:
            raise _too_large()
        if hasattr(data, "seek"):
            # A stream that cannot seek is read from where it is.
            with contextlib.suppress(OSError, ValueError):
                data.seek(0)
        # One byte over the limit is enough to know it is too large, whatever the rest.
        raw = data.read(limit + 1) or b""
    if len(raw) > limit:
        raise _too_large()
    return raw


def _foreign_format(raw: bytes) -> str | None:
    for signature, name in _FOREIGN_SIGNATURES:
        if raw.startswith(signature):
            return name
    if raw[4:8] == b"ftyp":
        brand = raw[8:12]
        if brand in _AVIF_BRANDS:
            return "AVIF"
        if brand in _HEIF_BRANDS:
            return "HEIC"
    return None


def _decode(raw: bytes) -> Image.Image:
    not_readable = PhotoRejected(
        "not_an_image",
        _("This file is not a picture we can read. Please send a photo in one of these formats: %(allowed)s.")
        % {"allowed": ALLOWED_FORMATS_TEXT},
    )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; a warning here
            # is still a bomb, and decoding it would take the memory it warns about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=_PILLOW_FORMATS)
            width, height = image.size
            # Checked from the header, before the pixels are decoded.
            if width * height > settings.PHOTO_MAX_PIXELS:
                raise _too_many_pixels()
            # open() reads only the header; load() decodes everything, which is what
            # finds a truncated or corrupt file.
            image.load()
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except UnidentifiedImageError:
        raise not_readable from None
    except Exception as exc:
        # Pillow's decoders raise a wide range of errors on malformed input (OSError,
        # SyntaxError, ValueError, struct.error, ...): to the person they are all one thing.
        logger.info("photo rejected as damaged: %r", exc)
        raise PhotoRejected(
            "damaged",
            _("The image file is damaged or incomplete. Please send the photo again."),
        ) from None
    return image


def _oriented(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception as exc:
        # A malformed EXIF block should not cost the person their photo: keep the pixels as stored.
        logger.info("ignoring unreadable EXIF orientation: %r", exc)
        return image


def _encode_jpeg(image: Image.Image) -> bytes:
    if image.mode in _WIDE_GREY_MODES:
        # 16-bit grey (a PNG opens as I;16): Pillow's own conversion clips every value over 255, which
        # turns a face white. Scaled instead, 0..65535 onto 0..255 (v / 256, the high byte).
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode not in ("RGB", "L"):
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            # Transparent areas become white, as most viewers show them; black would darken the photo.
            background = Image.new("RGB", rgba.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        else:
            image = image.convert("RGB")
    # Pillow carries `info` (EXIF, ICC, XMP, comments) across conversions and writes some of
    # it back on save; an empty dict makes sure nothing but pixels leaves this function.
    image.info = {}
    out = io.BytesIO()
    try:
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except (OSError, ValueError) as exc:
        # Whatever else libjpeg cannot write (the side limit is checked before): the person's
        # upload, refused with a message on every channel, not a server error.
        logger.info("photo rejected: the JPEG re-encode failed: %r", exc)
        raise PhotoRejected(
            "cannot_reencode",
            _(
                "We could not process this image. Please send it again as an ordinary photo "
                "in one of these formats: %(allowed)s."
            )
            % {"allowed": ALLOWED_FORMATS_TEXT},
        ) from None
    return out.getvalue()


# --- assessments ---------------------------------------------------------------


@transaction.atomic
def assessment_create(
    *,
    user: User,
    photo: ValidatedPhoto,
    source: str = PhotoAssessment.Source.WEB,
    captured_at: datetime | None = None,
    hook: str | None = None,
    source_key: str = "",
) -> PhotoAssessment:
    """A `pending` assessment with its photo; the analysis is queued once the row is committed.

    `hook` is a django-q2 hook ("module.function") run after the analysis with the task
    (its result is the assessment id): how a channel such as the Telegram bot hears
    that the result is ready without this app knowing about the channel.

    `source_key` is the channel's own id of this upload: a second call with the same key (the
    channel handling the same message again after a crash) returns the first row and writes nothing.

    Raises accounts.services.ConsentRequired, before anything is written, unless the person has
    accepted the current processing consent: every channel goes through here, so none can skip it.
    """
    consent_require(user=user, kind=ConsentKind.PROCESSING)
    earlier = assessment_by_source_key(source=source, source_key=source_key)
    if earlier is not None:
        return earlier
    assessment = PhotoAssessment(
        user=user,
        source=source,
        source_key=source_key,
        captured_at=captured_at or timezone.now(),
        status=PhotoAssessment.Status.PENDING,
        analysis_queued_at=timezone.now(),
    )
    # Validate before the file is written, so a refused row leaves nothing on disk.
    assessment.full_clean()
    assessment.photo.save(f"upload.{photo.extension}", ContentFile(photo.content), save=False)
    try:
        # A savepoint: two handlers of one message racing past the look-up above meet at the
        # unique (source, source_key) constraint, and the loser returns the winner's row.
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        assessment.photo.delete(save=False)
        earlier = assessment_by_source_key(source=source, source_key=source_key)
        if earlier is None:
            raise
        return earlier
    except BaseException:
        assessment.photo.delete(save=False)
        raise
    # on_commit: a worker that picked the task up before the commit would not find the row.
    transaction.on_commit(partial(_enqueue_analysis, assessment_id=assessment.pk, hook=hook))
    return assessment


def assessment_by_source_key(*, source: str, source_key: str) -> PhotoAssessment | None:
    """The assessment a channel already made for this upload of its own, if any."""
    if not source_key:
        return None
    return PhotoAssessment.objects.filter(source=source, source_key=source_key).first()


def _enqueue_analysis(*, assessment_id: int, hook: str | None) -> None:
    from django_q.tasks import async_task

    options: dict[str, str] = {"group": "emotions.analyze"}
    if hook:
        options["hook"] = hook
    try:
        async_task(ANALYZE_TASK, assessment_id, **options)
    except Exception:
        # The row is committed and the person is already being answered; a broker
        # outage must not turn that into an error page. The stale sweep fails the row
        # with a message if no task ever picks it up.
        logger.exception("could not enqueue the analysis of assessment %s", assessment_id)


@dataclass(frozen=True)
class _Failure:
    code: str
    detail: str


def assessment_analyze(*, assessment_id: int) -> PhotoAssessment | None:
    """Run the model on a pending assessment and store the outcome; idempotent.

    A row that is gone returns None; a row that is no longer pending is returned
    unchanged, so a retried or duplicated task changes nothing. Every outcome ends
    the row in done / no_face / failed: a row never stays pending because of an error.
    """
    with transaction.atomic():
        assessment = PhotoAssessment.objects.select_for_update().select_related("user").filter(pk=assessment_id).first()
        if assessment is None or assessment.status != PhotoAssessment.Status.PENDING:
            return assessment
        # Consent may have been withdrawn between the upload and now (the withdrawal fails pending
        # rows itself; this covers a task that was already past that point). Any accepted version
        # counts: the photo was sent under it, and only a withdrawal stops its analysis.
        if not consent_is_active(user=assessment.user, kind=ConsentKind.PROCESSING, any_version=True):
            _assessment_stop_for_withdrawal(assessment)
            assessment.full_clean()
            assessment.save()
            return assessment
        if not _analysis_claim(assessment):
            return assessment
        photo_name = assessment.photo.name if assessment.photo else ""

    # The model runs outside any transaction: loading it can take seconds the first
    # time, and on SQLite an open write transaction would block every upload meanwhile.
    outcome = _run_model(photo_name)

    with transaction.atomic():
        assessment = PhotoAssessment.objects.select_for_update().filter(pk=assessment_id).first()
        # Re-checked under the lock: a concurrent run may have finished first.
        if assessment is None or assessment.status != PhotoAssessment.Status.PENDING:
            return assessment
        if isinstance(outcome, _Failure):
            _assessment_mark_failed(assessment, code=outcome.code, detail=outcome.detail)
        else:
            _assessment_store_analysis(assessment, outcome)
        _photo_release(assessment)
        assessment.full_clean()
        assessment.save()
    return assessment


def _requeue_after() -> timedelta:
    return timedelta(seconds=settings.ANALYSIS_REQUEUE_AFTER_SECONDS)


def _analysis_claim(assessment: PhotoAssessment) -> bool:
    """Count this worker's start on a locked pending row; False while another worker's start is recent.

    A duplicate task (the sweep re-queued a row that was only waiting in a long queue, or the ORM broker
    offered a slow task again) then leaves the row to the worker already on it. The start is committed
    before the model runs, so a worker killed half-way still counts as an attempt.
    """
    now = timezone.now()
    started = assessment.analysis_started_at
    if started is not None and started > now - _requeue_after():
        logger.info("assessment %s is being analysed by another worker: skipped", assessment.pk)
        return False
    assessment.analysis_attempts += 1
    assessment.analysis_started_at = now
    assessment.save(update_fields=["analysis_attempts", "analysis_started_at"])
    return True


def assessment_requeue_stalled(*, now: datetime | None = None) -> int:
    """Queue again the pending analyses that made no progress lately; fail those out of attempts.

    Every minute (schedule in migrations): a task lost with its worker or its broker (Redis hands a task
    over once) is found here. Re-queueing is idempotent: a row that is finished, or claimed again meanwhile,
    is left alone by the task. Returns how many rows were re-queued or failed.
    """
    now = now or timezone.now()
    cutoff = now - _requeue_after()
    quiet_since = Coalesce("analysis_started_at", "analysis_queued_at", "created_at")
    stalled = (
        PhotoAssessment.objects.filter(status=PhotoAssessment.Status.PENDING)
        .alias(quiet_since=quiet_since)
        .filter(quiet_since__lt=cutoff)
        .values_list("pk", flat=True)
    )

    def still_stalled(assessment: PhotoAssessment) -> bool:
        last = assessment.analysis_started_at or assessment.analysis_queued_at or assessment.created_at
        return assessment.is_pending and last < cutoff

    return _each_locked(list(stalled), still_stalled, partial(_assessment_requeue, now=now))


def _assessment_requeue(assessment: PhotoAssessment, *, now: datetime) -> None:
    if assessment.analysis_attempts >= settings.ANALYSIS_MAX_ATTEMPTS:
        logger.warning(
            "assessment %s: %s analyses started and none finished: failed", assessment.pk, assessment.analysis_attempts
        )
        _assessment_mark_failed(
            assessment,
            code=PhotoAssessment.ErrorCode.TIMED_OUT,
            detail=f"{assessment.analysis_attempts} analyses started, none finished (worker lost)",
        )
        _photo_release(assessment)
        return
    logger.info("assessment %s stalled (attempt %s): queued again", assessment.pk, assessment.analysis_attempts)
    assessment.analysis_queued_at = now
    # Queued anew: the next worker may start at once, whoever started the lost attempt.
    assessment.analysis_started_at = None
    transaction.on_commit(partial(_enqueue_analysis, assessment_id=assessment.pk, hook=None))


# --- telling the person: the entry channel's outbox -----------------------------------------------------


def assessment_notification_claim(*, assessment_id: int, lease: timedelta, now: datetime | None = None) -> int | None:
    """Claim the right to tell the person a finished analysis's outcome; the attempt number, or None.

    One conditional UPDATE, so of two senders (the channel's hook and its sweep, or two workers) one wins.
    The claim lasts `lease`: a sender killed half-way leaves it to expire, and the sweep tries again.
    """
    now = now or timezone.now()
    claimed = (
        PhotoAssessment.objects.filter(pk=assessment_id, notified_at__isnull=True)
        .exclude(status=PhotoAssessment.Status.PENDING)
        .filter(Q(notify_lease_until__isnull=True) | Q(notify_lease_until__lte=now))
        .update(notify_lease_until=now + lease, notify_attempts=F("notify_attempts") + 1)
    )
    if not claimed:
        return None
    return PhotoAssessment.objects.values_list("notify_attempts", flat=True).filter(pk=assessment_id).first()


def assessment_notification_done(*, assessment_id: int) -> None:
    """The outcome reached the person (or never can: blocked bot, chat gone, attempts spent)."""
    PhotoAssessment.objects.filter(pk=assessment_id).update(notified_at=timezone.now(), notify_lease_until=None)


def assessment_notification_later(*, assessment_id: int, not_before: datetime) -> None:
    """A transient failure: nobody sends again before `not_before` (Telegram's flood control, back-off)."""
    PhotoAssessment.objects.filter(pk=assessment_id, notified_at__isnull=True).update(notify_lease_until=not_before)


def assessments_awaiting_notification(
    *, source: str, settled_before: datetime, since: datetime, now: datetime | None = None, limit: int = 100
) -> list[int]:
    """Finished rows of `source` whose outcome nobody has told the person, and that nobody holds a claim on.

    `settled_before` leaves the normal path (the hook right after the analysis) its time first; `since`
    keeps a sweep from announcing old results after an outage of days.
    """
    now = now or timezone.now()
    rows = (
        PhotoAssessment.objects.filter(source=source, notified_at__isnull=True)
        .exclude(status=PhotoAssessment.Status.PENDING)
        .filter(analyzed_at__lt=settled_before, analyzed_at__gte=since)
        .filter(Q(notify_lease_until__isnull=True) | Q(notify_lease_until__lte=now))
        .order_by("analyzed_at")
        .values_list("pk", flat=True)
    )
    return list(rows[:limit])


def _run_model(photo_name: str) -> FaceAnalysis | _Failure:
    if not photo_name:
        return _Failure(PhotoAssessment.ErrorCode.PHOTO_MISSING, "the assessment has no stored photo")
    try:
        # Imported here: emotions.ml.model imports torch, which Django must not load at start-up.
        from emotions.ml.model import WeightsError
        from emotions.ml.predictor import get_predictor
    except Exception as exc:
        logger.exception("cannot import the emotion model")
        return _Failure(PhotoAssessment.ErrorCode.MODEL_UNAVAILABLE, repr(exc))
    try:
        predictor = get_predictor(settings.EMOTION_MODEL_PATH)
    except WeightsError as exc:
        logger.error("emotion model weights unusable: %s", exc)
        return _Failure(PhotoAssessment.ErrorCode.MODEL_UNAVAILABLE, repr(exc))
    except Exception as exc:
        logger.exception("cannot load the emotion model")
        return _Failure(PhotoAssessment.ErrorCode.MODEL_UNAVAILABLE, repr(exc))
    storage = PhotoAssessment._meta.get_field("photo").storage
    try:
        encoded = _stored_bytes(storage, photo_name)
        # From the encoded bytes: the predictor decodes the JPEG at a reduced scale,
        # several times cheaper than a full decode; boxes come back in full-size pixels.
        return predictor.analyze_file(encoded)
    except FileNotFoundError as exc:
        return _Failure(PhotoAssessment.ErrorCode.PHOTO_MISSING, repr(exc))
    except Exception as exc:
        logger.exception("analysis of %s failed", photo_name)
        return _Failure(PhotoAssessment.ErrorCode.ANALYSIS_ERROR, repr(exc))


def _message_for(assessment: PhotoAssessment, code: str) -> str:
    # Written in the person's own language where they chose one; pages re-translate from
    # the code anyway, this text is what the API, the bot and the admin see.
    language = getattr(assessment.user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        return str(ERROR_MESSAGES[code])


def _assessment_store_analysis(assessment: PhotoAssessment, analysis: FaceAnalysis) -> None:
    assessment.analyzed_at = timezone.now()
    assessment.faces_found = analysis.faces_found
    assessment.model_version = analysis.model_version[:64]
    if analysis.faces_found == 0 or analysis.label is None or analysis.probabilities is None:
        code = (
            PhotoAssessment.ErrorCode.TOO_DARK
            if analysis.brightness < DARK_BRIGHTNESS
            else PhotoAssessment.ErrorCode.NO_FACE
        )
        assessment.status = PhotoAssessment.Status.NO_FACE
        assessment.error_code = code
        assessment.error = _message_for(assessment, code)
        return
    assessment.status = PhotoAssessment.Status.DONE
    assessment.probabilities = {name: float(value) for name, value in analysis.probabilities.items()}
    assessment.label = analysis.label
    assessment.valence = analysis.valence or ""
    # Rounding in the model can push a sum of probabilities a hair past 1.
    assessment.negativity = min(1.0, max(0.0, float(analysis.negativity or 0.0)))
    assessment.face_box = list(analysis.face_box) if analysis.face_box else None
    assessment.error = assessment.error_code = assessment.error_detail = ""


def _assessment_mark_failed(assessment: PhotoAssessment, *, code: str, detail: str) -> None:
    assessment.analyzed_at = timezone.now()
    assessment.status = PhotoAssessment.Status.FAILED
    assessment.error_code = code
    assessment.error = _message_for(assessment, code)
    assessment.error_detail = detail[:2000]


def _photo_release(assessment: PhotoAssessment) -> None:
    """Apply the retention rule to an assessment whose analysis is over (saved by the caller)."""
    if not assessment.photo:
        return
    days = settings.PHOTO_RETENTION_DAYS
    if days > 0:
        assessment.photo_delete_after = timezone.now() + timedelta(days=days)
        return
    _photo_forget(assessment)


def _photo_forget(assessment: PhotoAssessment) -> None:
    name = assessment.photo.name
    storage = assessment.photo.storage
    assessment.photo = None
    assessment.photo_delete_after = None
    # After the commit: a rolled-back transaction must not leave a row pointing to a deleted file.
    transaction.on_commit(partial(_storage_delete, storage, name))


def _storage_delete(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("could not delete photo file %s", name, exc_info=True)


def photo_purge_expired(*, now: datetime | None = None) -> int:
    """Delete the raw photos whose retention period is over; returns how many were deleted."""
    now = now or timezone.now()
    due = PhotoAssessment.objects.filter(photo_delete_after__lte=now).values_list("pk", flat=True)
    return _each_locked(list(due), lambda a: a.photo_delete_after is not None and a.photo_delete_after <= now, _purge)


def _purge(assessment: PhotoAssessment) -> None:
    if assessment.photo:
        _photo_forget(assessment)
    assessment.photo_delete_after = None


def assessment_fail_stale(*, older_than: timedelta = ANALYSIS_STALE_AFTER, now: datetime | None = None) -> int:
    """Fail the assessments still pending long after their upload; returns how many."""
    cutoff = (now or timezone.now()) - older_than
    stale = PhotoAssessment.objects.filter(status=PhotoAssessment.Status.PENDING, created_at__lt=cutoff)

    def fail(assessment: PhotoAssessment) -> None:
        _assessment_mark_failed(
            assessment,
            code=PhotoAssessment.ErrorCode.TIMED_OUT,
            detail=f"still pending at the stale sweep (created {assessment.created_at.isoformat()})",
        )
        _photo_release(assessment)

    return _each_locked(
        list(stale.values_list("pk", flat=True)),
        lambda a: a.status == PhotoAssessment.Status.PENDING,
        fail,
    )


def _each_locked(
    ids: list[int],
    still_applies: Callable[[PhotoAssessment], bool],
    change: Callable[[PhotoAssessment], None],
) -> int:
    """Apply `change` to each row in its own short transaction, re-checked under the row lock."""
    changed = 0
    for pk in ids:
        with transaction.atomic():
            assessment = PhotoAssessment.objects.select_for_update().filter(pk=pk).first()
            if assessment is None or not still_applies(assessment):
                continue
            change(assessment)
            assessment.full_clean()
            assessment.save()
            changed += 1
    return changed


def assessments_reanalyze(*, assessment_ids: Sequence[int], threads: int = 1) -> int:
    """Re-score finished assessments whose photos were retained, with the deployed model; returns how many.

    Used after a model upgrade, many photos at a time: each chunk is decoded in parallel and its faces
    go through the network as one batch over `threads` cores. Pending rows belong to the normal path;
    rows without a photo cannot be re-scored; a row already scored by this model version is left alone,
    so re-running a bulk re-score is harmless. A photo that fails keeps its old result.
    """
    from emotions.ml.predictor import get_predictor  # imports torch: never at Django start-up

    predictor = get_predictor(settings.EMOTION_MODEL_PATH)
    ids = list(assessment_ids)
    return sum(
        _reanalyze_chunk(predictor, ids[start : start + REANALYZE_CHUNK], threads)
        for start in range(0, len(ids), REANALYZE_CHUNK)
    )


def _reanalyze_chunk(predictor: Predictor, ids: list[int], threads: int) -> int:
    names = _retained_photo_names(ids)
    storage = PhotoAssessment._meta.get_field("photo").storage
    # Each photo is read by the thread that decodes it: a chunk never holds all its photos in memory.
    sources = [partial(_stored_bytes, storage, name) for name in names.values()]
    analyses: dict[int, FaceAnalysis] = {}
    for pk, outcome in zip(names, predictor.analyze_files(sources, threads=threads), strict=True):
        if isinstance(outcome, Exception):  # unreadable, gone from the storage, not an image any more
            logger.warning("re-scoring assessment %s failed, its old result stays: %r", pk, outcome)
        else:
            analyses[pk] = outcome
    # The model ran outside any transaction; each row is re-checked under its lock before it changes.
    return _each_locked(
        list(analyses),
        lambda a: (
            bool(a.photo)
            and a.status != PhotoAssessment.Status.PENDING
            and a.model_version != analyses[a.pk].model_version[:64]
        ),
        lambda a: _assessment_store_analysis(a, analyses[a.pk]),
    )


def _retained_photo_names(ids: list[int]) -> dict[int, str]:
    """The stored photo names of those finished rows that still keep one, by primary key."""
    rows = PhotoAssessment.objects.rescorable().filter(pk__in=ids).order_by("pk").values_list("pk", "photo")
    return dict(rows)


def _stored_bytes(storage: Storage, name: str) -> bytes:
    with storage.open(name, "rb") as stored:
        return stored.read()


# --- consent withdrawal and personal data (registered in emotions.apps) -----------------------------------


def _assessment_stop_for_withdrawal(assessment: PhotoAssessment) -> None:
    _assessment_mark_failed(
        assessment,
        code=PhotoAssessment.ErrorCode.CONSENT_WITHDRAWN,
        detail="processing consent withdrawn before the analysis",
    )
    if assessment.photo:
        # Whatever the retention setting: without consent we keep no raw photo.
        _photo_forget(assessment)


def assessment_stop_for_user(*, user: User) -> int:
    """On withdrawal of processing consent: fail the pending analyses and drop every retained photo.

    The results already computed stay (the person may still export them, or erase them with the account).
    """
    pending = list(
        PhotoAssessment.objects.filter(user=user, status=PhotoAssessment.Status.PENDING).values_list("pk", flat=True)
    )
    stopped = _each_locked(
        pending, lambda a: a.status == PhotoAssessment.Status.PENDING, _assessment_stop_for_withdrawal
    )
    retained = list(PhotoAssessment.objects.with_retained_photo().filter(user=user).values_list("pk", flat=True))
    _each_locked(retained, lambda a: bool(a.photo), _purge)
    task_queue_forget(func=ANALYZE_TASK, ids=pending)
    return stopped


def assessment_export_rows(user: User) -> list[dict[str, object]]:
    return [
        {
            "id": row.pk,
            "source": row.source,
            "captured_at": row.captured_at,
            "status": row.status,
            "label": row.label,
            "valence": row.valence,
            "negativity": row.negativity,
            "probabilities": row.probabilities,
            "faces_found": row.faces_found,
            "face_box": row.face_box,
            "model_version": row.model_version,
            "error": row.user_message(),
            "photo_retained": bool(row.photo),
        }
        for row in PhotoAssessment.objects.filter(user=user).order_by("captured_at", "id")
    ]


def assessment_export_files(user: User) -> list[tuple[str, object]]:
    rows = PhotoAssessment.objects.with_retained_photo().filter(user=user)
    return [(f"{row.pk}.{row.photo.name.rsplit('.', 1)[-1]}", row.photo) for row in rows]


def assessment_erase_for_user(user: User) -> None:
    """Erasure: every assessment of the person, its photo file and its queued or recorded analysis task."""
    rows = list(PhotoAssessment.objects.filter(user=user).only("id", "photo"))
    task_queue_forget(func=ANALYZE_TASK, ids=[row.pk for row in rows])
    for row in rows:
        if row.photo:
            transaction.on_commit(partial(_storage_delete, row.photo.storage, row.photo.name))
    PhotoAssessment.objects.filter(user=user).delete()


# --- self-reports and questionnaires -----------------------------------------------------------------------


class SelfReportRejected(Refusal):
    """A self-report we will not store; `field` is the input it is about."""

    def __init__(self, code: str, message: str, *, field: str = "assessment") -> None:
        super().__init__(code, message)
        self.field = field


@transaction.atomic
def self_report_create(
    *,
    user: User,
    mood: int,
    note: str = "",
    assessment: PhotoAssessment | int | None = None,
    source: str,
    source_key: str = "",
    at: datetime | None = None,
    is_demo: bool = False,
) -> SelfReport:
    """Store how the person feels (1-5), optionally as the answer to one of their own photos.

    `assessment` may be a row or an id (the API and the bot hold ids); someone else's photo is
    refused with the same words as a missing one, so ids reveal nothing.

    `source_key` names the channel's message whose buttons gave the rating (Telegram: "chat:message"):
    one rating per message. A second one is refused as `already_saved`, whether it comes after the
    first or at the same moment (then the unique constraint stops it).
    """
    assessment_row: PhotoAssessment | None = None
    if assessment is not None:
        assessment_id = assessment.pk if isinstance(assessment, PhotoAssessment) else assessment
        assessment_row = PhotoAssessment.objects.filter(user=user, pk=assessment_id).first()
        if assessment_row is None:
            raise SelfReportRejected("assessment_not_found", str(SELF_REPORT_ASSESSMENT_NOT_FOUND))
    report = SelfReport(
        user=user,
        mood=mood,
        note=(note or "").strip(),
        assessment=assessment_row,
        source=source,
        source_key=source_key,
        at=at or timezone.now(),
        is_demo=is_demo,
    )
    try:
        report.full_clean()
    except ValidationError as exc:
        _self_report_refuse_if_answered(report)
        field, messages = next(iter(exc.message_dict.items()))
        raise SelfReportRejected("invalid", messages[0], field=field) from exc
    try:
        # A savepoint: the caller's transaction stays usable after a lost race.
        with transaction.atomic():
            report.save()
    except IntegrityError:
        _self_report_refuse_if_answered(report)
        raise
    return report


def _self_report_refuse_if_answered(report: SelfReport) -> None:
    """Refuse a rating of a message that already has one (the constraint's case, told in words)."""
    if report.source_key and SelfReport.objects.filter(source=report.source, source_key=report.source_key).exists():
        raise SelfReportRejected("already_saved", str(SELF_REPORT_ALREADY_SAVED))


def self_report_export_rows(user: User) -> list[dict[str, object]]:
    return [
        {
            "id": row.pk,
            "at": row.at,
            "mood": row.mood,
            "note": row.note,
            "assessment_id": row.assessment_id,
            "source": row.source,
        }
        for row in SelfReport.objects.filter(user=user).order_by("at", "id")
    ]


def self_report_erase_for_user(user: User) -> None:
    SelfReport.objects.filter(user=user).delete()


def cbi_score(*, answers: dict[str, str]) -> float:
    """The scale score: the mean of the six items' points (100/75/50/25/0). Every item must be answered."""
    missing = [item for item in CBI_ITEM_KEYS if item not in answers]
    unknown = [key for key in answers if key not in CBI_ITEM_KEYS]
    bad = [item for item in CBI_ITEM_KEYS if item in answers and answers[item] not in CBI_ANSWER_POINTS]
    if missing or unknown or bad:
        raise QuestionnaireRejected("invalid", _("Please answer every question with one of the offered answers."))
    return sum(CBI_ANSWER_POINTS[answers[item]] for item in CBI_ITEM_KEYS) / len(CBI_ITEM_KEYS)


class QuestionnaireRejected(Refusal):
    """Answers that do not make a questionnaire (a missing or unknown answer)."""


@transaction.atomic
def questionnaire_cbi_create(
    *, user: User, answers: dict[str, str], at: datetime | None = None, is_demo: bool = False
) -> QuestionnaireResponse:
    score = cbi_score(answers=answers)
    response = QuestionnaireResponse(
        user=user,
        instrument=QuestionnaireResponse.Instrument.CBI_PERSONAL,
        answers={item: answers[item] for item in CBI_ITEM_KEYS},
        score=score,
        at=at or timezone.now(),
        is_demo=is_demo,
    )
    response.full_clean()
    response.save()
    return response


def questionnaire_export_rows(user: User) -> list[dict[str, object]]:
    return [
        {"id": row.pk, "instrument": row.instrument, "at": row.at, "score": row.score, "answers": row.answers}
        for row in QuestionnaireResponse.objects.filter(user=user).order_by("at", "id")
    ]


def questionnaire_erase_for_user(user: User) -> None:
    QuestionnaireResponse.objects.filter(user=user).delete()


# --- burnout flags ---------------------------------------------------------------------------------------------


@transaction.atomic
def burnout_flags_evaluate(*, user: User, now: datetime | None = None) -> list[BurnoutFlag]:
    """Raise the rules that started to hold, clear those that stopped; returns the flags raised now.

    A rule that keeps holding keeps its open flag: one episode, one message to the psychologist.
    """
    from emotions.burnout import burnout_rule_states

    now = now or timezone.now()
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


def burnout_flags_evaluate_all(*, now: datetime | None = None) -> int:
    """Every patient with photos or questionnaire answers, or with a flag still open."""
    from accounts.models import User as UserModel

    people = UserModel.objects.filter(role=UserModel.Role.PATIENT).filter(
        Exists(PhotoAssessment.objects.filter(user=OuterRef("pk")))
        | Exists(QuestionnaireResponse.objects.filter(user=OuterRef("pk")))
        | Exists(BurnoutFlag.objects.filter(user=OuterRef("pk"), cleared_at=None))
    )
    return sum(len(burnout_flags_evaluate(user=person, now=now)) for person in people.iterator())


def _burnout_flags_notify(user_id: int, flag_ids: list[int]) -> None:
    """Alert each psychologist the person shares with now: by the channel they chose, e-mail by default."""
    flags = list(BurnoutFlag.objects.filter(pk__in=flag_ids, user_id=user_id))
    # Not while the person has withdrawn the processing consent: that pauses what psychologists see and hear.
    links = list(care_links_visible().filter(patient_id=user_id).select_related("psychologist", "patient"))
    if not flags or not links:
        return
    taken = _burnout_alerts_taken_over(links=links, flags=flags)
    for link in links:
        if link.pk not in taken:
            burnout_alert_email(link=link, flags=flags)


def _burnout_alerts_taken_over(*, links: list[CareLink], flags: list[BurnoutFlag]) -> set[int]:
    """The links whose alert another channel (a receiver of burnout_flags_raised) has taken over."""
    taken: set[int] = set()
    for receiver, response in burnout_flags_raised.send_robust(sender=BurnoutFlag, links=links, flags=flags):
        if isinstance(response, Exception):
            logger.error("Burnout alert receiver %r failed: e-mail instead", receiver, exc_info=response)
            continue
        taken.update(response or ())
    return taken


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


def burnout_flag_export_rows(user: User) -> list[dict[str, object]]:
    return [
        {"id": row.pk, "rule": row.rule, "raised_at": row.raised_at, "cleared_at": row.cleared_at, "value": row.value}
        for row in BurnoutFlag.objects.filter(user=user).order_by("raised_at", "id")
    ]


def burnout_flag_erase_for_user(user: User) -> None:
    BurnoutFlag.objects.filter(user=user).delete()
