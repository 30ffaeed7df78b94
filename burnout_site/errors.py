"""The one shape of a refusal the person is meant to read, shared by every app's services."""

from __future__ import annotations


class Refusal(Exception):
    """Something a service will not do: `message` is translated and meant for the person, `code` names the case
    for the API's error body, the bot's branches and the tests."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
