"""The finding page's queries do not grow with the case: more progress rounds, more trail
events (issue step 14, the page sweep, bench/sweep.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import FINDING_KIND
from governance import trail
from tests.support.audit_http import finding_fields

pytestmark = pytest.mark.django_db


def page_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("login", ["readers-liaison", "tracking"])
def test_more_rounds_and_events_add_no_query(drive, person, login):
    audit = drive.register([finding_fields(0, lead="readers", supporting=("reference",))])
    finding = drive.findings(audit)[0]
    drive.meeting(finding)
    drive.plan(finding)
    drive.approve_plan(finding)
    drive.progress(finding, 20)
    client = drive.as_(login)
    url = f"/audits/findings/{finding.pk}/"
    client.get(url)
    small = page_queries(client, url)

    for percent in (40, 60, 80):
        drive.progress(finding, percent, text=f"已完成 {percent}%")
    for n in range(15):
        trail.record_event(
            case_kind=FINDING_KIND,
            case_ref=finding.trail_ref,
            actor=person("tracking"),
            action="加註說明",
            comment=f"第 {n} 則說明",
        )
    client = drive.as_(login)
    client.get(url)
    html = client.get(url).content.decode()
    assert "第 14 則說明" in html and "已完成 80%" in html
    assert page_queries(client, url) == small
