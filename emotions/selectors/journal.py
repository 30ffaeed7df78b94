"""The journal: everything the person recorded (photo readings, mood ratings, questionnaire answers) as one
list, newest first, a page at a time, filtered by kind and by days of their time zone.

The three kinds live in three tables, so a page is cut by a keyset: each table gives at most `size + 1` rows
beyond the position (its time, its kind's rank, its id), and the merge keeps the first `size`. Three short
queries per page whatever the history's length, stable while new entries arrive (as the API's cursors are).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from burnout_site.api.pagination import CURSOR_INVALID_MESSAGE
from burnout_site.errors import Refusal
from emotions.models import PhotoAssessment, QuestionnaireResponse, SelfReport
from emotions.selectors.periods import _on_days, user_tzinfo_get

if TYPE_CHECKING:
    from accounts.models import User

# The journal's kinds, as the API's `kind` filter, the page's links and the audit detail name them.
KIND_ASSESSMENT = "assessment"
KIND_SELF_REPORT = "self_report"
KIND_QUESTIONNAIRE = "questionnaire"
JOURNAL_KINDS = (KIND_ASSESSMENT, KIND_SELF_REPORT, KIND_QUESTIONNAIRE)
JOURNAL_KIND_CHOICES = [(kind, kind) for kind in JOURNAL_KINDS]  # the API's enum (settings' ENUM_NAME_OVERRIDES)
JOURNAL_PAGE_SIZE = 20
JOURNAL_CURSOR_SALT = "emotions.journal.cursor"
# kind -> (model, its time field, rank among rows of the same moment: the order is fixed, never ambiguous)
_SOURCES: dict[str, tuple[type[Model], str, int]] = {
    KIND_ASSESSMENT: (PhotoAssessment, "captured_at", 0),
    KIND_SELF_REPORT: (SelfReport, "at", 1),
    KIND_QUESTIONNAIRE: (QuestionnaireResponse, "at", 2),
}


@dataclass(frozen=True)
class JournalPosition:
    """A place in the journal: just after (`older`) or just before (`newer`) this entry."""

    at: datetime
    kind: str
    id: int
    older: bool = True

    def encode(self) -> str:
        payload = {"t": self.at.isoformat(), "k": self.kind, "i": self.id, "o": self.older}
        return signing.Signer(salt=JOURNAL_CURSOR_SALT).sign_object(payload)

    @classmethod
    def decode(cls, cursor: str) -> JournalPosition:
        """The position a page link names; a forged or damaged one is refused (`invalid`, field `cursor`)."""
        try:
            payload = signing.Signer(salt=JOURNAL_CURSOR_SALT).unsign_object(cursor)
            position = cls(
                at=datetime.fromisoformat(payload["t"]),
                kind=str(payload["k"]),
                id=int(payload["i"]),
                older=bool(payload["o"]),
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise Refusal("invalid", str(CURSOR_INVALID_MESSAGE), field="cursor") from None
        if position.kind not in _SOURCES:
            raise Refusal("invalid", str(CURSOR_INVALID_MESSAGE), field="cursor")
        return position


@dataclass(frozen=True)
class JournalEntry:
    kind: str
    row: Any  # PhotoAssessment, SelfReport or QuestionnaireResponse, as `kind` says

    @property
    def id(self) -> int:
        return int(self.row.pk)

    @property
    def at(self) -> datetime:
        return self.row.captured_at if self.kind == KIND_ASSESSMENT else self.row.at

    @property
    def sort_key(self) -> tuple[datetime, int, int]:
        return (self.at, _SOURCES[self.kind][2], self.id)

    def position(self, *, older: bool) -> JournalPosition:
        return JournalPosition(at=self.at, kind=self.kind, id=self.id, older=older)


@dataclass(frozen=True)
class JournalPage:
    entries: list[JournalEntry]
    older: JournalPosition | None  # where the next (older) page starts, when there is one
    newer: JournalPosition | None  # where the previous (newer) page ends, when there is one


def _beyond(kind: str, position: JournalPosition) -> Q:
    """Rows of `kind` strictly past `position` in the direction it points (older or newer)."""
    _model, field, rank = _SOURCES[kind]
    _m, _f, position_rank = _SOURCES[position.kind]
    past, same_or_past = ("lt", "lte") if position.older else ("gt", "gte")
    if rank == position_rank:
        return Q(**{f"{field}__{past}": position.at}) | Q(**{field: position.at, f"pk__{past}": position.id})
    # At the same moment a lower rank sorts older: it is past an older-pointing position, not a newer-pointing one.
    rank_is_past = rank < position_rank if position.older else rank > position_rank
    return Q(**{f"{field}__{same_or_past if rank_is_past else past}": position.at})


def _rows(
    *,
    user: User,
    kind: str,
    first_day: date | None,
    last_day: date | None,
    position: JournalPosition | None,
    limit: int,
) -> list[JournalEntry]:
    model, field, _rank = _SOURCES[kind]
    rows: QuerySet[Any] = model.objects.filter(user=user)  # type: ignore[attr-defined]
    if kind == KIND_SELF_REPORT:
        rows = rows.select_related("assessment").prefetch_related("tags")
    rows = _on_days(rows, field, user_tzinfo_get(user=user), first_day, last_day)
    newer = position is not None and not position.older
    if position is not None:
        rows = rows.filter(_beyond(kind, position))
    order = (field, "pk") if newer else (f"-{field}", "-pk")
    return [JournalEntry(kind=kind, row=row) for row in rows.order_by(*order)[:limit]]


def journal_page_get(
    *,
    user: User,
    kinds: tuple[str, ...] = JOURNAL_KINDS,
    first_day: date | None = None,
    last_day: date | None = None,
    position: JournalPosition | None = None,
    size: int = JOURNAL_PAGE_SIZE,
) -> JournalPage:
    """One page of the person's journal, newest first, from `position` (None: the newest entries)."""
    newer = position is not None and not position.older
    merged: list[JournalEntry] = []
    for kind in kinds:
        merged += _rows(user=user, kind=kind, first_day=first_day, last_day=last_day, position=position, limit=size + 1)
    merged.sort(key=lambda entry: entry.sort_key, reverse=not newer)
    more = len(merged) > size
    entries = merged[:size]
    if newer:
        entries.reverse()
    if not entries:
        return JournalPage(entries=[], older=None, newer=None)
    has_older = more if not newer else True
    has_newer = (position is not None) if not newer else more
    return JournalPage(
        entries=entries,
        older=entries[-1].position(older=True) if has_older else None,
        newer=entries[0].position(older=False) if has_newer else None,
    )


