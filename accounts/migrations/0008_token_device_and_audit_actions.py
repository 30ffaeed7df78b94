
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def describe_existing_tokens(apps, schema_editor):
    """Tokens issued before devices had names: listed as an unknown device, last used when issued."""
    AuthToken = apps.get_model(settings.KNOX_TOKEN_MODEL)
    TokenDevice = apps.get_model("accounts", "TokenDevice")
    TokenDevice.objects.bulk_create(
        TokenDevice(token_id=token.pk, name="", last_used_at=token.created)
        for token in AuthToken.objects.only("digest", "created").iterator()
    )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_alert_channel_choices_from_registry'),
        migrations.swappable_dependency(settings.KNOX_TOKEN_MODEL),
        # The data step reads tokens as they are today (digest as primary key), not as knox's first migration.
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('portal_list_view', 'Saw you in their patient list'), ('portal_detail_view', 'Opened your charts'), ('api_read', 'Read your data through the API'), ('consent_granted', 'Consent given'), ('consent_withdrawn', 'Consent withdrawn'), ('care_link_created', 'Sharing started'), ('care_link_revoked', 'Sharing revoked'), ('care_link_ended', 'Sharing ended by the psychologist'), ('export_requested', 'Data export requested'), ('export_downloaded', 'Data export downloaded'), ('account_erased', 'Account erased'), ('psychologist_verified', 'Psychologist verified'), ('otp_device_confirmed', 'Two-factor authentication set up'), ('admin_view', 'Opened by staff in the admin panel'), ('admin_change', 'Changed by staff in the admin panel'), ('admin_delete', 'Deleted by staff in the admin panel'), ('password_reset', 'Password reset from an e-mail link'), ('lockout_cleared', 'Log-in pause lifted'), ('otp_recovery_codes_created', 'Two-factor recovery codes created'), ('otp_recovery_code_used', 'Two-factor recovery code used')], max_length=32, verbose_name='action'),
        ),
        migrations.CreateModel(
            name='TokenDevice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(blank=True, max_length=100, verbose_name='device')),
                ('last_used_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='last used')),
                ('token', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='device', to=settings.KNOX_TOKEN_MODEL)),
            ],
            options={
                'verbose_name': 'device token',
                'verbose_name_plural': 'device tokens',
            },
        ),
        migrations.RunPython(describe_existing_tokens, migrations.RunPython.noop),
    ]
