"""The personal-data access log (governance.access_log): its records and its head row, and the
auditors' capability to read it.

On PostgreSQL the database refuses to rewrite it, as it refuses the case trail (migration
0019, whose refusing function this reuses): no UPDATE or DELETE of a record; the head is never
deleted, and moves only forward onto a record that is there with that hash (an append inserts
its records first, then moves the head). SQLite has no such triggers.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TRIGGERS_SQL = """
CREATE OR REPLACE FUNCTION governance_accesshead_advance_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id
        OR NEW.last_sequence <= OLD.last_sequence
        OR NOT EXISTS (
            SELECT 1 FROM governance_personaldataaccess
            WHERE sequence = NEW.last_sequence AND hash = NEW.last_hash
        ) THEN
        RAISE EXCEPTION 'personal-data access log head may only move forward onto its last record';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER governance_personaldataaccess_append_only
    BEFORE UPDATE OR DELETE ON governance_personaldataaccess
    FOR EACH ROW EXECUTE FUNCTION governance_trail_refuse_change();
CREATE TRIGGER governance_personaldataaccesshead_no_delete
    BEFORE DELETE ON governance_personaldataaccesshead
    FOR EACH ROW EXECUTE FUNCTION governance_trail_refuse_change();
CREATE TRIGGER governance_personaldataaccesshead_advance_only
    BEFORE UPDATE ON governance_personaldataaccesshead
    FOR EACH ROW EXECUTE FUNCTION governance_accesshead_advance_only();
"""

DROP_TRIGGERS_SQL = """
DROP TRIGGER IF EXISTS governance_personaldataaccess_append_only ON governance_personaldataaccess;
DROP TRIGGER IF EXISTS governance_personaldataaccesshead_no_delete ON governance_personaldataaccesshead;
DROP TRIGGER IF EXISTS governance_personaldataaccesshead_advance_only ON governance_personaldataaccesshead;
DROP FUNCTION IF EXISTS governance_accesshead_advance_only();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the SQL goes as written (its % are PL/pgSQL's, not placeholders).
        schema_editor.execute(TRIGGERS_SQL, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGERS_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0020_notification_trail_digest_kind"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonalDataAccessHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("last_sequence", models.PositiveBigIntegerField(default=0)),
                ("last_hash", models.CharField(max_length=64)),
            ],
            options={
                "default_permissions": (),
            },
        ),
        migrations.AlterModelOptions(
            name="unit",
            options={
                "default_permissions": ("add", "change", "delete", "view"),
                "ordering": ["sort_order", "code"],
                "permissions": [
                    ("view_unit_cases", "檢視單位案件"),
                    ("submit_for_unit", "以單位名義提案"),
                    ("report_unit_progress", "填報單位辦理情形"),
                    ("review_unit_cases", "單位主管審核"),
                    ("decide_for_agency", "館長決行"),
                    ("manage_tracking", "管考作業"),
                    ("score_proposals", "評審評分"),
                    ("score_assigned_only", "僅評審受指派案件（外部委員）"),
                    ("read_appraisal_evidence", "調閱考績佐證"),
                    ("record_rewards", "登錄獎勵"),
                    ("read_trails", "調閱案件軌跡"),
                    ("read_access_log", "調閱個資存取紀錄"),
                    ("administer", "系統管理"),
                ],
                "verbose_name": "組室",
                "verbose_name_plural": "組室",
            },
        ),
        migrations.CreateModel(
            name="PersonalDataAccess",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sequence", models.PositiveBigIntegerField(unique=True, verbose_name="序號")),
                ("occurred_at", models.DateTimeField(verbose_name="時間")),
                ("actor_name", models.CharField(max_length=150, verbose_name="存取者姓名")),
                ("subject_name", models.CharField(max_length=150, verbose_name="當事人姓名")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("evidence_page", "檢視考績佐證頁面"),
                            ("evidence_list", "檢視考績佐證人員清單"),
                            ("evidence_pdf", "下載考績佐證 PDF"),
                            ("evidence_batch_zip", "下載考績佐證批次 ZIP"),
                            ("reward_view", "檢視提案個人獎勵"),
                            ("reward_export", "匯出獎勵清冊"),
                            ("membership_added", "加入單位職務"),
                            ("membership_changed", "修改單位職務"),
                            ("membership_ended", "結束單位職務"),
                            ("agency_roles_changed", "變更全機關角色"),
                            ("permissions_changed", "變更個別權限"),
                            ("activated", "啟用帳號"),
                            ("deactivated", "停用帳號"),
                            ("staff_granted", "授予管理介面權限"),
                            ("staff_revoked", "撤銷管理介面權限"),
                            ("superuser_granted", "授予超級使用者"),
                            ("superuser_revoked", "撤銷超級使用者"),
                        ],
                        max_length=40,
                        verbose_name="動作",
                    ),
                ),
                ("detail", models.CharField(blank=True, max_length=500, verbose_name="說明")),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True, verbose_name="來源 IP")),
                ("request_id", models.CharField(blank=True, max_length=64, verbose_name="請求代號")),
                ("previous_hash", models.CharField(max_length=64, verbose_name="前一筆雜湊")),
                ("hash", models.CharField(max_length=64, verbose_name="本筆雜湊")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="存取者",
                    ),
                ),
                (
                    "subject",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="當事人",
                    ),
                ),
            ],
            options={
                "verbose_name": "個資存取紀錄",
                "verbose_name_plural": "個資存取紀錄",
                "ordering": ["-sequence"],
                "default_permissions": ("view",),
                "indexes": [
                    models.Index(fields=["subject", "-sequence"], name="access_subject"),
                    models.Index(fields=["actor", "-sequence"], name="access_actor"),
                    models.Index(fields=["occurred_at"], name="access_occurred"),
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