def journal_latest_entry(*, user: User) -> JournalEntry | None:
    """The person's most recent entry of any kind: what the bot's /undo offers to delete."""
    page = journal_page_get(user=user, size=1)
    return page.entries[0] if page.entries else None


def journal_entry_get(*, user: User, kind: str, entry_id: int) -> JournalEntry | None:
    """One of the person's own entries, or None (an unknown kind, someone else's id, a deleted row)."""
    if kind not in _SOURCES:
        return None
    model = _SOURCES[kind][0]
    row = model.objects.filter(user=user, pk=entry_id).first()  # type: ignore[attr-defined]
    return JournalEntry(kind=kind, row=row) if row is not None else None


def journal_entry_words(entry: JournalEntry) -> str:
    """The entry in a few words, in the current language (the API's `summary`, the bot's /undo question)."""
    row = entry.row
    if entry.kind == KIND_ASSESSMENT:
        if row.status != PhotoAssessment.Status.DONE:
            return _("Photo: %(status)s") % {"status": row.get_status_display()}
        return _("Photo: %(emotion)s, negative tone %(percent)s%%") % {
            "emotion": row.label_display,
            "percent": row.negativity_percent,
        }
    if entry.kind == KIND_SELF_REPORT:
        words = _("Mood: %(mood)s of 5") % {"mood": row.mood}
        return f"{words} ({row.note})" if row.note else words
    return _("Burnout questionnaire: %(score)s of 100") % {"score": round(row.score)}


def journal_checked_in_on(*, user: User, day: date) -> bool:
    """Whether the person sent a photo or rated their mood on this calendar day of their time zone.

    The daily reminder asks for exactly that, so it is not sent on such a day (telegram_bridge.services).
    """
    tz = user_tzinfo_get(user=user)
    photos = _on_days(PhotoAssessment.objects.filter(user=user), "captured_at", tz, day, day)
    moods = _on_days(SelfReport.objects.filter(user=user), "at", tz, day, day)
    return photos.exists() or moods.exists()
