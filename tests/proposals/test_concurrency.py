"""Concurrent people on real PostgreSQL: case numbers never collide, a task runs once."""

import pytest
from django.db import connection

from proposals import services
from proposals.models import Proposal, ScopeCategory
from tests.helpers import open_task
from tests.threads import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; this runs on the PostgreSQL pass")


def draft(person, login, title):
    return services.save_draft(
        actor=person(login),
        content=services.ProposalContent(title, "現況", "具體作法", "效益", ScopeCategory.objects.first()),
    )


def test_simultaneous_submissions_get_distinct_consecutive_numbers(org, person):
    logins = [
        f"{code}-staff{n}" for code in ("readers", "planning", "reference", "acquisitions") for n in (1, 2)
    ]
    drafts = [draft(person, login, f"同時送出 {i}") for i, login in enumerate(logins)]
    results, errors = at_once(
        [
            lambda d=d, login=login: services.submit_proposal(actor=person(login), proposal=d)
            for d, login in zip(drafts, logins, strict=False)
        ]
    )
    assert errors == []
    numbers = sorted(Proposal.objects.values_list("sequence", flat=True))
    assert numbers == list(range(1, len(logins) + 1))


def test_two_clicks_on_one_review_run_it_once(org, person):
    proposal = draft(person, "readers-staff1", "雙擊測試")
    services.submit_proposal(actor=person("readers-staff1"), proposal=proposal)
    task = open_task(proposal, "first_review")
    head = person("readers-head")
    step = lambda: services.run_task(head, task, services.first_review, outcome="accepted")  # noqa: E731
    results, errors = at_once([step, step])
    assert len(results) == 1 and len(errors) == 1
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SECOND_REVIEW
    assert proposal.review_rounds.get().outcome == "accepted"
    from governance.trail import verify_case

    check = verify_case(services.CASE_KIND, proposal.trail_ref)
    assert check.ok
