"""Version 1 of each consent document, published, and the daily purge of expired data exports.

A data migration so that every install (test databases included) can take consent from the first
request on; admins publish later versions as new rows in the admin panel.
"""

from __future__ import annotations

from django.db import migrations
from django.utils import timezone

DOCUMENTS = {
    "processing": (
        "I agree that the Burnout detector processes the face photos I send and the emotion estimates computed "
        "from them, to show me how my emotional state changes over time.\n\n"
        "What is processed: each photo I send (web page, Telegram bot or mobile app), the face found on it, the "
        "emotion probabilities the model estimates, and the time I sent it. A face photo and an emotion estimate "
        "are biometric and health-related data (GDPR art. 9); they are processed only on the basis of this "
        "explicit consent.\n\n"
        "The raw photo is deleted as soon as it has been analysed, unless the operator has configured a retention "
        "period; the estimates are kept until I delete them or my account.\n\n"
        "I can withdraw this consent at any time on my privacy page. Analysis stops at once; the data already "
        "collected stays until I delete my account, which I can also do there, together with downloading a copy "
        "of all my data.",
        "Я соглашаюсь, что «Детектор выгорания» обрабатывает присылаемые мной фотографии лица и вычисленные по "
        "ним оценки эмоций, чтобы показывать мне, как меняется моё эмоциональное состояние.\n\n"
        "Что обрабатывается: каждое присланное фото (через сайт, Telegram-бота или мобильное приложение), "
        "найденное на нём лицо, оценённые моделью вероятности эмоций и время отправки. Фото лица и оценка "
        "эмоций — биометрические данные и данные о здоровье (ст. 9 GDPR); они обрабатываются только на "
        "основании этого явного согласия.\n\n"
        "Исходное фото удаляется сразу после анализа, если оператор не настроил срок хранения; оценки хранятся, "
        "пока я не удалю их или свою учётную запись.\n\n"
        "Я могу отозвать это согласие в любой момент на странице конфиденциальности. Анализ сразу "
        "прекращается; уже собранные данные остаются, пока я не удалю учётную запись, что также можно сделать "
        "там, предварительно скачав копию всех своих данных.",
    ),
    "sharing": (
        "I agree to share my emotion dynamics with the psychologist named above: the charts of the share of "
        "negative emotions, the mix of emotions, the dates of my photos and the warning flags computed from "
        "them. The psychologist does not see my photos.\n\n"
        "The psychologist sees this data only while the sharing is active. I can revoke it at any time on the "
        "\"My psychologist\" page: access ends at once. Every time the psychologist looks at my data it is "
        "recorded, and I can see these records on my privacy page.",
        "Я соглашаюсь делиться динамикой своих эмоций с психологом, указанным выше: графиками доли негативных "
        "эмоций, распределением эмоций, датами моих фото и вычисленными по ним предупреждающими отметками. "
        "Психолог не видит моих фото.\n\n"
        "Психолог видит эти данные, только пока доступ открыт. Я могу отозвать его в любой момент на странице "
        "«Мой психолог»: доступ закрывается сразу. Каждый просмотр моих данных психологом записывается, и я "
        "вижу эти записи на странице конфиденциальности.",
    ),
    "research": (
        "I agree that my emotion estimates, stripped of my name, contact details, photos and any identifier, "
        "may be used in aggregate to improve the emotion model and to study burnout. This consent is optional "
        "and does not change how the product works for me. I can withdraw it at any time on my privacy page; "
        "data already included in a finished study cannot be taken out of it.",
        "Я соглашаюсь, что мои оценки эмоций без имени, контактных данных, фото и любых идентификаторов могут "
        "использоваться в обобщённом виде для улучшения модели эмоций и изучения выгорания. Это согласие "
        "необязательно и не меняет работу продукта для меня. Я могу отозвать его в любой момент на странице "
        "конфиденциальности; данные, уже вошедшие в завершённое исследование, исключить из него нельзя.",
    ),
}

EXPORT_PURGE = ("accounts: purge expired data exports", "accounts.tasks.purge_expired_exports", "D")


def publish_v1(apps, schema_editor):
    ConsentDocument = apps.get_model("accounts", "ConsentDocument")
    now = timezone.now()
    for kind, (text, text_ru) in DOCUMENTS.items():
        ConsentDocument.objects.get_or_create(
            kind=kind,
            version=1,
            defaults={"text": text, "text_ru": text_ru, "effective_at": now, "published": True},
        )
    Schedule = apps.get_model("django_q", "Schedule")
    name, func, schedule_type = EXPORT_PURGE
    Schedule.objects.update_or_create(
        name=name,
        defaults={"func": func, "schedule_type": schedule_type, "repeats": -1},
        create_defaults={"func": func, "schedule_type": schedule_type, "repeats": -1, "next_run": now},
    )


def unpublish_v1(apps, schema_editor):
    ConsentDocument = apps.get_model("accounts", "ConsentDocument")
    ConsentDocument.objects.filter(version=1, events__isnull=True).delete()
    apps.get_model("django_q", "Schedule").objects.filter(name=EXPORT_PURGE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_care_consent_audit"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(publish_v1, unpublish_v1)]
