"""A PostgreSQL server that is down or going away counts as "busy" (503, retry later), other errors do not.

The real outage (a cluster stopped for 10 s under traffic) is tests/e2e/test_database_down.py; this pins the
classification it relies on, with psycopg's own exception classes wrapped as Django wraps them.
"""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError, ProgrammingError

from burnout_site.database_busy import is_database_busy


def _as_django_raises(cause: BaseException, wrapper: type[Exception] = OperationalError) -> Exception:
    try:
        raise wrapper(*cause.args) from cause
    except wrapper as exc:
        return exc


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.OperationalError("connection failed: Connection refused"),  # the server is stopped
        psycopg.OperationalError("the connection is closed"),  # it went away under an open connection
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        psycopg.errors.CannotConnectNow("the database system is starting up"),
        psycopg.errors.ConnectionFailure("connection failure"),
    ],
)
def test_an_unreachable_server_is_answered_as_busy(cause: BaseException) -> None:
    assert is_database_busy(_as_django_raises(cause))


@pytest.mark.parametrize(
    "cause, wrapper",
    [
        (psycopg.errors.InvalidPassword("password authentication failed"), OperationalError),  # configuration
        (psycopg.errors.UndefinedTable('relation "x" does not exist'), ProgrammingError),  # a bug
        (psycopg.errors.DiskFull("could not extend file"), OperationalError),  # needs an operator
    ],
)
def test_other_database_errors_stay_errors(cause: BaseException, wrapper: type[Exception]) -> None:
    assert not is_database_busy(_as_django_raises(cause, wrapper))
