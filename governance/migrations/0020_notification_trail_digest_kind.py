from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0019_trail_append_only"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("reminder", "到期提醒"),
                    ("escalation", "逾期陳報"),
                    ("digest", "每週待辦摘要"),
                    ("event", "案件動態"),
                    ("task", "新任務"),
                    ("trail_digest", "事件軌跡每日摘要"),
                ],
                max_length=20,
                verbose_name="類別",
            ),
        ),
    ]
