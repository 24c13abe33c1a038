"""Proposals' case numbers get their series' prefix: 115-0004 becomes 提115-0004 (docs/domain.md,
案號與季別). Reversible: backwards, the prefix is taken off again."""

from django.db import migrations
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat, Substr

# As it was when written: a later change of the prefix is a migration of its own.
PREFIX = "提"


def add_prefix(apps, schema_editor):
    Proposal = apps.get_model("proposals", "Proposal")
    # Every old number differs from every new one in its first character: no clash on the way.
    Proposal.objects.filter(case_number__isnull=False).exclude(case_number__startswith=PREFIX).update(
        case_number=Concat(Value(PREFIX), F("case_number"), output_field=CharField())
    )


def drop_prefix(apps, schema_editor):
    Proposal = apps.get_model("proposals", "Proposal")
    Proposal.objects.filter(case_number__startswith=PREFIX).update(
        case_number=Substr("case_number", len(PREFIX) + 1)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0007_reviewer_recusal"),
    ]

    operations = [
        migrations.RunPython(add_prefix, drop_prefix, elidable=False),
    ]
