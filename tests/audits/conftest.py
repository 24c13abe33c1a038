"""Fixtures of the audit tests (the shared ones are in tests/conftest.py)."""

import pytest

from tests.support.audit_http import AuditDriver, finding_fields


@pytest.fixture
def drive(client, person, org):
    """Audits and findings driven over HTTP as the real roles (tests/support/audit_http.py)."""
    return AuditDriver(client, person)


@pytest.fixture
def papers(drive):
    """An audit for its 公文 papers (tests/audits/test_status_table.py and the others): four
    findings, three covered by one review meeting (its lead and due date for the third changed
    there), then each at another point of its tracking:

    - removed: the readers unit's, with the reference unit supporting, closed (解除列管);
    - continued: the acquisitions unit's, continued (繼續列管) with a new due date;
    - planning: the planning unit's, a plan approved and 40 % reported;
    - waiting: the readers unit's, still waiting for a meeting.
    """
    audit = drive.register(
        [
            finding_fields(0, lead="readers", supporting=("reference",), text="閱覽區動線標示不清。"),
            finding_fields(1, lead="acquisitions", kind="recommendation", text="新書上架時程過長。"),
            finding_fields(2, lead="planning", kind="observation", text="推廣活動成效未評估。"),
            finding_fields(3, lead="readers", text="夜間閱覽照明不足。"),
        ],
        title="115 年度服務品質考核",
    )
    removed, continued, planning, waiting = drive.findings(audit)
    drive.meeting(
        removed,
        also=[continued, planning],
        attendees="館長、企劃推廣組主管、閱覽典藏組主管",
        decisions="各項考核意見依限改善，每月填報辦理情形。",
    )
    for finding in (removed, continued, planning):
        drive.plan(finding, text=f"{finding.text}之改善措施。")
        drive.approve_plan(finding)
    drive.progress(removed, 100, text="已更新全館指標。", propose=True)
    drive.request_removal(removed)
    drive.review_removal(removed)
    drive.council(removed, "remove", minutes="第 5 次館務會議紀錄")
    drive.progress(continued, 100, text="已縮短上架時程。", propose=True)
    drive.request_removal(continued)
    drive.review_removal(continued, recommend=False, opinion="佐證不足")
    drive.council(continued, "continue", new_due=120, minutes="第 6 次館務會議紀錄")
    drive.progress(planning, 40, text="已完成問卷設計。")
    for finding in (removed, continued, planning, waiting):
        finding.refresh_from_db()
    return audit, {"removed": removed, "continued": continued, "planning": planning, "waiting": waiting}
