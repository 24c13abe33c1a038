"""The to-do list's other duties for the inbox benchmark (bench/run.py): 100,000 open duties
beside the open tasks, bulk-created once.

- 50,000 findings in progress, of one audit, each supported by one unit (so its liaison owes a
  contribution): the units in the tasks' shares (bench/load.py: 30 % planning, 10 % readers,
  10 % each of the others), due over the next two years;
- 50,000 follow-up actions of 60 held meetings, given to the units in the same shares, due over
  the same two years.

The benchmark's users are unit heads; for the to-do list they are made their unit's liaison
too (a small unit's head often is), so every kind of duty counts for them.
"""

import datetime

from load import UNIT_ORDER

FINDINGS = 50_000
ACTIONS = 50_000
MEETINGS = 60


def _slot(i):
    share = (i * 37) % 100
    if share < 30:
        return 0
    if share < 40:
        return 1
    return 2 + (share - 40) // 10


def load(today, heads_as_liaisons):
    from audits.models import Audit, Finding
    from governance.models import Membership, Unit, User
    from governance.permissions import sync_unit_permissions
    from governance.roles import UnitRole
    from meetings.models import GroupMeeting, MeetingDecision

    units = {u.code: u for u in Unit.objects.filter(code__in=UNIT_ORDER)}
    order = [units[code] for code in UNIT_ORDER]
    tracking = User.objects.get(username="tracking")
    audit = Audit.objects.create(
        agency="教育部",
        kind=Audit.Kind.APPRAISAL,
        title="基準測試考核",
        held_on=today - datetime.timedelta(days=30),
        document_number="基準字第0000001號",
        registered_by=tracking,
    )
    findings = [
        Finding(
            audit=audit,
            tracking_number=f"B{i:06d}",
            roc_year=today.year - 1911,
            sequence=100_000 + i,
            kind=Finding.Kind.DEFICIENCY,
            text=f"基準測試考核意見第 {i} 項：閱覽區動線標示不清。",
            severity=Finding.Severity.MEDIUM,
            lead_unit=order[(_slot(i) + 1) % len(order)],
            due_date=today + datetime.timedelta(days=i % 730),
            state=Finding.State.IN_PROGRESS,
        )
        for i in range(1, FINDINGS + 1)
    ]
    Finding.objects.bulk_create(findings, batch_size=5000)
    ids = list(Finding.objects.filter(audit=audit).order_by("pk").values_list("pk", flat=True))
    through = Finding.supporting_units.through
    through.objects.bulk_create(
        (through(finding_id=pk, unit_id=order[_slot(i)].pk) for i, pk in enumerate(ids, start=1)),
        batch_size=5000,
    )
    meetings = GroupMeeting.objects.bulk_create(
        GroupMeeting(
            roc_year=today.year - 1911 - n // 6,
            number=100 + n,
            scheduled_for=datetime.datetime.combine(
                today - datetime.timedelta(days=60 * n + 1), datetime.time(14), datetime.UTC
            ),
            state=GroupMeeting.State.HELD,
            minutes="基準測試會議紀錄",
            created_by=tracking,
        )
        for n in range(MEETINGS)
    )
    MeetingDecision.objects.bulk_create(
        (
            MeetingDecision(
                meeting=meetings[i % MEETINGS],
                text=f"基準測試決議第 {i} 項：請於期限內辦理。",
                action_unit=order[_slot(i)],
                action_due=today + datetime.timedelta(days=(i * 7) % 730),
            )
            for i in range(1, ACTIONS + 1)
        ),
        batch_size=5000,
    )
    # Fresh statistics, as autovacuum keeps them on a live database.
    from django.db import connection

    with connection.cursor() as cur:
        for model in (Finding, through, GroupMeeting, MeetingDecision):
            cur.execute(f'ANALYZE "{model._meta.db_table}"')
    for username in heads_as_liaisons:
        person = User.objects.get(username=username)
        unit = units[username.rsplit("-", 1)[0]]
        Membership.objects.get_or_create(user=person, unit=unit, role=UnitRole.LIAISON)
        sync_unit_permissions(person)
    return {"findings_with_a_contribution_owed": FINDINGS, "follow_up_actions": ACTIONS}
