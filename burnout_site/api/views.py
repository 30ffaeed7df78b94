"""The base of every API view."""

from __future__ import annotations

from django.utils import translation
from rest_framework.request import Request
from rest_framework.views import APIView


class ApiView(APIView):
    """APIView that speaks the account's saved language.

    A phone sends its system language in Accept-Language (LocaleMiddleware applies it); a language the
    person chose in their profile is a stronger wish, as on the web pages, so it wins once they are known.
    """

    def perform_authentication(self, request: Request) -> None:
        super().perform_authentication(request)
        language = getattr(request.user, "language", "")
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
