"""What each review meeting confirmed for each finding it covered (lead unit, due date), for its
record (檢討會議紀錄). Meetings recorded before have no rows: their record prints the finding's
lead unit and due date as they are now (audits.selectors.meeting_record), as it did on screen."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0005_tracking_number_prefix"),
        ("governance", "0017_issued_document"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewMeetingItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("due_date", models.DateField(verbose_name="改善期限")),
                (
                    "finding",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="audits.finding"
                    ),
                ),
                (
                    "lead_unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="governance.unit",
                        verbose_name="主辦單位",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="audits.reviewmeeting",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("meeting", "finding"), name="review_meeting_item_once")
                ],
            },
        ),
    ]
