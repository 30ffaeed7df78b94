"""The Russian catalogue: complete, consistent with its source strings, compiled, and used by the pages.

Regenerate it with `manage.py makemessages -l ru ...` and `manage.py compilemessages` (see the
header of locale/ru/LC_MESSAGES/django.po); these tests fail when either step was forgotten.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext

from accounts.models import User
from accounts.validators import TIMEZONE_INVALID_MESSAGE
from emotions.forms import PhotoUploadForm
from emotions.models import EMOTION_NAMES, PhotoAssessment

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


# --- a tiny .po reader (polib is not a dependency) ---------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def parse_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal entry, target
        if target is not None or entry.obsolete:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#,"):
            if target is not None:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            if target is not None:
                finish()
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, text = match.groups()
            if keyword in ("msgctxt", "msgid") and target is not None and target[0].startswith("msgstr"):
                finish()  # a new entry without a blank line before it
            entry.line = entry.line or number
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index) if index is not None else 0)
                entry.msgstr[target[1]] = _unquote(text)
            else:
                target = (keyword, None)
                setattr(entry, keyword, _unquote(text))
            continue
        assert line.startswith('"') and target is not None, f"{path}:{number}: cannot parse {raw!r}"
        text = _unquote(line[1:-1])
        if target[0] == "msgstr":
            entry.msgstr[target[1]] += text
        else:
            setattr(entry, target[0], getattr(entry, target[0]) + text)
    finish()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    assert PO_PATH.is_file(), f"{PO_PATH} is missing: run makemessages -l ru"
    return parse_po(PO_PATH)


def _header(entries: list[Entry]) -> Entry:
    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None and not e.obsolete]
    assert len(headers) == 1, "the .po file must have exactly one header entry"
    return headers[0]


def _messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid != "" and not e.obsolete]


def _nplurals(entries: list[Entry]) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", _header(entries).msgstr[0])
    assert match, "the header must declare Plural-Forms"
    return int(match.group(1))


# Placeholders and markup that must survive translation unchanged: %(name)s, %%, {name}, HTML tags.
_TOKENS = re.compile(r"%\(\w+\)[sdfr]|%%|\{\w*\}|</?[a-zA-Z][^>]*>")


def _tokens(text: str) -> Counter[str]:
    return Counter(_TOKENS.findall(text))


# --- (a) the catalogue is complete and consistent ---------------------------------------------


def test_po_header_is_russian_with_three_plural_forms(po_entries: list[Entry]) -> None:
    header = _header(po_entries)
    assert "fuzzy" not in header.flags
    assert "Language: ru\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]
    assert _nplurals(po_entries) == 3


def test_po_has_messages_from_every_app(po_entries: list[Entry]) -> None:
    references = {
        reference.split(":", 1)[0]
        for line in PO_PATH.read_text(encoding="utf-8").splitlines()
        if line.startswith("#: ")
        for reference in line[3:].split()
    }
    for folder in ("accounts/", "emotions/", "templates/", "burnout_site/"):
        assert any(path.startswith(folder) for path in references), f"no message from {folder} in the catalogue"
    # emotions/ml is a plain library, not user-facing: makemessages runs with --ignore=emotions/ml.
    assert not any(path.startswith("emotions/ml/") for path in references)
    assert len(_messages(po_entries)) > 100


def test_every_entry_is_translated_and_not_fuzzy(po_entries: list[Entry]) -> None:
    nplurals = _nplurals(po_entries)
    problems = []
    for entry in _messages(po_entries):
        where = f"line {entry.line}: {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where} is fuzzy")
        expected = range(nplurals) if entry.msgid_plural is not None else range(1)
        if sorted(entry.msgstr) != list(expected):
            problems.append(f"{where} has forms {sorted(entry.msgstr)}, expected {list(expected)}")
        if any(not entry.msgstr.get(index, "").strip() for index in expected):
            problems.append(f"{where} is untranslated")
    assert not problems, "\n".join(problems)


def test_no_obsolete_entries_are_left(po_entries: list[Entry]) -> None:
    obsolete = [e.line for e in po_entries if e.obsolete]
    assert not obsolete, f"obsolete (#~) entries near lines {obsolete}: remove them"


def test_translations_keep_placeholders_and_markup(po_entries: list[Entry]) -> None:
    problems = []
    for entry in _messages(po_entries):
        for index, text in entry.msgstr.items():
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            if _tokens(text) != _tokens(source):
                problems.append(f"line {entry.line}: {source!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_translations_are_in_russian(po_entries: list[Entry]) -> None:
    # Brand and format names may stay as they are; everything else a person reads is Cyrillic.
    same_on_purpose = {"Telegram"}
    latin_only = [
        e.msgid
        for e in _messages(po_entries)
        if e.msgid not in same_on_purpose and not all(CYRILLIC.search(text) for text in e.msgstr.values())
    ]
    assert not latin_only, f"not translated into Russian: {latin_only}"


def test_msgfmt_check_passes() -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(PO_PATH)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


# --- (b) the committed .mo is loaded and matches the .po ---------------------------------------


def test_committed_mo_matches_the_po(po_entries: list[Entry]) -> None:
    """Every .po entry comes back from Django's gettext as written: the .mo is there, loaded and current."""
    assert MO_PATH.is_file(), f"{MO_PATH} is missing: run compilemessages"
    # The n for each Russian plural form: 1 (один), 3 (два-четыре), 5 (пять и больше).
    numbers = (1, 3, 5)
    stale = []
    with translation.override("ru"):
        for entry in _messages(po_entries):
            if entry.msgid_plural is None:
                got = [pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt is not None else gettext(entry.msgid)]
            elif entry.msgctxt is not None:
                got = [npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n) for n in numbers]
            else:
                got = [ngettext(entry.msgid, entry.msgid_plural, n) for n in numbers]
            expected = [entry.msgstr[index] for index in range(len(got))]
            if got != expected:
                stale.append(f"{entry.msgid!r}: .mo gives {got!r}, .po says {expected!r}")
    assert not stale, "django.mo is older than django.po; run compilemessages:\n" + "\n".join(stale)


