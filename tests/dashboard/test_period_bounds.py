"""The dashboard's periods are days in Taipei: a proposal submitted or decided in the last
minutes of a year (Taipei) counts in that year, one in the first minutes of the next in the
next, although both moments are on the same UTC day (the periods are ranges of moments now,
for the index, rather than a date cast of every row)."""

import datetime

import pytest

from dashboard import selectors
from governance.rocdate import TAIPEI
from proposals.models import Proposal
from tests.support.meeting_factory import proposal

pytestmark = pytest.mark.django_db
LATE = datetime.datetime(2025, 12, 31, 23, 50, tzinfo=TAIPEI)  # 114's last minutes
EARLY = datetime.datetime(2026, 1, 1, 0, 10, tzinfo=TAIPEI)  # 115's first: the same UTC day


@pytest.fixture
def cases(org):
    late = proposal("readers", "年底送出", due=datetime.date(2026, 6, 30))
    early = proposal("planning", "年初送出", due=datetime.date(2026, 6, 30))
    Proposal.objects.filter(pk=late.pk).update(submitted_at=LATE, decided_at=LATE)
    Proposal.objects.filter(pk=early.pk).update(submitted_at=EARLY, decided_at=EARLY)
    return late, early


@pytest.mark.parametrize(
    ("year", "quarter", "which"), [(114, None, 0), (114, 4, 0), (115, None, 1), (115, 1, 1)]
)
def test_a_moment_counts_in_the_period_of_its_taipei_day(cases, year, quarter, which):
    period = selectors.period_of(year, quarter)
    unit_id = cases[which].unit_id
    submitted = selectors.proposals_by_unit_and_state(period)
    assert submitted["total"] == 1 and list(submitted["by_unit"]) == [unit_id]
    decided = selectors.adoption_by_unit(period)
    assert decided["decided"] == 1 and list(decided["by_unit"]) == [unit_id]


def test_nothing_counts_in_a_period_around_neither(cases):
    period = selectors.period_of(115, 2)
    assert selectors.proposals_by_unit_and_state(period)["total"] == 0
    assert selectors.adoption_by_unit(period)["decided"] == 0
