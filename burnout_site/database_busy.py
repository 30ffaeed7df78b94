"""A locked, overloaded or briefly unreachable database answers 503 with Retry-After, never a hang or the
generic 500 page.

Unreachable: the PostgreSQL server is stopped, restarting or has dropped the connection (a fail-over, a
restart for an upgrade). Like a lock, that is over in seconds, and asking again is the right thing to do;
tests/e2e/test_database_down.py stops a real server for 10 s to show it.

The database waits at most DATABASE_LOCK_TIMEOUT_MS for a lock and DATABASE_STATEMENT_TIMEOUT_MS for a
statement (settings.py); past that the query raises OperationalError. Here that one kind of failure becomes
an answer the client can act on: JSON under /api/ (the API's error shape, code `service_unavailable`), JSON
for the Telegram webhook (so that Telegram delivers the update again: it was not stored), a short page on
the web. Nothing is half-written: the failing statement's transaction (every service's writes are one
`atomic` block) is rolled back before the answer is made.

Two doors lead here, because an exception can start in a view or in a middleware: the middleware below
(`process_exception`, for views, in DEBUG too) and `handler500` (for everything else, e.g. the session
saved after the view). DRF views catch their exceptions themselves: burnout_site/api/exceptions.py asks
`is_database_busy` too. The middleware also keeps a request to one lock wait: once a statement has given
up, the request's later statements fail at once rather than each waiting the whole timeout again.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

# What Retry-After says: about one lock timeout, the time after which the same request has a fair chance.
RETRY_AFTER_SECONDS = 5
API_ERROR_CODE = "service_unavailable"
WEBHOOK_VIEW_NAME = "telegram_bridge:webhook"

# PostgreSQL: lock_not_available (lock_timeout), query_canceled (statement_timeout), deadlock_detected,
# serialization_failure: each one is over when the other transaction is, so asking again is right.
_POSTGRESQL_BUSY = {"55P03", "57014", "40P01", "40001"}
_SQLITE_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
# admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down); class 08 is
# "connection exception".
_POSTGRESQL_GOING_AWAY = {"57P01", "57P02", "57P03"}


def _postgresql_unreachable(cause: BaseException | None) -> bool:
    """psycopg's error for a server that is down or went away: no SQLSTATE at all (connection refused, the
    connection closed under us) or one that says the server is shutting down or starting up."""
    if cause is None or not type(cause).__module__.startswith("psycopg"):
        return False
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in _POSTGRESQL_GOING_AWAY


def is_database_busy(exc: BaseException) -> bool:
    """Whether `exc` (or what it was raised from) is the database refusing to wait any longer."""
    seen: BaseException | None = exc
    for _depth in range(5):
        if seen is None:
            return False
        if isinstance(seen, OperationalError):
            cause = seen.__cause__
            if getattr(cause, "sqlstate", None) in _POSTGRESQL_BUSY or _postgresql_unreachable(cause):
                return True
            code = getattr(cause, "sqlite_errorcode", None)
            if isinstance(code, int) and (code & 0xFF) in _SQLITE_BUSY:
                return True
            if "database is locked" in str(seen) or "database table is locked" in str(seen):
                return True
        seen = seen.__cause__
    return False


def busy_message() -> str:
    return _("We are very busy right now and could not finish this. Please try again in a few seconds.")


def database_gave_up(request: HttpRequest | None, exc: BaseException) -> BaseException | None:
    """The busy-database error behind `exc`, if the request failed because the database would not wait.

    `exc` itself, or an earlier busy error of the same request that some code turned into another error:
    Django's constraint checks in `full_clean()` take a lock timeout for "constraint violated" (a
    ValidationError), the database cache takes it for a failed write. Whatever follows is that failure.
    """
    if is_database_busy(exc):
        return exc
    guard = getattr(request, "_one_lock_wait", None)
    return guard.gave_up if isinstance(guard, _OneLockWaitPerRequest) else None


def log_busy(request: HttpRequest | None, exc: BaseException) -> None:
    # A warning, not an error with a traceback: the cause is load or a long lock, not a bug in this request.
    method, path = getattr(request, "method", "?"), getattr(request, "path", "?")
    logger.warning("Database busy, answered 503: %s %s (%s)", method, path, exc)


def _match(request: HttpRequest) -> ResolverMatch | None:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match
    try:
        return resolve(request.path_info)
    except Resolver404:
        return None


def database_busy_response(request: HttpRequest) -> HttpResponse:
    match = _match(request)
    response: HttpResponse
    if match is not None and "api" in match.namespaces:
        # imported here: burnout_site.api.exceptions imports this module
        from burnout_site.api.exceptions import error_body

        response = JsonResponse(error_body(API_ERROR_CODE, busy_message()), status=503)
    elif match is not None and match.view_name == WEBHOOK_VIEW_NAME:
        response = JsonResponse({"ok": False, "error": "database busy, not stored"}, status=503)
    else:
        # No request context: the base template's user menu would ask the busy database again.
        html = render_to_string("503.html", {"message": busy_message(), "path": request.get_full_path()})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class _OneLockWaitPerRequest:
    """A connection execute-wrapper: once one statement of the request has given up waiting for a lock,
    every later one fails at once instead of waiting again.

    Code that shrugs off a failed write (Django's database cache does, so rate-limit counters do) would
    otherwise go on to the next write and wait the whole timeout again: four waits made an upload on a
    locked SQLite file take four timeouts. The request is answered 503 anyway; it should be quick.
    """

    def __init__(self) -> None:
        self.gave_up: OperationalError | None = None

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        if self.gave_up is not None:
            again = OperationalError(*self.gave_up.args)
            raise again from self.gave_up.__cause__
        try:
            return execute(sql, params, many, context)
        except OperationalError as exc:
            if is_database_busy(exc):
                self.gave_up = exc
            raise


class DatabaseBusyMiddleware:
    """At most one lock wait per request, and a view's busy-database error answered by database_busy_response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        guard = request._one_lock_wait = _OneLockWaitPerRequest()  # type: ignore[attr-defined]
        with connection.execute_wrapper(guard):
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        busy = database_gave_up(request, exception)
        if busy is None:
            return None
        log_busy(request, busy)
        return database_busy_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the 503 when the uncaught exception is a busy database, else Django's own 500 page."""
    # Django calls handler500 inside its `except` block: the exception being handled is the one to look at.
    exc = sys.exc_info()[1]
    if exc is not None and database_gave_up(request, exc) is not None:
        return database_busy_response(request)
    return defaults.server_error(request)
