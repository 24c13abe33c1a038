"""Case numbers: proposals numbered 提115-0001 …, apart from findings (列115-0001 …), and found by
the list's search in every form a person types (docs/domain.md, 案號與季別)."""

import datetime

import pytest

from governance.rocdate import TAIPEI
from proposals import selectors
from proposals.models import Proposal
from tests.support.audit_http import AuditDriver, finding_fields

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=TAIPEI)  # 民國 115 年


def test_a_proposal_and_a_finding_of_the_same_year_have_numbers_told_apart(drive, client, person):
    first, second = drive.submit("readers-staff1"), drive.submit("readers-staff2")
    audit = AuditDriver(client, person).register([finding_fields(0), finding_fields(1)])
    findings = list(audit.findings.order_by("sequence"))
    assert [first.case_number, second.case_number] == ["提115-0001", "提115-0002"]
    assert [f.tracking_number for f in findings] == ["列115-0001", "列115-0002"]
    # Each its own series: the same year and serial, two numbers.
    assert (first.roc_year, first.sequence) == (findings[0].roc_year, findings[0].sequence)
    assert first.case_number != findings[0].tracking_number


@pytest.fixture
def numbered(drive):
    """提115-0001, 提115-0002 and, of the year before, 提114-0002."""
    a = drive.submit("readers-staff1", title="閱覽室座位預約系統")
    b = drive.submit("readers-staff2", title="期刊架位標示改善")
    c = drive.submit("acquisitions-staff1", title="編目作業抽檢機制")
    Proposal.objects.filter(pk=c.pk).update(roc_year=114, sequence=2, case_number="提114-0002")
    return a, b, c


def found(text):
    return set(selectors.narrow_proposals(Proposal.objects.all(), text=text).values_list("title", flat=True))


def test_search_finds_a_number_in_every_form_typed(numbered):
    a, b, c = numbered
    for typed in (
        "提115-0002",
        "115-0002",
        "１１５－０００２",
        "提１１５－０００２",
        " 115 - 0002 ",
        "115-2",
    ):
        assert found(typed) == {b.title}, typed
    # The serial alone: that serial of every year.
    assert found("0002") == found("０００２") == {b.title, c.title}
    # Part of a number, as before.
    assert found("115-000") == {a.title, b.title}
    # A finding's number names no proposal.
    assert found("列115-0002") == set()


def test_the_list_page_searches_by_the_old_number(drive, numbered):
    a, b, c = numbered
    html = drive.as_("tracking").get("/proposals/all/", {"q": "115-0002"}).content.decode()
    assert b.title in html and "提115-0002" in html and a.title not in html and c.title not in html
