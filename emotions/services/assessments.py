"""Assessments: create one for a validated photo, analyse it in the worker, store the outcome.

Nothing here imports torch at module level: the model is loaded lazily inside the worker (emotions.ml
imports torch). A lost task is found by the durable re-queue (`assessment_requeue_stalled`) and, long after,
by the stale sweep (`assessment_fail_stale`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from accounts.channels import channel_for_source
from accounts.models import ConsentKind
from accounts.selectors import consent_is_active
from accounts.services import consent_require
from burnout_site.storage import storage_save
from emotions.confidence import confidence_of
from emotions.heartbeat import worker_heartbeat_after_analysis
from emotions.models import ERROR_MESSAGES, PhotoAssessment
from emotions.photos import ValidatedPhoto
from emotions.services.burnout import burnout_flag_evaluate_soon
from emotions.services.retention import _each_locked, _photo_forget, _photo_release, _stored_bytes

if TYPE_CHECKING:
    from accounts.models import User
    from emotions.ml.predictor import FaceAnalysis

logger = logging.getLogger(__name__)


ANALYZE_TASK = "emotions.tasks.analyze_assessment"


# Mean grey level (0..255) under which a photo without a face is reported as too dark.
DARK_BRIGHTNESS = 40.0


# A pending row older than this has lost its task (worker killed, broker lost it, all
# retries spent): the stale sweep fails it, so that nobody watches a spinner forever.
# Well above the broker's retry cycle (Q_CLUSTER timeout 120 s, retry 300 s, 3 attempts).
ANALYSIS_STALE_AFTER = timedelta(hours=1)


@transaction.atomic
def assessment_create(
    *,
    user: User,
    photo: ValidatedPhoto,
    source: str = PhotoAssessment.Source.WEB,
    captured_at: datetime | None = None,
    source_key: str = "",
) -> PhotoAssessment:
    """A `pending` assessment with its photo; the analysis is queued once the row is committed.

    Once the analysis settles the row, the channel registered for `source` (accounts/channels.py) is
    told after that commit: how the Telegram bot answers without this app knowing about it.

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
    # A store that is down (S3 outage, full disk) refuses here, before any row exists: StorageUnavailable (503).
    storage_save(assessment.photo, f"upload.{photo.extension}", ContentFile(photo.content))
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
    transaction.on_commit(partial(_enqueue_analysis, assessment_id=assessment.pk))
    return assessment


def assessment_by_source_key(*, source: str, source_key: str) -> PhotoAssessment | None:
    """The assessment a channel already made for this upload of its own, if any."""
    if not source_key:
        return None
    return PhotoAssessment.objects.filter(source=source, source_key=source_key).first()


def _enqueue_analysis(*, assessment_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task(ANALYZE_TASK, assessment_id, group="emotions.analyze")
    except Exception:
        # The row is committed and the person is already being answered; a broker
        # outage must not turn that into an error page. The every-minute sweep queues the
        # row again (assessment_requeue_stalled) once the broker is back.
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
            _result_notify_on_commit(assessment)
            return assessment
        if not _analysis_claim(assessment):
            return assessment
        photo_name = assessment.photo.name if assessment.photo else ""

    # The model runs outside any transaction: loading it can take seconds the first
    # time, and on SQLite an open write transaction would block every upload meanwhile.
    outcome = _run_model(photo_name)
    if not isinstance(outcome, _Failure):
        worker_heartbeat_after_analysis()  # for /health/: this process has the model loaded (once a minute at most)

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
        _result_notify_on_commit(assessment)
        if assessment.status == PhotoAssessment.Status.DONE:
            burnout_flag_evaluate_soon(user_id=assessment.user_id)
    return assessment


def _result_notify_on_commit(assessment: PhotoAssessment) -> None:
    """After the commit that settled it, tell the photo's entry channel, if one is registered for its source."""
    channel = channel_for_source(source=assessment.source)
    if channel is None or channel.notify_result is None:
        return  # the web and the API read the result from the row
    transaction.on_commit(partial(_result_notify, notify=channel.notify_result, assessment_id=assessment.pk))


def _result_notify(*, notify: Callable[..., None], assessment_id: int) -> None:
    try:
        notify(assessment_id=assessment_id)
    except Exception:
        # The row is stored; the channel's own sweep (telegram_bridge.durable) tells what was not told.
        logger.exception("could not tell the result of assessment %s to its channel", assessment_id)


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
    transaction.on_commit(partial(_enqueue_analysis, assessment_id=assessment.pk))


def _run_model(photo_name: str) -> FaceAnalysis | _Failure:
    if not photo_name:
        return _Failure(PhotoAssessment.ErrorCode.PHOTO_MISSING, "the assessment has no stored photo")
    try:
        # Imported here: emotions.ml.model imports torch, which Django must not load at start-up.
        from emotions.ml.model import WeightsError
        from emotions.predictor import get_predictor
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
        # Through the storage API (a local file or an S3 object alike). Any other error of the store (an S3
        # outage) propagates: the task fails, the row stays pending with this attempt counted, and the sweep
        # queues it again once the store is back (assessment_requeue_stalled), ANALYSIS_MAX_ATTEMPTS at most.
        encoded = _stored_bytes(storage, photo_name)
    except FileNotFoundError as exc:
        return _Failure(PhotoAssessment.ErrorCode.PHOTO_MISSING, repr(exc))
    try:
        # From the encoded bytes: the predictor decodes the JPEG at a reduced scale,
        # several times cheaper than a full decode; boxes come back in full-size pixels.
        return predictor.analyze_file(encoded)
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
        assessment.confidence = None
        assessment.error_code = code
        assessment.error = _message_for(assessment, code)
        return
    assessment.status = PhotoAssessment.Status.DONE
    assessment.probabilities = {name: float(value) for name, value in analysis.probabilities.items()}
    # From the stored probabilities, by the one function the back-fill (migration 0010) also uses.
    assessment.confidence = confidence_of(assessment.probabilities)
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


def _assessment_stop_for_withdrawal(assessment: PhotoAssessment) -> None:
    _assessment_mark_failed(
        assessment,
        code=PhotoAssessment.ErrorCode.CONSENT_WITHDRAWN,
        detail="processing consent withdrawn before the analysis",
    )
    if assessment.photo:
        # Whatever the retention setting: without consent we keep no raw photo.
        _photo_forget(assessment)
