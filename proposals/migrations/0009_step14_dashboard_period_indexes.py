# The dashboard counts proposals submitted and decided in a year or a quarter: indexed ranges
# instead of a scan of every proposal (issue step 14).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0008_case_number_prefix"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["submitted_at"], name="proposal_submitted_at"),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["decided_at"], name="proposal_decided_at"),
        ),
    ]