def test_known_strings_from_each_app_are_translated() -> None:
    with translation.override("ru"):
        # templates: the site title; burnout_site: the language names
        assert gettext("Burnout detector") == "Детектор выгорания"
        assert str(dict(settings.LANGUAGES)["ru"]) == "Русский"
        # accounts: a choice, a validation message with its placeholder, a model verbose name
        assert str(User.Role.PSYCHOLOGIST.label) == "Психолог"
        assert str(TIMEZONE_INVALID_MESSAGE) % {"value": "Mars/Base"} == "Часовой пояс «Mars/Base» нам неизвестен."
        assert str(User._meta.get_field("timezone").verbose_name) == "часовой пояс"
        # emotions: every emotion name, a status, a form error and an error message for the person
        assert [str(name) for name in EMOTION_NAMES.values()] == [
            "Злость",
            "Отвращение",
            "Страх",
            "Радость",
            "Грусть",
            "Удивление",
            "Нейтральное",
        ]
        assert str(PhotoAssessment.Status.PENDING.label) == "Анализируется"
        assert str(PhotoAssessment.Status.NO_FACE.label) == "Лицо не найдено"
        assert PhotoUploadForm({}, {}).errors["photo"] == ["Пожалуйста, выберите фото для загрузки."]
        message = PhotoAssessment(error_code=PhotoAssessment.ErrorCode.NO_FACE).user_message()
        assert message.startswith("Нам не удалось найти лицо на этом фото. Повернитесь лицом к камере")
        # plural forms: one, few, many
        assert [ngettext("%(days)s day", "%(days)s days", n) % {"days": n} for n in (21, 3, 30)] == [
            "21 день",
            "3 дня",
            "30 дней",
        ]


# --- (c) pages come out in Russian for a Russian browser ---------------------------------------


def _get_ru(client: Client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "ru"
    body = response.content.decode()
    assert '<html lang="ru">' in body
    return body


def test_login_page_in_russian(client: Client, db: None) -> None:
    body = _get_ru(client, reverse("accounts:login"))
    assert "<title>Войти · Детектор выгорания</title>" in body
    assert "Ещё нет учётной записи?" in body
    assert "Имя пользователя" in body  # Django's own catalogue for the auth form
    assert "Оценка эмоций — не диагноз." in body
    assert "Log in" not in body


def test_signup_page_in_russian(client: Client, db: None) -> None:
    body = _get_ru(client, reverse("accounts:signup"))
    assert "Создать учётную запись" in body
    assert "Тип учётной записи" in body
    assert "Пациент" in body and "Психолог" in body
    assert "Электронная почта" in body
    assert "Sign up" not in body


def test_home_page_in_russian(client: Client, db: None) -> None:
    body = _get_ru(client, reverse("home"))
    assert "Заметьте выгорание вовремя" in body
    assert "Создать учётную запись" in body
    assert "Notice burnout early" not in body


def test_home_page_stays_english_for_an_english_browser(client: Client, db: None) -> None:
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Notice burnout early" in body
    assert not CYRILLIC.search(body.replace("Русский", ""))  # the language switcher names Russian in Russian


def test_result_and_dashboard_in_russian(client_logged_in: Client, user: User) -> None:
    probabilities = {name: 0.01 for name in EMOTION_NAMES}
    probabilities["sad"] = 0.94
    assessment = PhotoAssessment.objects.create(
        user=user,
        status=PhotoAssessment.Status.DONE,
        captured_at=timezone.now(),
        probabilities=probabilities,
        label="sad",
        valence=PhotoAssessment.Valence.NEGATIVE,
        negativity=0.97,
        faces_found=1,
        model_version="test",
    )

    detail = _get_ru(client_logged_in, reverse("emotions:assessment_detail", args=[assessment.pk]))
    assert "Преобладающая эмоция: <strong>Грусть</strong> (негативная)" in detail
    # Renamed on purpose (issue 14): the photo's summed negative probability is its "negative tone".
    assert "Негативный оттенок снимка: <strong>97%</strong>" in detail

    dashboard = _get_ru(client_logged_in, reverse("emotions:dashboard"))
    assert "Ваша эмоциональная динамика" in dashboard
    assert "30 дней" in dashboard and "365 дней" in dashboard
    # Russian next to digits: ruff takes some Cyrillic letters for look-alikes of digits and Latin.
    assert "За этот период проанализирована 1 фотография." in dashboard  # noqa: RUF001
    assert 'data-axis-label="Негативные фото, %"' in dashboard
    assert 'data-rolling-label="За последние 7 дней"' in dashboard  # noqa: RUF001
