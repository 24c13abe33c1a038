# The plan, meetings and evidence models moved to their own apps (plan/, meetings/, evidence/),
# keeping their tables: governance forgets them in Django's state, the database is unchanged.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0013_notification_unread_event_index'),
        ('plan', '0001_initial'),
        ('meetings', '0001_initial'),
        ('evidence', '0001_initial'),
        ('proposals', '0005_alter_proposal_plan_practice'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='meetingdecision',
                    name='agenda_item',
                ),
                migrations.RemoveField(
                    model_name='evidencebatch',
                    name='requested_by',
                ),
                migrations.RemoveField(
                    model_name='evidencebatch',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='evidencebatchitem',
                    name='batch',
                ),
                migrations.RemoveField(
                    model_name='evidencebatchitem',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='evidencedocument',
                    name='generated_by',
                ),
                migrations.RemoveField(
                    model_name='evidencedocument',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='groupmeeting',
                    name='attendees',
                ),
                migrations.RemoveField(
                    model_name='groupmeeting',
                    name='chair',
                ),
                migrations.RemoveField(
                    model_name='groupmeeting',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='meetingdecision',
                    name='meeting',
                ),
                migrations.RemoveField(
                    model_name='meetingdecision',
                    name='action_unit',
                ),
                migrations.RemoveField(
                    model_name='planversion',
                    name='plan',
                ),
                migrations.RemoveField(
                    model_name='planarea',
                    name='version',
                ),
                migrations.RemoveField(
                    model_name='planitem',
                    name='area',
                ),
                migrations.RemoveField(
                    model_name='plandeadline',
                    name='practice',
                ),
                migrations.RemoveField(
                    model_name='planpractice',
                    name='item',
                ),
                migrations.RemoveField(
                    model_name='planpractice',
                    name='units',
                ),
                migrations.RemoveField(
                    model_name='practicereport',
                    name='practice',
                ),
                migrations.RemoveField(
                    model_name='planversion',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='practicereport',
                    name='confirmed_by',
                ),
                migrations.RemoveField(
                    model_name='practicereport',
                    name='submitted_by',
                ),
                migrations.RemoveField(
                    model_name='practicereport',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='practicereportattachment',
                    name='report',
                ),
                migrations.RemoveField(
                    model_name='practicereportattachment',
                    name='uploaded_by',
                ),
                migrations.DeleteModel(
                    name='AgendaItem',
                ),
                migrations.DeleteModel(
                    name='EvidenceBatch',
                ),
                migrations.DeleteModel(
                    name='EvidenceBatchItem',
                ),
                migrations.DeleteModel(
                    name='EvidenceDocument',
                ),
                migrations.DeleteModel(
                    name='GroupMeeting',
                ),
                migrations.DeleteModel(
                    name='MeetingDecision',
                ),
                migrations.DeleteModel(
                    name='Plan',
                ),
                migrations.DeleteModel(
                    name='PlanArea',
                ),
                migrations.DeleteModel(
                    name='PlanDeadline',
                ),
                migrations.DeleteModel(
                    name='PlanItem',
                ),
    
                migrations.DeleteModel(
                    name='PlanPractice',
                ),
                migrations.DeleteModel(
                    name='PlanVersion',
                ),
                migrations.DeleteModel(
                    name='PracticeReport',
                ),
                migrations.DeleteModel(
                    name='PracticeReportAttachment',
                ),
    
            ],
            database_operations=[],
        ),
    ]
