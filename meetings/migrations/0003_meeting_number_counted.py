"""A meeting's number is unique among its year's meetings not cancelled (docs/domain.md, 執行小組):
a cancelled meeting keeps the number it had, which the next meeting takes. The numbers are
rewritten in 0004, apart: PostgreSQL does not alter a table with row changes pending in the same
transaction."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_open_action_index"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="groupmeeting",
            name="group_meeting_number_once",
        ),
        migrations.AddConstraint(
            model_name="groupmeeting",
            constraint=models.UniqueConstraint(
                condition=~models.Q(state="cancelled"),
                fields=("roc_year", "number"),
                name="group_meeting_number_counted",
            ),
        ),
    ]
