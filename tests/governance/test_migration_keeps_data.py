"""Moving the plan, meetings and evidence models out of governance loses no row.

The database is taken back to the migrations before the move (governance 0013, proposals 0004,
no plan, meetings or evidence app), filled there — the demo organisation, proposals, findings
and plan, and, through the models as they were then (governance.PracticeReport, …), quarterly
reports, a meeting with its agenda and decision, an evidence document and a batch — then
migrated forward. Every table keeps every row, the moved models read them under their new
apps, and every trail chain still verifies.
"""

import datetime
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audits.models import ReviewMeetingItem
from evidence.models import EvidenceBatch, EvidenceBatchItem, EvidenceDocument
from governance.models import TrailEvent, User
from governance.trail import verify_all
from meetings.models import AgendaItem, GroupMeeting, MeetingDecision
from plan.models import Plan, PlanPractice, PracticeReport
from proposals.models import Proposal, ReviewerAssignment
from tests.helpers import default_configuration

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [
    ("governance", "0013_notification_unread_event_index"),
    ("proposals", "0004_proposal_plan_practice"),
    ("plan", None),
    ("meetings", None),
    ("evidence", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def latest_targets():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def row_counts():
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            if table == "django_migrations":
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 — names from introspection
            counts[table] = cursor.fetchone()[0]
        return counts


def fill_the_old_state(old):
    """What only the old models could hold: rows written through governance.<Model>."""
    User = old.get_model("governance", "User")
    Unit = old.get_model("governance", "Unit")
    OldPractice = old.get_model("governance", "PlanPractice")
    head = User.objects.get(username="readers-head")
    liaison = User.objects.get(username="readers-liaison")
    tracking = User.objects.get(username="tracking")
    readers = Unit.objects.get(code="readers")
    practices = list(OldPractice.objects.order_by("pk")[:2])
    for practice, period in zip(practices, ("102Q1", "102Q2"), strict=True):
        old.get_model("governance", "PracticeReport").objects.create(
            practice=practice,
            unit=readers,
            period=period,
            status="on_track",
            text="依計畫辦理。",
            state="confirmed",
            submitted_by=liaison,
            confirmed_by=head,
            confirmed_at=timezone.now(),
        )
    meeting = old.get_model("governance", "GroupMeeting").objects.create(
        roc_year=115,
        number=1,
        scheduled_for=timezone.now(),
        location="簡報室",
        chair=head,
        state="held",
        minutes="討論各組執行情形。",
        created_by=tracking,
    )
    meeting.attendees.add(head, liaison)
    item = old.get_model("governance", "AgendaItem").objects.create(
        meeting=meeting, kind="practice", ref_id=practices[0].pk, reference="1.1", title="推動作法進度"
    )
    old.get_model("governance", "MeetingDecision").objects.create(
        meeting=meeting,
        agenda_item=item,
        text="請閱覽組續辦。",
        action_unit=readers,
        action_due=datetime.date(2026, 12, 31),
    )
    old.get_model("governance", "EvidenceDocument").objects.create(
        person=liaison,
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
        fingerprint="a" * 64,
        generated_at=timezone.now(),
        generated_by=head,
    )
    batch = old.get_model("governance", "EvidenceBatch").objects.create(
        requested_by=head, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31), unit=readers
    )
    old.get_model("governance", "EvidenceBatchItem").objects.create(
        batch=batch, person=liaison, position=1, filename="考績佐證.pdf", content=b"%PDF-1.7"
    )


RECUSAL_COLUMNS = [(ReviewerAssignment, name) for name in ("recused_at", "recusal_reason", "replacement")]
# governance 0018: where a directory account comes from (governance.directory).
DIRECTORY_COLUMNS = [(User, "directory_dn")]


@contextmanager
def today_s_columns(*columns):
    """The (model, field name) columns of today's models, added for the block and then dropped."""
    with connection.schema_editor() as editor:
        for model, name in columns:
            editor.add_field(model, model._meta.get_field(name))
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            for model, name in columns:
                # SQLite rebuilt the table with today's indexes, some on the column (proposals
                # 0011's open assignments): dropped first, or the column cannot go.
                with connection.cursor() as cursor:
                    present = connection.introspection.get_constraints(cursor, model._meta.db_table)
                for index in model._meta.indexes:
                    if index.name in present and (name in index.fields or name in str(index.condition)):
                        editor.remove_index(model, index)
                editor.remove_field(model, model._meta.get_field(name))


@contextmanager
def today_s_tables(*models):
    """Tables of today's models made since (their rows are dropped with them after the block)."""
    with connection.schema_editor() as editor:
        for model in models:
            editor.create_model(model)
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            for model in models:
                editor.delete_model(model)


def test_moving_the_models_keeps_every_row_and_every_trail(monkeypatch):
    latest = latest_targets()
    try:
        executor = migrate(BEFORE_THE_MOVE)
        old = executor.loader.project_state([t for t in BEFORE_THE_MOVE if t[1]]).apps
        assert not any(
            model._meta.app_label in ("plan", "meetings", "evidence") for model in old.get_models()
        )
        # The demo data through today's code: the tables are the same on both sides of the move.
        # What today's code writes to tables made after the move is left out: the duplicate
        # check's index (proposals 0006) and the notices (governance 0015's columns).
        monkeypatch.setattr("proposals.services._index_words", lambda proposal: None)
        monkeypatch.setattr("governance.notifications.notify", lambda **kwargs: None)
        monkeypatch.setattr("governance.notifications.announce_task", lambda task_id: None)
        # An earlier transactional test's flush may have taken the data migrations' rows.
        default_configuration()
        # Columns added since to tables of the old state (proposals 0007's 迴避, governance
        # 0018's directory DN) and tables added since that the seed writes to (audits 0006's
        # items of a review meeting) are there while today's code seeds, and gone again before
        # the migrations add them.
        with today_s_columns(*RECUSAL_COLUMNS, *DIRECTORY_COLUMNS), today_s_tables(ReviewMeetingItem):
            call_command("seed_demo", quiet=True)
        monkeypatch.undo()
        fill_the_old_state(old)
        before = row_counts()
        assert before["governance_plan"] == 1 and before["governance_practicereport"] == 2
        assert before["governance_groupmeeting_attendees"] == 2
        assert before["governance_trailevent"] > 50 and before["proposals_proposal"] > 5
        assert before["audits_finding"] > 3 and before["governance_evidencebatchitem"] == 1

        migrate(latest)

        after = row_counts()
        assert {table: after[table] for table in before} == before
        # Tables made since the move are filled from what was there: the duplicate check's
        # index holds every submitted proposal's words. (The steps' instructions are rows of
        # the flows' steps, made after migrate; no document was issued with a verification code
        # before there were codes, and no next year's plan was drafted before there were drafts.)
        made_since = {
            "proposals_proposalgram",
            "proposals_gramfrequency",
            "governance_stepinstruction",
            "governance_issueddocument",
            "plan_practiceofficer",
            "audits_reviewmeetingitem",
            "plan_plandraft",
            # Nothing was read or changed under a personal-data access log before there was one.
            "governance_personaldataaccess",
            "governance_personaldataaccesshead",
        }
        assert set(after) - set(before) <= made_since
        assert after.get("governance_personaldataaccess", 0) == 0
        assert after["governance_issueddocument"] == 0 and after["plan_plandraft"] == 0
        submitted = Proposal.objects.filter(submitted_at__isnull=False).count()
        assert submitted and after["proposals_proposalgram"] > 10 * submitted
        # The moved models read the same rows under their own apps.
        assert Plan.objects.count() == 1 and PracticeReport.objects.count() == 2
        assert GroupMeeting.objects.get().attendees.count() == 2
        assert AgendaItem.objects.count() == 1 and MeetingDecision.objects.get().action_unit.code == "readers"
        assert EvidenceDocument.objects.count() == 1
        assert EvidenceBatchItem.objects.get().batch == EvidenceBatch.objects.get()
        linked = Proposal.objects.exclude(plan_practice=None)
        assert all(isinstance(p.plan_practice, PlanPractice) for p in linked)
        checks = list(verify_all())
        assert checks and all(check.ok for check in checks), [c.describe() for c in checks if not c.ok]
        assert TrailEvent.objects.count() == before["governance_trailevent"]
    finally:
        migrate(latest)
