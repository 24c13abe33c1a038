# The to-do list's score source reads a member's open assignments (issue step 14).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0010_step14_proposal_list_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="reviewerassignment",
            index=models.Index(
                condition=models.Q(("recused_at__isnull", True), ("scored_at__isnull", True)),
                fields=["member"],
                name="reviewer_open_by_member",
            ),
        ),
    ]
