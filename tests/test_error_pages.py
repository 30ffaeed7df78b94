"""The 403, 404 and 500 pages: styled, translated, with ways on; the favicon; one date format per language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import formats, translation
from PIL import Image

from burnout_site.database_busy import server_error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOT_FOUND = {
    "en": ("Page not found", "There is nothing at this address."),
    "ru": ("Страница не найдена", "По этому адресу ничего нет."),
}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_an_unknown_page_is_the_styled_404_in_the_persons_language(language: str) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    heading, text = NOT_FOUND[language]
    assert f"<h1>{heading}</h1>" in html
    assert text in html
    assert 'class="site-header"' in html  # the site's navigation, not Django's bare page
    assert 'href="/"' in html
    assert "/static/css/site.css" in html


def test_the_404_offers_the_dashboard_to_a_person_logged_in(client_logged_in: Client) -> None:
    html = client_logged_in.get("/no-such-page/").content.decode()
    ways = html.split('class="error-ways"')[1]
    assert f'<a href="{reverse("emotions:dashboard")}">Dashboard</a>' in ways


def test_api_addresses_keep_their_json_404(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(("language", "heading"), [("en", "Not allowed"), ("ru", "Нет доступа")])
def test_permission_denied_is_the_styled_403(language: str, heading: str) -> None:
    from django.views import defaults

    request = RequestFactory().get("/somewhere/")
    request.user = UserFactory()
    with translation.override(language):
        response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_a_form_sent_without_its_csrf_token_gets_the_translated_403() -> None:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="ru")
    response = client.post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Форма устарела</h1>" in html
    assert "Ничего не сохранено." in html


@pytest.mark.parametrize(("language", "heading"), [("en", "Something went wrong"), ("ru", "Что-то пошло не так")])
def test_the_500_page_renders_without_touching_the_database(
    language: str, heading: str, django_assert_num_queries: object
) -> None:
    request = RequestFactory().get("/broken/")
    with translation.override(language), django_assert_num_queries(0):  # type: ignore[operator]
        try:
            raise RuntimeError("a bug")
        except RuntimeError:
            response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'class="site-header"' in html
    assert 'href="/"' in html


def test_every_page_links_the_favicon(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html


def test_favicon_ico_answers_with_a_real_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    body = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert body[:4] == b"\x00\x00\x01\x00"  # the ICO signature
    import io

    assert Image.open(io.BytesIO(body)).format == "ICO"


@pytest.mark.parametrize(("language", "expected"), [("en", "7 Dec 2026"), ("ru", "07.12.2026")])
def test_one_date_format_per_language(language: str, expected: str) -> None:
    day = dt.date(2026, 12, 7)
    with translation.override(language):
        assert formats.date_format(day, "DATE_FORMAT") == expected
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == expected
        moment = dt.datetime(2026, 12, 7, 14, 5)
        assert formats.date_format(moment, "DATETIME_FORMAT") == f"{expected}, 14:05"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == f"{expected}, 14:05"
