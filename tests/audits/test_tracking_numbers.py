"""Tracking numbers: findings numbered 列115-0001 …, found by the list's search in every form a
person types (docs/domain.md, 案號與季別)."""

import datetime

import pytest

from audits import selectors
from audits.models import Finding
from governance.rocdate import TAIPEI
from tests.support.audit_http import finding_fields

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=TAIPEI)  # 民國 115 年


@pytest.fixture
def numbered(drive):
    """列115-0001, 列115-0002 and, of the year before, 列114-0002."""
    audit = drive.register(
        [finding_fields(i, text=f"第 {i + 1} 項：{t}") for i, t in enumerate(("動線", "標示", "盤點"))]
    )
    a, b, c = audit.findings.order_by("sequence")
    Finding.objects.filter(pk=c.pk).update(roc_year=114, sequence=2, tracking_number="列114-0002")
    return a, b, c


def found(text):
    return set(selectors.filter_findings(Finding.objects.all(), text=text).values_list("pk", flat=True))


def test_registration_numbers_findings_with_their_prefix(numbered):
    a, b, c = numbered
    assert (a.tracking_number, b.tracking_number) == ("列115-0001", "列115-0002")


def test_search_finds_a_number_in_every_form_typed(numbered):
    a, b, c = numbered
    for typed in ("列115-0002", "115-0002", "１１５－０００２", "列１１５－０００２", " 115 - 0002 "):
        assert found(typed) == {b.pk}, typed
    assert found("0002") == {b.pk, c.pk}
    assert found("115-000") == {a.pk, b.pk}
    # A proposal's number names no finding.
    assert found("提115-0002") == set()


def test_the_list_page_searches_by_the_old_number(drive, numbered):
    a, b, c = numbered
    response = drive.as_("tracking").get("/audits/findings/", {"q": "115-0002"})
    assert [f.pk for f in response.context["findings"]] == [b.pk]
    assert "列115-0002" in response.content.decode()
