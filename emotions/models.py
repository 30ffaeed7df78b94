"""Emotion assessments: one row per photo a person sends, whatever the channel."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Channel
from emotions.confidence import (
    CONFIDENCE_LEVEL_NAMES,
    UNSURE,
    confidence_is_calibrated,
    confidence_level,
    counted_q,
    unsure_q,
)
from emotions.ml.labels import CLASSES

# Display names for the model's class names. The keys are the stored values (and the
# JSON keys of `probabilities`), so they must stay equal to emotions.ml.labels.CLASSES.
EMOTION_NAMES: dict[str, Any] = {
    "angry": pgettext_lazy("emotion", "Angry"),
    "disgust": pgettext_lazy("emotion", "Disgust"),
    "fear": pgettext_lazy("emotion", "Fear"),
    "happy": pgettext_lazy("emotion", "Happy"),
    "sad": pgettext_lazy("emotion", "Sad"),
    "surprise": pgettext_lazy("emotion", "Surprise"),
    "neutral": pgettext_lazy("emotion", "Neutral"),
}
assert tuple(EMOTION_NAMES) == CLASSES, "EMOTION_NAMES must follow the model's class order"

# Said wherever an unsure reading is shown (result page, bot reply): kept, listed, not counted.
UNSURE_NOT_COUNTED = _(
    "The model is unsure about this photo: it stays in your list but is not counted in your shares, charts or alerts."
)

RETAKE_HINT = _("Face the camera in good light, with your whole face in the frame and no sunglasses.")

# What the person reads for each error code. Kept lazy so that a page shows the message in
# the reader's language, whatever language the worker wrote `error` in.
ERROR_MESSAGES: dict[str, Any] = {
    "no_face": format_lazy("{} {}", _("We could not find a face in this photo."), RETAKE_HINT),
    "too_dark": format_lazy("{} {}", _("The photo is too dark to find a face."), RETAKE_HINT),
    "photo_missing": _("The photo was lost before it could be analysed. Please send it again."),
    "model_unavailable": _("The emotion model is not available right now. Please try again later."),
    "analysis_error": _("Something went wrong while analysing this photo. Please try again later."),
    "timed_out": _("The analysis took too long and was stopped. Please send the photo again."),
    "consent_withdrawn": _("This photo was not analysed because you withdrew your consent to processing."),
}


def photo_upload_to(instance: PhotoAssessment, filename: str) -> str:
    # A random name: the original file name can carry a person's name or a date, and
    # sequential names would let anyone who sees one URL guess the others.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"photos/{uuid.uuid4().hex}.{suffix}"


class PhotoAssessmentQuerySet(models.QuerySet["PhotoAssessment"]):
    def with_retained_photo(self) -> PhotoAssessmentQuerySet:
        """Rows whose raw photo is still stored (an empty name and a null both mean it was deleted)."""
        return self.exclude(photo="").exclude(photo__isnull=True)

    def rescorable(self) -> PhotoAssessmentQuerySet:
        """Finished rows that still have their photo: what a new model version can re-score."""
        return self.with_retained_photo().exclude(status=PhotoAssessment.Status.PENDING)

    def counted(self) -> PhotoAssessmentQuerySet:
        """The readings shares, charts and burnout rules count: finished and not unsure (emotions.confidence)."""
        return self.filter(counted_q())

    def unsure(self) -> PhotoAssessmentQuerySet:
        """Finished readings too unsure to count: kept and listed, left out of every share."""
        return self.filter(unsure_q())


class PhotoAssessment(models.Model):
    """The emotion estimated on one face photo.

    The raw photo lives only until the worker has analysed it (unless retention is
    configured); what stays is the prediction, which is what the dynamics pages need.
    """

    # The entry channels, declared once (accounts.models.Channel, also the consent events' channel).
    Source = Channel

    class Status(models.TextChoices):
        PENDING = "pending", _("Being analysed")
        DONE = "done", _("Done")
        NO_FACE = "no_face", _("No face found")
        FAILED = "failed", _("Failed")

    class Valence(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEUTRAL = "neutral", _("Neutral")
        NEGATIVE = "negative", _("Negative")

    class ErrorCode(models.TextChoices):
        NO_FACE = "no_face", _("No face found")
        TOO_DARK = "too_dark", _("Too dark")
        PHOTO_MISSING = "photo_missing", _("Photo missing")
        MODEL_UNAVAILABLE = "model_unavailable", _("Model unavailable")
        ANALYSIS_ERROR = "analysis_error", _("Analysis error")
        TIMED_OUT = "timed_out", _("Timed out")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="photo_assessments",
        verbose_name=_("user"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.WEB)
    # When the person took (or sent) the photo; the charts bucket by this, not by
    # created_at, so that a backlog processed late still lands on the right day.
    captured_at = models.DateTimeField(_("captured at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    analyzed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)

    probabilities = models.JSONField(_("probabilities"), null=True, blank=True)
    label = models.CharField(_("emotion"), max_length=16, blank=True, choices=list(EMOTION_NAMES.items()))
    valence = models.CharField(_("valence"), max_length=16, blank=True, choices=Valence.choices)
    # The summed probability of the negative classes on this one photo: its "negative tone". Not the
    # "negative" of the charts, which is the share of readings whose top emotion is negative.
    negativity = models.FloatField(_("negative tone"), null=True, blank=True)
    # The top emotion's probability (emotions.confidence); null until a face was analysed.
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    face_box = models.JSONField(_("face box"), null=True, blank=True)
    faces_found = models.PositiveSmallIntegerField(_("faces found"), default=0)
    model_version = models.CharField(_("model version"), max_length=64, blank=True)

    photo = models.FileField(_("photo"), upload_to=photo_upload_to, null=True, blank=True, max_length=200)
    photo_delete_after = models.DateTimeField(_("delete photo after"), null=True, blank=True)

    # `error` is the message shown to the person, in the words of the moment it was written;
    # `error_code` lets pages show it again in the reader's own language; `error_detail` is
    # the technical reason, for staff only (an exception text can reveal internals).
    error = models.TextField(_("message"), blank=True)
    error_code = models.CharField(_("error code"), max_length=32, blank=True, choices=ErrorCode.choices)
    error_detail = models.TextField(_("technical detail"), blank=True)

    is_demo = models.BooleanField(_("demo data"), default=False)

    # Durable analysis whatever the broker (a Redis queue loses a task whose worker dies): the sweep
    # re-queues a pending row that made no progress for ANALYSIS_REQUEUE_AFTER_SECONDS, and fails it,
    # with a message for the person, only after ANALYSIS_MAX_ATTEMPTS workers started it and none finished.
    analysis_attempts = models.PositiveSmallIntegerField(_("analysis attempts"), default=0)
    analysis_queued_at = models.DateTimeField(_("analysis queued at"), null=True, blank=True)
    analysis_started_at = models.DateTimeField(_("analysis started at"), null=True, blank=True)
    # The entry channel's own id of the upload (e.g. a Telegram chat and message): handling the same
    # message twice after a crash finds the row it made the first time instead of making a second one.
    source_key = models.CharField(_("source key"), max_length=64, blank=True, default="")
    # When the entry channel told the person the outcome (a Telegram reply), and until when one sender
    # holds the right to try: the channel's sweep sends what is missing, exactly once.
    notified_at = models.DateTimeField(_("person notified at"), null=True, blank=True)
    notify_lease_until = models.DateTimeField(_("notification claimed until"), null=True, blank=True)
    notify_attempts = models.PositiveSmallIntegerField(_("notification attempts"), default=0)

    objects = PhotoAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo assessment")
        verbose_name_plural = _("photo assessments")
        ordering = ("-captured_at", "-id")
        indexes = [
            models.Index(fields=["user", "captured_at"], name="emotions_pa_user_captured"),
            # The retention purge looks only at rows whose photo still waits for deletion.
            # The sweeps look only at rows still pending, or finished and not yet told to the person.
            models.Index(
                fields=["status", "created_at"],
                name="emotions_pa_pending",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["source", "analyzed_at"],
                name="emotions_pa_unnotified",
                condition=models.Q(notified_at__isnull=True) & ~models.Q(status="pending"),
            ),
            models.Index(
                fields=["photo_delete_after"],
                name="emotions_pa_photo_delete",
                condition=models.Q(photo_delete_after__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(negativity__isnull=True) | models.Q(negativity__gte=0, negativity__lte=1),
                name="emotions_pa_negativity_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__isnull=True) | models.Q(confidence__gte=0, confidence__lte=1),
                name="emotions_pa_confidence_0_1",
            ),
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=~models.Q(source_key=""),
                name="emotions_pa_one_per_source_key",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.user_id} {self.status} {self.captured_at:%Y-%m-%d %H:%M}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def label_display(self) -> str:
        return str(EMOTION_NAMES.get(self.label, self.label))

    def user_message(self) -> str:
        """The message for the person, in the current language when its code is known."""
        message = ERROR_MESSAGES.get(self.error_code)
        return str(message) if message is not None else self.error

    @property
    def negativity_percent(self) -> int | None:
        return None if self.negativity is None else round(self.negativity * 100)

    @property
    def confidence_percent(self) -> int | None:
        return None if self.confidence is None else round(self.confidence * 100)

    @property
    def confidence_level(self) -> str | None:
        """sure / fairly_sure / unsure for a finished reading (emotions.confidence decides); None otherwise."""
        return confidence_level(self.confidence) if self.status == self.Status.DONE else None

    @property
    def confidence_level_display(self) -> str:
        level = self.confidence_level
        return "" if level is None else str(CONFIDENCE_LEVEL_NAMES[level])

    @property
    def is_unsure(self) -> bool:
        return self.confidence_level == UNSURE

    @property
    def confidence_calibrated(self) -> bool:
        return confidence_is_calibrated(self.model_version)

    def probability_rows(self) -> list[tuple[str, str, float, int]]:
        """(class name, display name, probability, whole percent) in the model's class order."""
        probabilities = self.probabilities or {}
        rows = []
        for name in CLASSES:
            probability = float(probabilities.get(name, 0.0))
            rows.append((name, str(EMOTION_NAMES[name]), probability, round(probability * 100)))
        return rows


