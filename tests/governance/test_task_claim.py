"""The claim page of a queued task: 認領 puts it in one's inbox, 認領並辦理 opens it."""

import pytest

from tests.helpers import open_task
from tests.support.proposal_http import Driver

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(client, person, org):
    """The 管考 office's queued step of an accepted proposal."""
    drive = Driver(client, person)
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "accepted")
    task = open_task(proposal, "assign_reviewers")
    assert task.owner_id is None
    return drive, task


def test_claim_leads_to_the_inbox_with_the_task_in_it(queued):
    drive, task = queued
    client = drive.as_("tracking")
    page = client.get(task.reverse("assign"))
    assert page.status_code == 200 and "認領並辦理" in page.content.decode()
    response = client.post(task.reverse("assign"), follow=True)
    assert response.redirect_chain == [("/workflow/inbox/", 302)]
    html = response.content.decode()
    assert "已認領任務，已放入您的收件匣。" in html and task.reverse("index") in html
    task.refresh_from_db()
    assert task.owner.username == "tracking"


def test_claim_and_do_opens_the_task(queued):
    drive, task = queued
    response = drive.as_("tracking").post(task.reverse("assign"), {"_continue": "1"}, follow=True)
    assert response.redirect_chain == [(task.reverse("execute"), 302)]
    assert response.status_code == 200 and "已認領任務。" in response.content.decode()
