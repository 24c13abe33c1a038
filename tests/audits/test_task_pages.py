"""A finding's task pages open with what the decision needs, and every version of the
remediation plan is kept: shown round by round with what a rewrite changed, and printed in the
finding's trail PDF."""

import pytest

from audits import documents
from tests.helpers import flat, open_task, pdf_text
from tests.support.audit_http import finding_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned_and_rewritten(drive):
    audit = drive.register([finding_fields(0, lead="readers", text="閱覽區動線標示不清。")])
    (finding,) = drive.findings(audit)
    drive.meeting(finding)
    drive.plan(finding, text="調整閱覽區指標系統。")
    drive.approve_plan(finding, approve=False, comment="請列出完成日期與負責人")
    drive.plan(finding, text="調整閱覽區指標系統，115 年 12 月底前由典藏組完成。")
    return finding


def test_the_head_sees_the_plan_their_earlier_comment_and_what_changed(drive, returned_and_rewritten):
    finding = returned_and_rewritten
    task = open_task(finding, "approve_plan")
    client = drive.as_("readers-head")
    if task.owner_id is None:
        client.post(task.reverse("assign"))
    html = client.get(task.reverse("execute")).content.decode()
    top = html[html.index('id="gov-main"') : html.index('class="gov-card gov-form"')]
    assert "這一步要您做的事" in top and "辦理說明" in top and "請審核改善措施" in top
    assert "期限" in top and f'href="/audits/findings/{finding.pk}/"' in top
    assert "待核定的改善措施（第 1 輪）" in top
    assert "與上一輪相比的修改" in top
    assert "上一輪的意見（" in top and "請列出完成日期與負責人" in top
    assert '<ins><span class="gov-sr">新增：</span>，115 年 12 月底前由典藏組完成</ins>' in top


def test_every_plan_version_is_on_the_finding_page_and_in_the_trail_pdf(drive, returned_and_rewritten):
    finding = returned_and_rewritten
    html = drive.as_("tracking").get(f"/audits/findings/{finding.pk}/").content.decode()
    assert html.count("調整閱覽區指標系統") >= 2 and "與前一版相比的修改" in html

    text = flat(pdf_text(documents.finding_trail(finding).content))
    assert "第 1 輪改善措施　第 1 版" in text and "第 1 輪改善措施　第 2 版" in text
    assert "調整閱覽區指標系統。" in text and "115 年 12 月底前由典藏組完成" in text
    assert "請列出完成日期與負責人" in text
