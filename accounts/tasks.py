"""django-q2 tasks of the accounts app: thin wrappers that take ids and call services.

The dotted names are stored in queued tasks and in the schedule (migration 0004): renaming breaks them.
"""

from __future__ import annotations

from accounts import services
from accounts.models import DataExport


def build_data_export(export_id: int) -> int | None:
    """Build one "Download my data" archive; None when the export (or its account) is gone."""
    if not DataExport.objects.filter(pk=export_id).exists():
        return None
    services.data_export_build(export_id=export_id)
    return export_id


def purge_expired_exports() -> int:
    """Daily: delete archives whose download link has expired."""
    return services.data_export_purge_expired()
