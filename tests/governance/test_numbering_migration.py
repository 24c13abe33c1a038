"""The numbers given before the prefixes, and meetings numbered in the order they were made,
are rewritten by proposals 0008, audits 0005 and meetings 0003-0004 (docs/domain.md, 案號與季別);
taken back, the prefixes come off again.

Rows are written at today's state, the three migrations taken back, the meetings numbered there
as before (in the order they were made, not by date), then migrated forward.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audits.models import Finding
from governance.demo import seed_organisation
from meetings.models import AgendaItem, GroupMeeting
from proposals.models import Proposal
from tests.helpers import default_configuration
from tests.support.meeting_factory import finding, held, meeting, proposal

pytestmark = pytest.mark.django_db(transaction=True)

NUMBERING = [
    ("proposals", "0008_case_number_prefix"),
    ("audits", "0005_tracking_number_prefix"),
    ("meetings", "0003_meeting_number_counted"),
]
D = datetime.date
S, H, C = GroupMeeting.State.SCHEDULED, GroupMeeting.State.HELD, GroupMeeting.State.CANCELLED


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def before_numbering():
    """Each app at the migration before its numbering one."""
    graph = MigrationExecutor(connection).loader.graph
    return [parent for node in NUMBERING for parent in graph.node_map[node].parents if parent[0] == node[0]]


def case_number(pk):
    return Proposal.objects.filter(pk=pk).values_list("case_number", flat=True).get()


def tracking_number(pk):
    return Finding.objects.filter(pk=pk).values_list("tracking_number", flat=True).get()


def meeting_numbers():
    return list(
        GroupMeeting.objects.order_by("scheduled_for").values_list("scheduled_for__month", "number", "state")
    )


def references():
    return dict(AgendaItem.objects.values_list("meeting__scheduled_for__month", "reference"))


def test_the_numbers_are_rewritten_and_back():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    default_configuration()
    seed_organisation()
    numbered = proposal("readers", "閱覽室座位預約系統", due=D(2026, 9, 30))
    Proposal.objects.filter(pk=numbered.pk).update(case_number="提115-0004", roc_year=115, sequence=4)
    draft = proposal("readers", "草稿", due=None, state=Proposal.State.DRAFT)
    Proposal.objects.filter(pk=draft.pk).update(case_number=None, roc_year=None, sequence=None)
    tracked = finding("readers", "閱覽區動線標示不清", due=D(2026, 9, 30))
    Finding.objects.filter(pk=tracked.pk).update(tracking_number="列115-0004", roc_year=115, sequence=4)
    march = held(D(2026, 3, 8), number=1)
    may = meeting(D(2026, 5, 6), number=2)
    meeting(D(2026, 6, 10), state=C, number=3)  # cancelled while it was 第 3 次
    july = meeting(D(2026, 7, 8), number=3)
    for m in (march, may):
        AgendaItem.objects.create(
            meeting=m, kind="proposal", ref_id=numbered.pk, reference="提115-0004", title="座位"
        )
    try:
        migrate(before_numbering())
        assert (case_number(numbered.pk), case_number(draft.pk)) == ("115-0004", None)
        assert tracking_number(tracked.pk) == "115-0004"
        assert references() == {3: "115-0004", 5: "115-0004"}
        # Every meeting of a year numbered once again: the cancelled one takes a free number.
        assert meeting_numbers() == [(3, 1, H), (5, 2, S), (6, 4, C), (7, 3, S)]
        # Before, meetings were numbered in the order they were scheduled: May's after July's.
        GroupMeeting.objects.filter(pk=may.pk).update(number=10)
        GroupMeeting.objects.filter(pk=july.pk).update(number=2)
        GroupMeeting.objects.filter(pk=may.pk).update(number=3)

        migrate(latest)

        assert (case_number(numbered.pk), case_number(draft.pk)) == ("提115-0004", None)
        assert tracking_number(tracked.pk) == "列115-0004"
        # The held meeting's agenda keeps the number it was held with.
        assert references() == {3: "115-0004", 5: "提115-0004"}
        assert meeting_numbers() == [(3, 1, H), (5, 2, S), (6, 4, C), (7, 3, S)]
    finally:
        migrate(latest)
