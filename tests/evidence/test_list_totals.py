"""HR's evidence list: its totals come in bulk (evidence_summaries), give the same figures as
appraisal_evidence person by person, and take as many queries for 40 people as for 5."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence.selectors import appraisal_evidence, evidence_summaries, people_in_period
from governance import access_log
from governance.models import Membership, Unit
from governance.periods import period_of_year
from plan.practice_officers import name_practice_officers
from tests.helpers import taipei, unit
from tests.support.plan_factory import make_plan, practice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOW = taipei(datetime.date(2026, 11, 25), 10)  # 115Q4: the proposal and finding are of then

# The year, last year (empty), each quarter, a span across quarters and a single day.
PERIODS = [
    period_of_year(115),
    period_of_year(114),
    (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
    (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
    (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
    (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
    (datetime.date(2026, 3, 15), datetime.date(2026, 8, 15)),
    (NOW.date(), NOW.date()),
]


@pytest.fixture
def contributions(closed_proposal, client, person, org):
    """Something of every kind: the closed proposal (readers-staff1 60 %, readers-staff2 40 %,
    both rewarded), a finding worked on by the readers (lead) and planning (supporting)
    liaisons, and practices carried by readers-staff2 (1.1 in Q1–Q3, 3.1 in Q4) and planning-staff1
    (3.1 in Q2 and Q4)."""
    from tests.support.audit_http import AuditDriver, finding_fields

    drive = AuditDriver(client, person)
    audit = drive.register([finding_fields(0, lead="readers", supporting=["planning"])])
    finding = drive.findings(audit)[0]
    drive.meeting(finding)
    drive.plan(finding)
    drive.approve_plan(finding)
    drive.as_("planning-liaison").post(
        f"/audits/findings/{finding.pk}/contribute/",
        {"unit": finding.supporting_units.get().pk, "text": "協辦"},
    )
    version = make_plan(115)
    for login, unit_code, liaison, key, periods in (
        ("readers-staff2", "readers", "readers-liaison", "1-1-1.1", ("115Q1", "115Q2", "115Q3")),
        ("readers-staff2", "readers", "readers-liaison", "3-1-1.1", ("115Q4",)),
        ("planning-staff1", "planning", "planning-liaison", "3-1-1.1", ("115Q2", "115Q4")),
    ):
        for period in periods:
            name_practice_officers(
                actor=person(liaison),
                practice=practice(version, key),
                unit=unit(unit_code),
                period=period,
                people=[person(login)],
            )
    client.logout()


def new_people(code, count, sort_order=90):
    """A unit of `count` new staff, with nothing of their own: only the number of people grows."""
    new_unit = Unit.objects.create(
        code=code, name=f"測試{code}", kind=Unit.Kind.DIVISION, sort_order=sort_order
    )
    for n in range(count):
        member = get_user_model().objects.create(username=f"{code}-{n:02}", full_name=f"{code} {n}")
        Membership.objects.create(
            user=member, unit=new_unit, role="staff", valid_from=datetime.date(2020, 1, 1)
        )
    return new_unit


def test_bulk_totals_are_appraisal_evidences_for_every_person_and_period(contributions):
    people = list(get_user_model().objects.order_by("username"))
    seen_something = False
    for start, end in PERIODS:
        summaries = evidence_summaries(people, start, end)
        assert set(summaries) == {p.pk for p in people}
        for p in people:
            evidence = appraisal_evidence(p, start, end)
            summary = summaries[p.pk]
            assert (
                summary.unit_name,
                summary.items,
                summary.practices,
                summary.reward_amount,
                summary.commendations,
                summary.commendation_label,
                summary.has_items,
            ) == (
                evidence.unit_name,
                evidence.totals["items"],
                len(evidence.practices),
                evidence.totals["reward_amount"],
                evidence.totals["commendations"],
                evidence.totals["commendation_label"],
                evidence.has_items,
            ), (p.username, start, end)
            seen_something |= summary.has_items
    # The comparison is not of zeros only: the fixture's data shows in the year.
    assert seen_something
    year = evidence_summaries(people, *period_of_year(115))
    by_login = {p.username: year[p.pk] for p in people}
    assert by_login["readers-staff1"].reward_amount == 1800
    assert by_login["readers-staff2"].reward_amount == 1200 and by_login["readers-staff2"].practices == 2
    assert by_login["planning-liaison"].items == 1 and by_login["planning-staff1"].practices == 1


def test_bulk_totals_refuse_a_reversed_period(org):
    with pytest.raises(ValueError):
        evidence_summaries([], datetime.date(2026, 2, 1), datetime.date(2026, 1, 1))


def test_selectors_take_the_same_queries_for_5_and_for_40_people(contributions):
    start, end = period_of_year(115)
    counts = {}
    for code, count in (("few", 5), ("many", 40)):
        people = [p for p, _unit in people_in_period(start, end, new_people(code, count))]
        assert len(people) == count
        with CaptureQueriesContext(connection) as queries:
            evidence_summaries(people, start, end)
        counts[count] = len(queries)
    # The people with contributions take no more either.
    everyone = [p for p, _unit in people_in_period(start, end)]
    with CaptureQueriesContext(connection) as queries:
        evidence_summaries(everyone, start, end)
    # Two for proposals, three for findings, one each for practices and units.
    assert counts[5] == counts[40] == len(queries) == 7


def list_queries(client, **query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("evidence:index"), {"year": "115", **query})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_list_page_takes_the_same_queries_for_5_and_for_40_people(
    contributions, client, person, django_assert_max_num_queries, settings
):
    settings.LIST_PAGE_SIZE = 200  # everyone on one page here; test_list_paging walks the pages
    new_people("few", 5)
    new_people("many", 40)
    client.force_login(person("hr"))
    list_queries(client)  # the first read ever makes the access log's head row
    few, page = list_queries(client, unit="few")
    assert page.count(".pdf?year=115") == 5
    many, page = list_queries(client, unit="many")
    assert page.count(".pdf?year=115") == 40
    assert few == many
    # Everyone (the demo's people, those with contributions, the 45 new): still the same,
    # but for the query of the people with no unit that only the everyone list makes.
    with django_assert_max_num_queries(many + 1):
        _count, page = list_queries(client)
    assert page.count(".pdf?year=115") == get_user_model().objects.filter(is_active=True).count()
    # And the figures are the ones the per-person evidence gives.
    assert "1,800 元" in page and "1,200 元" in page and "嘉獎二次" in page


def test_the_lists_reads_are_one_insert_and_the_chain_verifies(contributions, client, person):
    new_people("many", 40)
    client.force_login(person("hr"))
    list_queries(client, unit="readers")
    before = access_log.PersonalDataAccess.objects.count()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("evidence:index"), {"year": "115", "unit": "many"})
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "governance_personaldataaccess"')]
    assert len(inserts) == 1
    assert access_log.PersonalDataAccess.objects.count() == before + 40
    check = access_log.verify_access_log()
    assert check.ok, check.describe()
    assert check.records == before + 40
