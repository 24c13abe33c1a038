"""The practices' 承辦人 (plan.practice_officers): the unit's liaison or head names them for a
quarter, the 管考 office for any unit, nobody else; the next quarter (and the next version)
offers the previous one's; a person who leaves stays on the quarters they carried; every
naming on the trail; HR's evidence rows: each quarter on time or late, the confirmed result
and the head's comment."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.models import Membership, TrailEvent
from governance.permissions import sync_unit_permissions
from governance.trail import verify_case
from plan.models import PracticeOfficer
from plan.practice_officers import (
    CASE_KIND,
    name_practice_officers,
    officer_duties,
    officers_in_period,
    quarter_officers,
    trail_ref,
)
from plan.practice_reports import confirm_practice_report, submit_practice_report
from tests.helpers import frozen_at, taipei, unit
from tests.support.plan_factory import add_version, make_plan, practice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOW = taipei(datetime.date(2026, 11, 25), 10)  # 115Q4
KEY = "1-1-1.1"  # 閱覽典藏組 alone, quarterly deadlines


@pytest.fixture
def version(org):
    return make_plan(115)


def name(person, version, logins, actor="readers-liaison", period="115Q1", key=KEY, code="readers"):
    return name_practice_officers(
        actor=person(actor),
        practice=practice(version, key),
        unit=unit(code),
        period=period,
        people=[person(login) for login in logins],
    )


def logins(officers):
    return [p.username for p in officers.people]


def test_liaison_head_and_tracking_office_name_them_others_are_refused(person, version):
    named = name(person, version, ["readers-staff1", "readers-staff2"])
    assert sorted(o.person.username for o in named) == ["readers-staff1", "readers-staff2"]
    assert {(o.quarter, o.named_by.username) for o in named} == {(1, "readers-liaison")}
    name(person, version, ["readers-staff1"], actor="readers-head", period="115Q2")
    # The 管考 office names any unit's; here 2.1, answered for by three units.
    name(person, version, ["reference-staff1"], actor="tracking", key="1-2-2.1", code="reference")
    for login in ("planning-liaison", "planning-head", "readers-staff1", "hr", "director"):
        with pytest.raises(PermissionDenied):
            name(person, version, ["readers-staff1"], actor=login, period="115Q3")
    # Only the practice's responsible units.
    with pytest.raises(PermissionDenied):
        name(person, version, ["planning-staff1"], actor="tracking", code="planning")
    assert PracticeOfficer.objects.filter(quarter=3).count() == 0


def test_only_the_units_people_a_begun_quarter_and_at_least_one(person, version):
    with pytest.raises(ValidationError, match="不是閱覽典藏組的現職人員"):
        name(person, version, ["readers-staff1", "planning-staff1"])
    with pytest.raises(ValidationError, match="至少勾選一位"):
        name(person, version, [])
    with pytest.raises(ValidationError, match="不在 115 年度計畫的期間內"):
        name(person, version, ["readers-staff1"], period="116Q1")
    with frozen_at(datetime.date(2026, 5, 1)), pytest.raises(ValidationError, match="尚未開始"):
        name(person, version, ["readers-staff1"], period="115Q3")
    assert not PracticeOfficer.objects.exists()


def test_every_change_is_on_the_trail_and_the_same_names_write_nothing(person, version):
    name(person, version, ["readers-staff1"])
    name(person, version, ["readers-staff1"])  # unchanged: no event
    name(person, version, ["readers-staff2"], actor="readers-head")
    ref = trail_ref(version.plan_id, unit("readers").pk, KEY)
    events = list(TrailEvent.objects.filter(case_kind=CASE_KIND, case_ref=ref).order_by("sequence"))
    assert [(e.actor_name, e.action) for e in events] == [
        (person("readers-liaison").get_full_name(), "115 年第 1 季 指定承辦人"),
        (person("readers-head").get_full_name(), "115 年第 1 季 指定承辦人"),
    ]
    staff1, staff2 = person("readers-staff1").get_full_name(), person("readers-staff2").get_full_name()
    assert events[1].comment == f"推動作法 1.1，閱覽典藏組承辦人：{staff2}（原：{staff1}）"
    assert verify_case(CASE_KIND, ref).ok
    assert list(PracticeOfficer.objects.values_list("person__username", flat=True)) == ["readers-staff2"]


def test_next_quarter_and_next_version_offer_the_previous_ones(person, version):
    name(person, version, ["readers-staff1", "readers-staff2"])
    offered = quarter_officers(practice(version, KEY), unit("readers"), "115Q2")
    assert (logins(offered), offered.named, offered.source) == (
        ["readers-staff1", "readers-staff2"],
        False,
        "115Q1",
    )
    name(person, version, ["readers-staff2"], period="115Q2")
    # Q3 and Q4 offer Q2's, the latest before them.
    assert logins(quarter_officers(practice(version, KEY), unit("readers"), "115Q4")) == ["readers-staff2"]
    # A rolling revision: the new version's practice offers the earlier version's officers.
    second = add_version(version)
    offered = quarter_officers(practice(second, KEY), unit("readers"), "115Q2")
    assert (logins(offered), offered.named) == (["readers-staff2"], True)  # the key's, named
    offered = quarter_officers(practice(second, KEY), unit("readers"), "115Q3")
    assert (logins(offered), offered.source) == (["readers-staff2"], "115Q2")
    # Naming on the replaced version is refused; on the current one, kept rows move to it.
    with pytest.raises(ValidationError, match="已由第 2 版取代"):
        name(person, version, ["readers-staff1"], period="115Q3")
    name(person, second, ["readers-staff2", "readers-staff1"], period="115Q2")
    assert set(PracticeOfficer.objects.filter(quarter=2).values_list("practice", flat=True)) == {
        practice(second, KEY).pk
    }
    # Next year's plan with the same key offers this year's last quarter.
    next_year = make_plan(116)
    offered = quarter_officers(practice(next_year, KEY), unit("readers"), "116Q1")
    assert (logins(offered), offered.source) == (["readers-staff1", "readers-staff2"], "115Q2")


def test_a_person_who_leaves_stays_on_past_quarters(person, version):
    name(person, version, ["readers-staff1", "readers-staff2"])
    leaver = person("readers-staff1")
    Membership.objects.filter(user=leaver).update(valid_until=datetime.date(2026, 6, 30))
    sync_unit_permissions(leaver)
    # Not offered any more, and cannot be added to a new quarter...
    assert logins(quarter_officers(practice(version, KEY), unit("readers"), "115Q3")) == ["readers-staff2"]
    with pytest.raises(ValidationError, match="現職人員"):
        name(person, version, ["readers-staff1"], period="115Q3")
    # ...but stays on the quarter they carried, also when it is named again.
    name(person, version, ["readers-staff1", "readers-staff2", "readers-liaison"])
    q1 = quarter_officers(practice(version, KEY), unit("readers"), "115Q1")
    assert logins(q1) == ["readers-liaison", "readers-staff1", "readers-staff2"] and q1.named
    assert [
        r["number"] for r in officer_duties(leaver, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    ] == ["1.1"]
    assert (leaver, unit("readers")) in officers_in_period(
        datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)
    )


def report(person, version, period, day, confirm=None, comment="", status="done"):
    with frozen_at(day):
        written = submit_practice_report(
            actor=person("readers-liaison"),
            practice=practice(version, KEY),
            unit=unit("readers"),
            period=period,
            status=status,
            text=f"{period} 網路辦證服務上線",
        )
        if confirm is not None:
            confirm_practice_report(
                actor=person("readers-head"), report=written, approve=confirm, comment=comment
            )
    return written


def test_evidence_rows_say_which_quarters_were_on_time(person, version):
    for period in ("115Q1", "115Q2", "115Q3", "115Q4"):
        name(person, version, ["readers-staff2"], period=period)
    report(person, version, "115Q1", datetime.date(2026, 3, 20), confirm=True, comment="辦理積極，值得肯定")
    report(person, version, "115Q2", datetime.date(2026, 7, 3), confirm=True)  # after 6/30
    report(person, version, "115Q3", datetime.date(2026, 9, 25), confirm=False, comment="請補充統計")
    [row] = officer_duties(person("readers-staff2"), datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert (row["number"], row["unit"], row["role"], row["area"]) == (
        "1.1",
        "閱覽典藏組",
        "業務承辦人員",
        "一、服務流程",
    )
    assert row["title"].startswith("讀者辦證服務單一窗口服務") and "僅供考績參考" in row["note"]
    q1, q2, q3, q4 = row["quarters"]
    assert (q1["period"], q1["due"], q1["timeliness"], q1["timeliness_label"]) == (
        "115Q1",
        "2026-03-31",
        "on_time",
        "如期",
    )
    assert (q1["status"], q1["text"], q1["head_comment"]) == (
        "已完成",
        "115Q1 網路辦證服務上線",
        "辦理積極，值得肯定",
    )
    assert (q2["timeliness"], q2["timeliness_label"], q2["submitted_on"]) == ("late", "逾期", "2026-07-03")
    # Returned and not written again: late, with no confirmed result (nor the return's comment).
    assert (q3["timeliness"], q3["state"], q3["status"], q3["head_comment"]) == ("late", "主管退回", "", "")
    assert (q4["timeliness"], q4["state"], q4["due"]) == ("pending", "未填報", "2026-12-31")
    assert (row["on_time"], row["late"]) == (1, 2)
    # A half year shows only its quarters; someone not named has no rows.
    [half] = officer_duties(person("readers-staff2"), datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    assert [q["period"] for q in half["quarters"]] == ["115Q1", "115Q2"]
    assert (
        officer_duties(person("readers-staff1"), datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) == []
    )


def test_a_quarter_without_a_report_past_its_deadline_is_late(person, version):
    name(person, version, ["readers-staff1"], period="115Q2")
    [row] = officer_duties(person("readers-staff1"), datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    [q2] = row["quarters"]
    assert (q2["timeliness"], q2["timeliness_label"], q2["state"]) == ("late", "逾期未填報", "未填報")
