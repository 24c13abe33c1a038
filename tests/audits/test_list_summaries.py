"""The findings lists' summaries and the audits list at scale (issue step 14): figures right,
each summary one query, and the pages' queries the same however many findings there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits import selectors
from audits.models import Finding
from tests.helpers import unit
from tests.support.audit_http import finding_fields

pytestmark = pytest.mark.django_db
LEADS = ("readers", "acquisitions", "planning", "reference")


def _register(drive, n, audits=1):
    for a in range(audits):
        drive.register(
            [
                finding_fields(
                    i,
                    lead=LEADS[i % len(LEADS)],
                    supporting=("reference", "planning") if i % 3 == 0 else (),
                    due=-5 if i % 2 else 60,
                    text=f"考核意見 {a}-{i}",
                )
                for i in range(n)
            ],
            title=f"考核 {a}",
        )


def _queries(client, url):
    client.get(url)  # warm: the session, caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _expected(findings, key):
    """The summary computed by hand from the findings themselves."""
    rows = {}
    for f in findings:
        if f.state == Finding.State.WITHDRAWN:
            continue
        row = rows.setdefault(key(f), {"total": 0, "closed": 0, "overdue": 0})
        row["total"] += 1
        row["closed"] += f.state == Finding.State.CLOSED
        row["overdue"] += selectors.is_overdue(f)
    return rows


def test_unit_summaries_count_a_finding_once_whatever_its_supporting_units(drive, person):
    """A finding led by the reader's unit and supported by two others is one finding, not one per
    supporting unit (the list's join once counted it again for each)."""
    _register(drive, 6)
    head = person("readers-head")
    queryset = selectors.unit_findings(head)
    readers = unit("readers")
    mine = [
        f
        for f in Finding.objects.prefetch_related("supporting_units")
        if f.lead_unit_id == readers.pk or readers in f.supporting_units.all()
    ]
    assert sorted(f.pk for f in queryset) == sorted(f.pk for f in mine)
    expected = _expected(mine, lambda f: f.lead_unit_id)
    by_unit = {
        r["key"]: {"total": r["total"], "closed": r["closed"], "overdue": r["overdue"]}
        for r in selectors.summary_by_unit(queryset)
    }
    assert by_unit == expected
    # The reference unit supports two findings it does not lead: they count under their lead.
    reference = selectors.unit_findings(person("reference-head"))
    assert sum(r["total"] for r in selectors.summary_by_unit(reference)) == reference.count()


def test_summary_by_audit_orders_and_limits_in_one_query(drive):
    _register(drive, 4, audits=3)
    late = Finding.objects.filter(audit__title="考核 1").order_by("sequence").first()
    Finding.objects.filter(pk=late.pk).update(due_date=late.due_date.replace(year=late.due_date.year - 2))
    expected = _expected(Finding.objects.all(), lambda f: f.audit_id)
    with CaptureQueriesContext(connection) as ctx:
        rows = selectors.summary_by_audit(Finding.objects.all(), limit=2)
    assert len(ctx.captured_queries) == 1
    assert len(rows) == 2
    everything = selectors.summary_by_audit(Finding.objects.all())
    assert rows == everything[:2]
    # Most overdue first, then most open, then the latest audit.
    keys = [(-r["overdue"], -r["open"], -r["key"]) for r in everything]
    assert keys == sorted(keys)
    assert rows[0]["label"] == "考核 1"
    assert {r["key"]: {k: r[k] for k in ("total", "closed", "overdue")} for r in everything} == expected


def test_summary_by_unit_is_one_query_with_the_units_names(drive):
    _register(drive, 5)
    with CaptureQueriesContext(connection) as ctx:
        rows = selectors.summary_by_unit(Finding.objects.all())
    assert len(ctx.captured_queries) == 1
    assert [r["label"] for r in rows] == sorted(unit(name).name for name in LEADS)


@pytest.mark.parametrize(
    ("login", "url"),
    [
        ("tracking", "/audits/findings/"),
        ("readers-head", "/audits/findings/unit/"),
        ("readers-staff1", "/audits/findings/unit/"),
        ("tracking", "/audits/"),
        ("readers-head", "/audits/"),
    ],
)
def test_list_queries_do_not_grow_with_the_findings(drive, login, url):
    _register(drive, 2)
    few = _queries(drive.as_(login), url)
    _register(drive, 12, audits=3)
    assert Finding.objects.count() == 38
    assert _queries(drive.as_(login), url) == few
