"""Findings' tracking numbers get their series' prefix: 115-0019 becomes 列115-0019 (docs/domain.md,
案號與季別). Reversible: backwards, the prefix is taken off again."""

from django.db import migrations
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat, Substr

# As it was when written: a later change of the prefix is a migration of its own.
PREFIX = "列"


def add_prefix(apps, schema_editor):
    Finding = apps.get_model("audits", "Finding")
    # Every old number differs from every new one in its first character: no clash on the way.
    Finding.objects.exclude(tracking_number__startswith=PREFIX).update(
        tracking_number=Concat(Value(PREFIX), F("tracking_number"), output_field=CharField())
    )


def drop_prefix(apps, schema_editor):
    Finding = apps.get_model("audits", "Finding")
    Finding.objects.filter(tracking_number__startswith=PREFIX).update(
        tracking_number=Substr("tracking_number", len(PREFIX) + 1)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0004_audit_withdrawal"),
    ]

    operations = [
        migrations.RunPython(add_prefix, drop_prefix, elidable=False),
    ]
