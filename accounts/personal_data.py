"""Where each app declares the personal data it holds, for "Download my data" and "Delete my account".

accounts cannot import the apps that depend on it (emotions, telegram_bridge), yet its export and
erasure services must cover their rows and files. Each of those apps registers a section here from
its AppConfig.ready(); the services walk the registry. A new app holding personal data adds one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.dispatch import Signal

if TYPE_CHECKING:
    from django.db.models import Model
    from django.db.models.fields.files import FieldFile

    from accounts.models import User


@dataclass(frozen=True)
class TaskSubject:
    """A django-q2 task whose first argument is the id of one of a person's rows: `field` of `model`.

    Its queued, scheduled and recorded copies go once that row is gone (accounts/task_records.py), and a
    copy that runs afterwards (still queued on Redis) leaves no record.
    """

    func: str
    model: type[Model]
    field: str = "pk"


@dataclass(frozen=True)
class PersonalDataSection:
    """One kind of personal data another app keeps.

    `rows` gives flat dicts (one CSV line each, JSON-serialisable values); `files` gives
    (name inside the archive, stored file) pairs; `erase` removes every row, file and queued
    task of the user, inside the caller's transaction (files go after the commit); `tasks` names
    the tasks whose arguments point at these rows.
    """

    name: str
    rows: Callable[[User], list[dict[str, Any]]]
    erase: Callable[[User], None]
    files: Callable[[User], Iterable[tuple[str, FieldFile]]] | None = None
    tasks: tuple[TaskSubject, ...] = ()


_SECTIONS: dict[str, PersonalDataSection] = {}


def personal_data_register(section: PersonalDataSection) -> None:
    # Keyed by name, so a second ready() (tests reloading apps) replaces rather than duplicates.
    _SECTIONS[section.name] = section


def personal_data_sections() -> list[PersonalDataSection]:
    return list(_SECTIONS.values())


# Sent inside the transaction that records a withdrawal of processing consent (sender: User class,
# kwargs: user). emotions stops the person's pending analyses on it: "stops at once" must not wait
# for the worker to notice.
processing_consent_withdrawn = Signal()
