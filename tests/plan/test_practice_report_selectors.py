"""Reads of the quarterly tracking: every (practice, responsible unit) of a version with its
report or None, what is missing, a unit's own list, lateness; a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plan.practice_reports import (
    missing_reports,
    overview_table,
    quarter_overview,
    unit_duties,
)
from tests.helpers import unit
from tests.support.plan_factory import add_version, make_plan, many_practices, report

pytestmark = pytest.mark.django_db


def pairs(duties):
    return [(d.practice.key, d.unit.code, d.report.state if d.report else None) for d in duties]


def test_overview_lists_every_responsible_unit_with_its_report_or_none(person, org):
    version = make_plan(115)
    report(version, "1-1-1.1", "readers", confirm=True)
    report(version, "1-2-2.1", "acquisitions", confirm=False)
    report(version, "1-2-2.1", "reference")
    report(version, "2-1-1.1", "secretariat", period="115Q2")  # another quarter
    assert pairs(quarter_overview(version, "115Q3")) == [
        ("1-1-1.1", "readers", "confirmed"),
        ("1-2-2.1", "acquisitions", "returned"),
        ("1-2-2.1", "readers", None),
        ("1-2-2.1", "reference", "submitted"),
        ("2-1-1.1", "secretariat", None),
        ("3-1-1.1", "planning", None),
        ("3-1-1.1", "readers", None),
    ]
    assert [(d.practice.key, d.unit.code) for d in missing_reports(version, "115Q3")] == [
        ("1-2-2.1", "readers"),
        ("2-1-1.1", "secretariat"),
        ("3-1-1.1", "planning"),
        ("3-1-1.1", "readers"),
    ]
    assert [(d.practice.key, d.unit.code) for d in missing_reports(version, "115Q2")][0] == (
        "1-1-1.1",
        "readers",
    )
    assert len(missing_reports(version, "115Q2")) == 6

    table = overview_table(quarter_overview(version, "115Q3"))
    assert [u.code for u in table.units] == [
        "planning",
        "acquisitions",
        "readers",
        "reference",
        "secretariat",
    ]
    assert [p.key for p, _cells in table.rows] == ["1-1-1.1", "1-2-2.1", "2-1-1.1", "3-1-1.1"]
    first_cells = table.rows[0][1]
    assert [c.unit.code if c else None for c in first_cells] == [None, None, "readers", None, None]
    assert table.missing == 4 and table.missing_by_unit == [1, 0, 2, 0, 1]
    assert table.counts == {"submitted": 1, "confirmed": 1, "returned": 1, "missing": 4}


def test_a_unit_sees_the_practices_it_answers_for(person, org):
    version = make_plan(115)
    report(version, "1-2-2.1", "readers")
    duties = unit_duties(version, "115Q3", [unit("readers")])
    assert pairs(duties) == [
        ("1-1-1.1", "readers", None),
        ("1-2-2.1", "readers", "submitted"),
        ("3-1-1.1", "readers", None),
    ]
    assert pairs(unit_duties(version, "115Q3", [unit("personnel")])) == []


def test_late_when_a_deadline_of_the_quarter_passed_without_confirmation(person, org):
    version = make_plan(115)
    report(version, "1-1-1.1", "readers", confirm=True)
    report(version, "1-2-2.1", "readers")
    late = {
        (d.practice.key, d.unit.code): d.late
        for d in quarter_overview(version, "115Q3", today=datetime.date(2026, 10, 1))
    }
    assert late[("1-1-1.1", "readers")] is False  # confirmed
    assert late[("1-2-2.1", "readers")] is True  # submitted but not confirmed
    assert late[("2-1-1.1", "secretariat")] is True
    assert late[("3-1-1.1", "readers")] is False  # due only in December
    before = quarter_overview(version, "115Q3", today=datetime.date(2026, 9, 30))
    assert not any(d.late for d in before)


def test_an_earlier_version_is_read_as_it_was(person, org):
    version = make_plan(115)
    revised = add_version(version, drop_keys=["1-1-1.1"])
    assert "1-1-1.1" in {d.practice.key for d in quarter_overview(version, "115Q3")}
    assert "1-1-1.1" not in {d.practice.key for d in quarter_overview(revised, "115Q3")}


@pytest.mark.parametrize("own_units", [None, ("readers", "acquisitions")])
def test_a_constant_number_of_queries_whatever_the_size(person, org, own_units):
    units = own_units and [unit(code) for code in own_units]

    def count(version):
        with CaptureQueriesContext(connection) as queries:
            duties = (
                quarter_overview(version, "115Q3") if units is None else unit_duties(version, "115Q3", units)
            )
            for duty in duties:  # what the pages show of each row
                duty.practice.item.area.title, list(duty.practice.deadlines.all()), duty.late
                if duty.report:
                    duty.report.submitted_by.get_full_name()
        return len(queries), len(duties)

    small = make_plan(114, practices=many_practices(3))
    large = make_plan(115, practices=many_practices(60))
    for key in ("k0", "k5", "k30"):  # practices readers and acquisitions answer for
        report(large, key, "readers")
        report(large, key, "acquisitions")
    small_queries, small_rows = count(small)
    large_queries, large_rows = count(large)
    assert large_rows > 10 * small_rows > 0
    assert small_queries == large_queries <= 4
