"""Overdue is counted in Asia/Taipei days, and shows wherever a finding appears."""

import datetime

import pytest
import time_machine

from audits import selectors
from audits.models import Finding
from governance import inbox
from tests.support.audit_http import AuditDriver, finding_fields

pytestmark = pytest.mark.django_db

UTC = datetime.timezone.utc
# 2026-11-25 23:30 in Taipei, then 00:30 on the 26th: the UTC date is the 25th both times.
BEFORE_MIDNIGHT = datetime.datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
AFTER_MIDNIGHT = datetime.datetime(2026, 11, 25, 16, 30, tzinfo=UTC)


@pytest.fixture
def finding(client, person, org):
    with time_machine.travel(datetime.datetime(2026, 11, 1, 2, 0, tzinfo=UTC), tick=False):
        drive = AuditDriver(client, person)
        audit = drive.register([finding_fields(0, lead="readers")], held_on="2026-10-20")
        found = drive.findings(audit)[0]
        Finding.objects.filter(pk=found.pk).update(due_date=datetime.date(2026, 11, 25))
        found.refresh_from_db()
        drive.meeting(found)
    return found


def test_due_date_turns_overdue_at_taipei_midnight_not_utc(finding):
    with time_machine.travel(BEFORE_MIDNIGHT, tick=False):
        assert not selectors.is_overdue(finding)
        assert not Finding.objects.filter(selectors.overdue_q()).exists()
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        assert datetime.datetime.now(UTC).date() == datetime.date(2026, 11, 25)
        assert selectors.is_overdue(finding)
        assert list(Finding.objects.filter(selectors.overdue_q())) == [finding]


def test_findings_due_on_a_reminder_date_name_their_unit(finding, person):
    [item] = selectors.due_for_reminders([datetime.date(2026, 11, 25), datetime.date(2026, 12, 1)])
    assert item.key == f"finding:{finding.pk}" and item.case_number == finding.tracking_number
    assert item.unit_id == person("readers-head").memberships.first().unit_id
    assert item.url == f"/audits/findings/{finding.pk}/" and item.what == "缺失改善辦理情形"
    assert selectors.due_for_reminders([datetime.date(2026, 11, 24)]) == []
    Finding.objects.filter(pk=finding.pk).update(state=Finding.State.CLOSED)
    assert selectors.due_for_reminders([datetime.date(2026, 11, 25)]) == []


def test_closed_findings_are_never_overdue(finding):
    finding.state = Finding.State.CLOSED
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        assert not selectors.is_overdue(finding)


def test_overdue_shows_in_inbox_list_and_detail(finding, client, person):
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        liaison = person("readers-liaison")
        [row] = inbox.inbox_page(liaison).rows
        assert row.overdue and row.case_number == finding.tracking_number
        client.force_login(liaison)
        assert "逾期" in client.get("/workflow/inbox/").content.decode()
        assert "逾期" in client.get(f"/audits/findings/{finding.pk}/").content.decode()
        html = client.get("/audits/findings/unit/", {"overdue": "on"}).content.decode()
        assert finding.tracking_number in html and "逾期" in html
    with time_machine.travel(BEFORE_MIDNIGHT, tick=False):
        client.force_login(person("readers-liaison"))
        assert "逾期" not in client.get(f"/audits/findings/{finding.pk}/").content.decode().split("歷程")[0]
