"""gunicorn's settings for every place that starts our web server: `gunicorn -c python:burnout_site.gunicorn_conf`
(the Procfile, `manage.py bench_webhook`, the tests). Addresses and process counts stay on the command line.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger, SafeAtoms

from burnout_site.log_redaction import redact

# gunicorn 25.1+ opens a control socket for `gunicornc` at $XDG_RUNTIME_DIR/gunicorn.ctl or
# ~/.gunicorn/gunicorn.ctl: one path for every gunicorn the user runs, so a second instance (another site,
# a benchmark, a test) takes it from the first. We do not use gunicornc: none at all.
control_socket_disable = True

# The access log writes each request line, and an export download address carries its token.
logger_class = "burnout_site.gunicorn_conf.RedactingLogger"


# The atoms that can carry an address or a header: request line, path, query, referer, and any
# {header}i / {header}o / {variable}e an operator adds to the format. The others (address, time, status,
# size, user agent...) cannot hold one of our secrets, and each redaction costs a few microseconds.
_ADDRESS_ATOMS = {"r", "U", "q", "f"}


class _RedactedAtoms(SafeAtoms):
    # Only the atoms the access-log format names are looked up, so only those pay for the redaction.
    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if isinstance(value, str) and (key in _ADDRESS_ATOMS or key.startswith("{")):
            return redact(value)
        return value


class RedactingLogger(Logger):
    """gunicorn's logger whose access log goes through burnout_site.log_redaction.redact."""

    atoms_wrapper_class = _RedactedAtoms
