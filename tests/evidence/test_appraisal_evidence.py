"""Appraisal evidence data: a person's proposals and findings in a period, totals, fingerprint."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone, translation

from evidence.selectors import appraisal_evidence
from governance.periods import period_of_year
from governance.rocdate import roc_year
from governance.text import commendation_label

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "count, label",
    [
        (0, ""),
        (1, "嘉獎一次"),
        (2, "嘉獎二次"),
        (3, "記功一次"),
        (4, "記功一次嘉獎一次"),
        (9, "記大功一次"),
        (13, "記大功一次記功一次嘉獎一次"),
        # Numerals stay Chinese past nine: a person with many adopted proposals in a year.
        (90, "記大功十次"),
        (108, "記大功十二次"),
        (180, "記大功二十次"),
        (213, "記大功二十三次記功二次"),
    ],
)
def test_commendations_convert_as_hr_writes_them(count, label):
    assert commendation_label(count) == label


def test_period_of_year_takes_roc_or_ad():
    assert period_of_year(114) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert period_of_year(2025) == period_of_year(114)


def this_year():
    return period_of_year(roc_year(timezone.localdate()))


def test_evidence_lists_the_persons_proposals_with_share_and_reward(closed_proposal, person):
    evidence = appraisal_evidence(person("readers-staff2"), *this_year())
    [item] = evidence.items
    assert item["case_number"] == closed_proposal.case_number
    assert (item["role"], item["share"], item["grade"], item["decision"]) == (
        "共同提案人",
        40,
        "優等",
        "採行",
    )
    # 優等: NT$3,000 and 嘉獎二次 by default; 40 % of the amount.
    assert item["reward_amount"] == 1200 and item["commendation_label"] == "嘉獎二次"
    assert evidence.totals["reward_amount"] == 1200 and evidence.totals["adopted"] == 1
    assert (
        evidence.unit_name == "閱覽典藏組" and evidence.full_name == person("readers-staff2").get_full_name()
    )
    # The other proposer's evidence has the larger share; someone else has none.
    assert appraisal_evidence(person("readers-staff1"), *this_year()).items[0]["share"] == 60
    assert appraisal_evidence(person("planning-staff1"), *this_year()).items == []


def test_fingerprint_is_stable_for_the_same_data_and_changes_with_it(closed_proposal, person):
    first = appraisal_evidence(person("readers-staff1"), *this_year())
    with translation.override("en"):
        again = appraisal_evidence(person("readers-staff1"), *this_year())
    assert first.fingerprint == again.fingerprint  # the reader's language does not matter
    with connection.cursor() as cursor:
        cursor.execute("UPDATE proposals_reward SET amount = amount + 1")
    assert appraisal_evidence(person("readers-staff1"), *this_year()).fingerprint != first.fingerprint


def test_another_period_is_empty(closed_proposal, person):
    start, end = this_year()
    last_year = (start.replace(year=start.year - 1), end.replace(year=end.year - 1))
    assert appraisal_evidence(person("readers-staff1"), *last_year).items == []
    with pytest.raises(ValueError):
        appraisal_evidence(person("readers-staff1"), end, start)


def test_findings_worked_on_appear_as_lead_or_supporting(client, person, org):
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
    [lead] = appraisal_evidence(person("readers-liaison"), *this_year()).items
    [supporting] = appraisal_evidence(person("planning-liaison"), *this_year()).items
    assert (lead["case_number"], lead["role"]) == (finding.tracking_number, "主辦")
    assert (supporting["case_number"], supporting["role"]) == (finding.tracking_number, "協辦")
    assert appraisal_evidence(person("reference-liaison"), *this_year()).items == []


def test_dates_are_taipei_days_even_in_the_small_hours(client, person, org):
    import time_machine

    from governance.rocdate import TAIPEI
    from tests.support.proposal_http import Driver, run_to_closure

    # 03:59 on 5 December in Taipei is still 4 December in UTC.
    with time_machine.travel(datetime.datetime(2026, 12, 5, 3, 59, tzinfo=TAIPEI), tick=False):
        proposal = run_to_closure(Driver(client, person), Driver(client, person).submit("readers-staff1"))
    evidence = appraisal_evidence(person("readers-staff1"), *period_of_year(115))
    [item] = [i for i in evidence.items if i["case_number"] == proposal.case_number]
    assert item["decided_on"] == item["closed_on"] == datetime.date(2026, 12, 5)
