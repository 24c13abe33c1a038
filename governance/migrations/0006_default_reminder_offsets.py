"""The reminder offsets of docs/domain.md (「到期提醒與逾期陳報」): −30, −7, −1 days to the liaison; +1 day also to the unit
head; +7 days also to the director. Administrators edit them afterwards."""

from django.db import migrations

DEFAULTS = [(-30, 0), (-7, 0), (-1, 0), (1, 1), (7, 2)]


def load(apps, schema_editor):
    ReminderOffset = apps.get_model("governance", "ReminderOffset")
    for days, level in DEFAULTS:
        ReminderOffset.objects.get_or_create(days=days, defaults={"level": level})


class Migration(migrations.Migration):
    dependencies = [("governance", "0005_notifications")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
