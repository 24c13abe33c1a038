"""The proposal page's queries do not grow with the case: more review rounds, more trail events
(issue step 14, the page sweep: bench/sweep.py found the case pages' counts flat at the large
size; this keeps them so)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import trail
from proposals.models import CASE_KIND

pytestmark = pytest.mark.django_db


def page_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def returned_and_revised(drive, proposal):
    drive.first_review("readers-head", proposal, "returned", reasons="請補充經費")
    drive.revise("readers-staff1", proposal)


@pytest.mark.parametrize("login", ["readers-staff1", "readers-head", "tracking"])
def test_more_rounds_and_events_add_no_query(drive, person, login):
    proposal = drive.submit("readers-staff1")
    returned_and_revised(drive, proposal)
    client = drive.as_(login)
    url = f"/proposals/{proposal.pk}/"
    client.get(url)  # the session and the person's caches, as for any later request
    small = page_queries(client, url)

    for _ in range(2):
        returned_and_revised(drive, proposal)
    for n in range(15):
        trail.record_event(
            case_kind=CASE_KIND,
            case_ref=proposal.trail_ref,
            actor=person("tracking"),
            action="加註說明",
            comment=f"第 {n} 則說明",
        )
    client = drive.as_(login)
    client.get(url)
    html = client.get(url).content.decode()
    assert "第 14 則說明" in html and html.count("初審退回修正") == 3
    assert page_queries(client, url) == small
