# One rating per button message: a second tap on the same Telegram mood buttons stores nothing.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("emotions", "0007_modelversionsummary"),
    ]

    operations = [
        migrations.AddField(
            model_name="selfreport",
            name="source_key",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="source key"),
        ),
        migrations.AddConstraint(
            model_name="selfreport",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_key", ""), _negated=True),
                fields=("source", "source_key"),
                name="emotions_sr_one_per_source_key",
            ),
        ),
    ]
