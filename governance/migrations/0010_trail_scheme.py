from django.db import migrations, models


class Migration(migrations.Migration):
    """Events written before this keep scheme 1 (their hashes stay as they were made);
    new events are scheme 2, which PostgreSQL appends in one statement."""

    dependencies = [("governance", "0009_form_submission")]

    operations = [
        migrations.AddField(
            model_name="trailevent",
            name="scheme",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="雜湊方式"),
        ),
        migrations.AlterField(
            model_name="trailevent",
            name="scheme",
            field=models.PositiveSmallIntegerField(default=2, verbose_name="雜湊方式"),
        ),
        migrations.AddField(
            model_name="trailhead",
            name="previous_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