class AssessmentFeedback(models.Model):
    """The person's answer to "Was this right?" about one finished reading: the emotion they say it shows.

    One per assessment, changed in place (emotions/services/feedback.py). `model_label` is the reading the
    person judged, kept so that re-scoring with a new model version does not turn an old "right" into a
    "wrong": a label equal to it means "right" (`agrees`).
    """

    assessment = models.OneToOneField(
        PhotoAssessment, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("photo assessment")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assessment_feedback",
        verbose_name=_("given by"),
    )
    label = models.CharField(_("emotion"), max_length=16, choices=list(EMOTION_NAMES.items()))
    model_label = models.CharField(_("reading"), max_length=16, choices=list(EMOTION_NAMES.items()))
    source = models.CharField(_("source"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reading feedback")
        verbose_name_plural = _("reading feedback")
        constraints = [
            models.CheckConstraint(condition=models.Q(label__in=CLASSES), name="emotions_af_label_known"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} assessment {self.assessment_id}: {self.label} (read {self.model_label})"

    @property
    def agrees(self) -> bool:
        return self.label == self.model_label

    @property
    def label_display(self) -> str:
        return str(EMOTION_NAMES.get(self.label, self.label))


class ModelVersionSummary(PhotoAssessment):
    """Admin-only view of assessment counts per model version and status (emotions/admin.py)."""

    class Meta:
        proxy = True
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")


class SelfReport(models.Model):
    """How the person says they feel, on a 1-5 scale: the ground truth the photo estimates are compared with."""

    # The entry channels, declared once (accounts.models.Channel, also the consent events' channel).
    Source = Channel

    MOOD_MIN, MOOD_MAX = 1, 5
    NOTE_MAX_LENGTH = 1000

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_reports", verbose_name=_("user")
    )
    at = models.DateTimeField(_("reported at"), default=timezone.now)
    mood = models.PositiveSmallIntegerField(
        _("mood"), validators=[MinValueValidator(MOOD_MIN), MaxValueValidator(MOOD_MAX)]
    )
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)
    # The photo this rating answers; SET_NULL so that deleting one photo keeps the person's rating.
    assessment = models.ForeignKey(
        PhotoAssessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="self_reports",
        verbose_name=_("photo assessment"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.WEB)
    # The entry channel's own id of the message whose buttons gave this rating (Telegram: "chat:message").
    # Unique per source, so a second tap on the same buttons, in sequence or at once, stores nothing.
    source_key = models.CharField(_("source key"), max_length=64, blank=True, default="")
    is_demo = models.BooleanField(_("demo data"), default=False)
    # Optional factors beside the rating (emotions/selectors/factors.py ranks them against mood and photos).
    sleep_hours = models.DecimalField(
        _("sleep (hours)"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    workload = models.PositiveSmallIntegerField(
        _("workload (1-5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    tags = models.ManyToManyField("emotions.FactorTag", blank=True, related_name="self_reports", verbose_name=_("tags"))

    class Meta:
        verbose_name = _("mood self-report")
        verbose_name_plural = _("mood self-reports")
        ordering = ("-at", "-id")
        indexes = [models.Index(fields=["user", "at"], name="emotions_sr_user_at")]
        constraints = [
            models.CheckConstraint(condition=models.Q(mood__gte=1, mood__lte=5), name="emotions_sr_mood_1_5"),
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=~models.Q(source_key=""),
                name="emotions_sr_one_per_source_key",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.user_id} mood {self.mood} {self.at:%Y-%m-%d %H:%M}"


class QuestionnaireResponse(models.Model):
    """One completed questionnaire (today only the CBI personal-burnout scale); the history is kept."""

    class Instrument(models.TextChoices):
        CBI_PERSONAL = "cbi_personal", _("Copenhagen Burnout Inventory, personal burnout")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="questionnaire_responses",
        verbose_name=_("user"),
    )
    instrument = models.CharField(
        _("questionnaire"), max_length=32, choices=Instrument.choices, default=Instrument.CBI_PERSONAL
    )
    # Item key -> answer key ("always", "often", ...): the scoring can be re-run if it is ever corrected.
    answers = models.JSONField(_("answers"))
    score = models.FloatField(_("score"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    at = models.DateTimeField(_("answered at"), default=timezone.now)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        ordering = ("-at", "-id")
        indexes = [models.Index(fields=["user", "instrument", "at"], name="emotions_qr_user_instr_at")]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100), name="emotions_qr_score_0_100"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.user_id} {self.instrument} {self.score:.0f} {self.at:%Y-%m-%d}"


SELF_REPORT_ASSESSMENT_NOT_FOUND = _("No such photo among yours: a mood can only answer one of your own photos.")
SELF_REPORT_ALREADY_SAVED = _("Your mood for this message is already saved.")

# The Copenhagen Burnout Inventory, personal-burnout scale (Kristensen et al., 2005; free to use).
# Item keys are stored in the answers; the texts are shown in the reader's language.
CBI_ITEMS: dict[str, Any] = {
    "tired": _("How often do you feel tired?"),
    "physically_exhausted": _("How often are you physically exhausted?"),
    "emotionally_exhausted": _("How often are you emotionally exhausted?"),
    "cant_take_it": _("How often do you think: “I can’t take it anymore”?"),  # noqa: RUF001
    "worn_out": _("How often do you feel worn out?"),
    "weak_ill": _("How often do you feel weak and susceptible to illness?"),
}
CBI_ITEM_KEYS: tuple[str, ...] = tuple(CBI_ITEMS)
CBI_ANSWERS: dict[str, Any] = {
    "always": _("Always"),
    "often": _("Often"),
    "sometimes": _("Sometimes"),
    "seldom": _("Seldom"),
    "never": _("Never / almost never"),
}
CBI_ANSWER_POINTS: dict[str, int] = {"always": 100, "often": 75, "sometimes": 50, "seldom": 25, "never": 0}


# Kept in their own modules (this one is at its size limit); imported here so that Django registers them.
from emotions.burnout_models import BurnoutFlag  # noqa: E402, F401
from emotions.clinician_models import CareSession, FlagAcknowledgement, FlagThreshold  # noqa: E402, F401
from emotions.factor_models import FactorTag  # noqa: E402, F401
from emotions.notification_models import EmailNotifications  # noqa: E402, F401
