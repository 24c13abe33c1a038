"""A form that creates something, posted twice (a double click, a resent page), creates one
record; the second post is sent to what the first made. At the same moment too (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from audits.models import Audit
from evidence.models import EvidenceBatch
from meetings.models import GroupMeeting
from proposals.models import Proposal
from tests.support.audit_http import audit_form, finding_fields
from tests.support.proposal_http import proposal_form

TOKEN = "3f1c0a9e2b7d4c58a6e1f0b9c8d7e6f5"


def post_twice(client, url, data):
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    return first, second


@pytest.mark.django_db
def test_a_new_proposal_posted_twice_is_one_proposal(org, client, person):
    client.force_login(person("readers-staff1"))
    page = client.get(reverse("proposals:create")).content.decode()
    assert 'name="submission_token"' in page
    first, second = post_twice(
        client, reverse("proposals:create"), proposal_form(submit="1", submission_token=TOKEN)
    )
    assert first.status_code == 302 and Proposal.objects.count() == 1
    proposal = Proposal.objects.get()
    assert second.redirect_chain[-1][0] == f"/proposals/{proposal.pk}/"
    assert "這份表單已經送出過，沒有重複建立" in second.content.decode()
    # A new form (a new token) is a new proposal.
    client.post(reverse("proposals:create"), proposal_form(submit="1", submission_token=TOKEN[::-1]))
    assert Proposal.objects.count() == 2


@pytest.mark.django_db
def test_an_audit_registered_twice_is_one_audit(org, client, person):
    client.force_login(person("tracking"))
    data = {**audit_form([finding_fields(0)]), "submission_token": TOKEN}
    first, second = post_twice(client, reverse("audits:register"), data)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert Audit.objects.count() == 1
    assert second.redirect_chain[-1][0] == reverse("audits:audit", args=[Audit.objects.get().pk])


@pytest.mark.django_db
def test_a_meeting_scheduled_twice_is_one_meeting(org, client, person):
    client.force_login(person("tracking"))
    page = client.get(reverse("meetings:new")).content.decode()
    assert 'name="submission_token"' in page
    fields = {"submission_token": TOKEN, "day": "115/12/10", "time": "14:00", "location": "第一會議室"}
    first, second = post_twice(client, reverse("meetings:new"), fields)
    assert GroupMeeting.objects.count() == 1, first.content.decode()[:3000]
    assert second.redirect_chain[-1][0] == reverse("meetings:detail", args=[GroupMeeting.objects.get().pk])


@pytest.mark.django_db
def test_a_batch_started_twice_is_one_batch(org, client, person, django_capture_on_commit_callbacks):
    client.force_login(person("hr"))
    page = client.get(reverse("evidence:index"), {"year": "115", "unit": "readers"}).content.decode()
    assert 'name="submission_token"' in page
    with django_capture_on_commit_callbacks(execute=True):
        post_twice(
            client,
            reverse("evidence:batch_start"),
            {"year": "115", "unit": "readers", "submission_token": TOKEN},
        )
    assert EvidenceBatch.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_posts_at_the_same_moment_make_one_proposal(org, person):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; this runs on the PostgreSQL pass")
    staff = person("readers-staff1")
    barrier = threading.Barrier(4)
    codes = []

    def post():
        client = Client()
        client.force_login(staff)
        barrier.wait()
        try:
            codes.append(
                client.post(
                    reverse("proposals:create"), proposal_form(submit="1", submission_token=TOKEN)
                ).status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert codes == [302] * 4
    assert Proposal.objects.count() == 1
