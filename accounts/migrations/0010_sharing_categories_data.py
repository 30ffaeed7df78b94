"""Existing care links keep what their consent (sharing v1) named, and version 2 of the sharing document.

Version 1 named "the charts of the share of negative emotions, the mix of emotions, the dates of my photos and
the warning flags": that is the readings and the flags categories, so existing links share exactly those and
their patients are invited to review (categories_review_pending). Version 2 lists only the categories the
person chooses, each in this version's words (ConsentDocument.text_for).
"""

from __future__ import annotations

from django.db import migrations
from django.utils import timezone

SHARING_V2 = (
    "I agree to share the following data with the psychologist named above:\n{categories}\n\n"
    "The psychologist sees nothing else: not my photos, and not the categories I did not choose. I can change "
    "the categories or revoke the sharing at any time on the \"My psychologist\" page: the change applies at "
    "once. Every time the psychologist looks at my data it is recorded, and I can see these records on my "
    "privacy page.",
    "Я соглашаюсь делиться с психологом, указанным выше, следующими данными:\n{categories}\n\n"
    "Ничего другого психолог не видит: ни моих фото, ни категорий, которые я не выбрал(а). Я могу изменить "
    "категории или отозвать доступ в любой момент на странице «Мой психолог»: изменение действует сразу. "
    "Каждый просмотр моих данных психологом записывается, и я вижу эти записи на странице конфиденциальности.",
)

# Without end punctuation: ConsentDocument.text_for ends each chosen one with ";" and the last with ".".
CATEGORY_TEXTS = {
    "readings": [
        "my emotion readings: the charts of the share of negative emotions, the mix of emotions and the dates "
        "of my photos",
        "мои оценки эмоций: графики доли негативных эмоций, распределение эмоций и даты моих фото",
    ],
    "mood": ["my mood ratings and the notes I add to them", "мои оценки настроения и заметки к ним"],
    "questionnaire": [
        "my burnout questionnaire scores",
        "мои баллы по опроснику выгорания",
    ],
    "flags": [
        "the burnout warning flags computed from my data",
        "предупреждающие отметки о выгорании, вычисленные по моим данным",
    ],
}

# What sharing version 1 named.
V1_CATEGORIES = ("readings", "flags")


def forwards(apps, schema_editor):
    CareLink = apps.get_model("accounts", "CareLink")
    ConsentDocument = apps.get_model("accounts", "ConsentDocument")
    CareLink.objects.update(
        **{f"shares_{category}": True for category in V1_CATEGORIES}, categories_review_pending=True
    )
    latest = ConsentDocument.objects.filter(kind="sharing").order_by("-version").first()
    if latest is not None and "{categories}" in latest.text:
        return  # an operator already published a version that lists categories
    text, text_ru = SHARING_V2
    ConsentDocument.objects.create(
        kind="sharing",
        version=(latest.version if latest else 0) + 1,
        text=text,
        text_ru=text_ru,
        category_texts=CATEGORY_TEXTS,
        effective_at=timezone.now(),
        published=True,
    )


def backwards(apps, schema_editor):
    # The version this migration published, while nobody agreed to it; the columns go with 0009.
    apps.get_model("accounts", "ConsentDocument").objects.filter(
        kind="sharing", text__contains="{categories}", events__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_sharing_categories")]

    operations = [migrations.RunPython(forwards, backwards)]
