# The lists' keyset order, newest sent first (governance.paging); also the dashboard's
# periods of submissions (issue step 14).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0009_step14_dashboard_period_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["submitted_at", "id"], name="proposal_list_order"),
        ),
    ]
