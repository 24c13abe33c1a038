# The dashboard counts proposals decided in a year or a quarter: an indexed range instead of a
# scan of every proposal (issue step 14). Its submissions use 0010's (submitted_at, id).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0008_case_number_prefix"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["decided_at"], name="proposal_decided_at"),
        ),
    ]
