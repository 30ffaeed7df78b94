"""Where each app declares the personal data it holds, for "Download my data" and "Delete my account".

accounts cannot import the apps that depend on it (emotions, telegram_bridge), yet its export and
erasure services must cover their rows and files. Each of those apps lists its sections in the Channel
it registers (accounts/channels.py) from its AppConfig.ready(); the services walk them. A new app holding
personal data adds one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .channels import channel_list

if TYPE_CHECKING:
    from django.db.models import Model
    from django.db.models.fields.files import FieldFile


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

    Each callable takes the person as a keyword (`rows(user=...)`). `rows` gives flat dicts (one CSV line
    each, JSON-serialisable values); `files` gives
    (name inside the archive, stored file) pairs; `erase` removes every row, file and queued
    task of the user, inside the caller's transaction (files go after the commit); `tasks` names
    the tasks whose arguments point at these rows.
    """

    name: str
    rows: Callable[..., list[dict[str, Any]]]
    erase: Callable[..., None]
    files: Callable[..., Iterable[tuple[str, FieldFile]]] | None = None
    tasks: tuple[TaskSubject, ...] = ()


def personal_data_sections() -> list[PersonalDataSection]:
    """Every registered channel's sections, in registration order."""
    return [section for channel in channel_list() for section in channel.personal_data]
